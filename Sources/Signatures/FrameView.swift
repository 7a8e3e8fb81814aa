//===--- FrameView.swift - A frame's name, whichever way it was found --------===//
//
// Plugins should not care whether a name came from the listing or from a
// symbol map. A FrameView gives module, function and offset from the
// resolution when there is one, else from what the listing printed, with the
// module reduced to its stem (`EMSMTA` for `EMSMTA.EXE`) and case kept.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A frame as plugins see it. A class: views are passed around by every plugin for every
/// crash, and a reference is cheaper to pass than the strings and arrays it holds.
public final class FrameView: Sendable {
  /// Index of the thread in the report.
  public let thread: Int
  /// Index of the frame in the thread.
  public let index: Int
  /// The module stem, when known.
  public let module: String?
  /// The function, when known (undecorated where the map undecorated it).
  public let function: String?
  /// The offset into the function, when known.
  public let offset: UInt64?
  /// The frame's parameter columns.
  public let parameters: [UInt64?]
  /// What the parameter columns are (stack words, Alpha register hints…).
  public let parameterSource: ParameterSource
  /// The frame's lookup address, when known.
  public let instruction: Address?
  /// Where the frame was printed in a text input.
  public let lines: LineRange?
  /// What the frame says about which crash this is (from the frame catalogs): evidence from
  /// a frame that is not `.specific` or `.prefix` counts for nothing.
  public let role: FrameRole
  /// For a frame with a module but no function: its offset from the module's base (from the
  /// dump's or log's module list, or as the listing printed `module+0xoffset`).
  public let moduleOffset: UInt64?
  /// Whether `function` is inferred from the call site that entered the frame (no symbol
  /// covers it; `FrameAnnotation.namedByCallSite`).
  public let isNamedByCallSite: Bool
  /// The source file the frame printed or resolved to, when known.
  public let sourceFile: String?

  /// A view with these parts.
  public init(
    thread: Int, index: Int, module: String?, function: String?, offset: UInt64?, parameters: [UInt64?] = [],
    parameterSource: ParameterSource = .none, instruction: Address? = nil, lines: LineRange? = nil,
    role: FrameRole = .specific, moduleOffset: UInt64? = nil, isNamedByCallSite: Bool = false, sourceFile: String? = nil
  ) {
    self.thread = thread
    self.index = index
    self.module = module
    self.function = function
    self.offset = offset
    self.parameters = parameters
    self.parameterSource = parameterSource
    self.instruction = instruction
    self.lines = lines
    self.role = role
    self.moduleOffset = moduleOffset
    self.isNamedByCallSite = isNamedByCallSite
    self.sourceFile = sourceFile
  }

  /// The views of the frames of `thread` (the first `limit` of them), each with its role in
  /// `catalog`.
  /// A frame the catalog calls `.handlerEntry` is seen `.irrelevant`, with every frame above the
  /// deepest one: they are the fault handler's.
  public static func frames(
    of report: CrashReport, thread: Int, limit: Int = Int.max, catalog: FrameCatalog = FrameCatalog()
  ) -> [FrameView] {
    var views = report.threads[thread].frames.prefix(limit).enumerated().map { index, frame in
      let resolution = frame.resolution
      let module = (resolution?.module ?? frame.symbol?.module).map(Self.stem)
      // A script frame a source map placed: the function's original name, where the map gives it.
      let original = frame.original
      let function = resolution.map { $0.lookup.function.name } ?? original?.function ?? frame.symbol?.function
      let sourceFile = original?.file ?? frame.sourceLine?.file
      let offset = resolution?.offset ?? (frame.symbol?.function != nil ? frame.symbol?.offset : nil)
      var moduleOffset: UInt64?
      if function == nil, module != nil {
        if let instruction = frame.instruction, let image = report.module(containing: instruction) {
          moduleOffset = instruction.rawValue &- image.base.rawValue
        } else if frame.symbol?.function == nil {
          moduleOffset = frame.symbol?.moduleOffset ?? frame.symbol?.offset
        }
      }
      // A name with its argument list or template arguments (`std::terminate()`, Swift's
      // `_assertionFailure(_:_:file:line:flags:)`) is looked up as the signature writes it too.
      var role = catalog.role(module: module, function: function)
      if role == .specific, let function {
        let plain = CrashSignature.normalized(function)
        if plain != function { role = catalog.role(module: module, function: plain) }
      }
      // A Python or JavaScript frame in the standard library or an installed package (or a
      // source its map lists as third-party code): a helper the crash passed through, as
      // Sentry's in-app rules see it.
      if role == .specific, module == nil,
        Self.isPythonLibraryFile(sourceFile) || Self.isJavaScriptPackageFile(sourceFile) || original?.isIgnored == true
      {
        role = .prefix
      }
      return FrameView(
        thread: thread, index: index, module: module, function: function, offset: offset,
        parameters: frame.parameters, parameterSource: frame.parameterSource, instruction: frame.instruction,
        lines: frame.lines, role: role, moduleOffset: moduleOffset,
        isNamedByCallSite: resolution == nil && !frame.annotations.isEmpty && frame.annotations.contains(.namedByCallSite),
        sourceFile: sourceFile)
    }
    // The deepest entry: a handler's own entries above it (Rust's hook entered through
    // `rust_panic_with_hook`, then `rust_begin_unwind`; a signal taken inside a handler) are
    // the handler's too.
    if let entry = views.lastIndex(where: { $0.role == .handlerEntry }) {
      for index in 0...entry { views[index] = views[index].with(role: .irrelevant) }
      // The kernel entered the handler through the C library's (or the vDSO's) signal return
      // trampoline, glibc's `__restore_rt`: printed unnamed below the handler (Chromium's
      // `(/usr/lib/x86_64-linux-gnu/libc.so.6+0x4251f)`), it is the handler's way in too.
      let next = entry + 1
      if next < views.count, views[next].function == nil, let module = views[next].module, isSignalTrampolineModule(module) {
        views[next] = views[next].with(role: .irrelevant)
      }
    }
    return views
  }

