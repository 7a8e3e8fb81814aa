//===--- FrameView.swift - A frame's name, whichever way it was found --------===//
//
// Plugins should not care whether a name came from the listing or from a
// symbol map. A FrameView gives module, function and offset from the
// resolution when there is one, else from what the listing printed, with the
// module reduced to its stem (`EMSMTA` for `EMSMTA.EXE`) and case kept.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A frame as plugins see it.
public struct FrameView: Sendable, Hashable {
  /// Index of the thread in the report.
  public var thread: Int
  /// Index of the frame in the thread.
  public var index: Int
  /// The module stem, when known.
  public var module: String?
  /// The function, when known (undecorated where the map undecorated it).
  public var function: String?
  /// The offset into the function, when known.
  public var offset: UInt64?
  /// The frame itself.
  public var frame: StackFrame

  /// The views of every frame of `thread`.
  public static func frames(of report: CrashReport, thread: Int) -> [FrameView] {
    report.threads[thread].frames.enumerated().map { index, frame in
      let resolution = frame.resolution
      let module = resolution?.module ?? frame.symbol?.module
      let function = resolution.map { $0.lookup.function.name } ?? frame.symbol?.function
      let offset = resolution?.offset ?? (frame.symbol?.function != nil ? frame.symbol?.offset : nil)
      return FrameView(
        thread: thread, index: index, module: module.map(Self.stem), function: function, offset: offset, frame: frame)
    }
  }

  /// `EMSMTA` for `EMSMTA.EXE`, `kernel32` for `c:\winnt\system32\kernel32.dll`.
  public static func stem(_ name: String) -> String {
    var stem = Substring(name)
    if let slash = stem.lastIndex(where: { $0 == "\\" || $0 == "/" }) { stem = stem[stem.index(after: slash)...] }
    if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = stem[..<dot] }
    return String(stem)
  }

  /// Whether the frame is `module!function` (case-insensitive; either may be nil to match any).
  public func matches(module: String?, function: String) -> Bool {
    guard let own = self.function, own.lowercased() == function.lowercased() else { return false }
    guard let module else { return true }
    return self.module?.lowercased() == module.lowercased()
  }

  /// Where this frame is, for evidence.
  public var location: EvidenceLocation { .frame(thread: thread, frame: index, lines: frame.lines) }
}