  /// Whether `module` holds a signal return trampoline: the C library (`libc.so.6`, bionic's
  /// `libc.so`) or the kernel's vDSO (`linux-vdso.so.1`, `linux-gate.so.1`, `[vdso]`).
  static func isSignalTrampolineModule(_ module: String) -> Bool {
    let name = module.lowercased()
    return name == "libc" || name.hasPrefix("libc.so") || name.hasPrefix("libc-2.") || name.hasPrefix("linux-vdso")
      || name.hasPrefix("linux-gate") || name == "[vdso]"
  }

  /// The same view with another role.
  private func with(role: FrameRole) -> FrameView {
    FrameView(
      thread: thread, index: index, module: module, function: function, offset: offset, parameters: parameters,
      parameterSource: parameterSource, instruction: instruction, lines: lines, role: role, moduleOffset: moduleOffset,
      isNamedByCallSite: isNamedByCallSite, sourceFile: sourceFile)
  }

  /// Whether `file` is a Python file of the standard library or of an installed package
  /// (`…/lib/python3.12/json/decoder.py`, `…/site-packages/requests/models.py`,
  /// `…/dist-packages/…`, `<frozen importlib._bootstrap>`), not the program's own.
  public static func isPythonLibraryFile(_ file: String?) -> Bool {
    guard let file else { return false }
    if file.hasPrefix("<frozen ") { return true }
    guard CrashSignature.pythonScriptName(file) != nil else { return false }
    let path = file.replacing("\\", with: "/").lowercased()
    if path.contains("/site-packages/") || path.contains("/dist-packages/") { return true }
    // `lib/python3.12/…`, `lib/python312.zip/…`.
    if let range = path.firstRange(of: "/lib/python"), path[range.upperBound...].first?.isNumber == true { return true }
    // Windows' installs: `C:\Python312\Lib\json\decoder.py`, `…\Programs\Python\Python312\Lib\…`.
    if let range = path.firstRange(of: "/python3") {
      let rest = path[range.upperBound...]
      return rest.drop { $0.isNumber }.hasPrefix("/lib/")
    }
    return false
  }

  /// Whether `file` is a JavaScript file of an installed package (`…/node_modules/express/lib/…`),
  /// not the program's own.
  public static func isJavaScriptPackageFile(_ file: String?) -> Bool {
    guard let file, file.contains("node_modules") else { return false }
    let path = file.replacing("\\", with: "/")
    return path.contains("/node_modules/") || path.hasPrefix("node_modules/")
  }

  /// The name frames print a module by (`ModuleName.stem`): `EMSMTA` for `EMSMTA.EXE`,
  /// `kernel32` for `c:\\windows\\system32\\kernel32.dll`, `libc.so.6` as it is.
  public static func stem(_ name: String) -> String { ModuleName.stem(name) }

  /// Whether the frame is `module!function` (ASCII case-insensitive; a nil module matches any).
  public func matches(module: String?, function: String) -> Bool {
    guard let own = self.function, Self.equalsIgnoringCase(own, function) else { return false }
    guard let module else { return true }
    guard let ownModule = self.module else { return false }
    return Self.equalsIgnoringCase(ownModule, module)
  }

  /// ASCII case-insensitive equality without allocating.
  public static func equalsIgnoringCase(_ left: String, _ right: String) -> Bool {
    guard left.utf8.count == right.utf8.count else { return false }
    var leftBytes = left.utf8.makeIterator()
    var rightBytes = right.utf8.makeIterator()
    while true {
      switch (leftBytes.next(), rightBytes.next()) {
      case (nil, nil): return true
      case (let a?, let b?):
        if a == b { continue }
        let lowerA = a >= 0x41 && a <= 0x5A ? a | 0x20 : a
        let lowerB = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
        if lowerA != lowerB { return false }
      default: return false
      }
    }
  }

  /// Where this frame is, for evidence.
  public var location: EvidenceLocation { .frame(thread: thread, frame: index, lines: lines) }
}
