//===--- WalkOptions.swift - What a stack walker may use and how far it goes -===//

import CrashCore

/// Unwind data for the module at an address: what the walker may ask the symbol store.
public protocol UnwindDataProvider {
  /// The unwind information (STACK WIN / STACK CFI) of `module`, when there is any.
  func unwindInfo(for module: CodeModule) -> (any UnwindInfoSource)?
}

/// Limits that keep every walk bounded.
public struct WalkOptions: Sendable {
  /// Frames per thread.
  public var maximumFrames = 1_024
  /// Words scanned for a return address, per frame.
  public var scanWords = 40
  /// Words scanned from the context frame (where no unwind data is known yet).
  public var contextScanWords = 120
  /// Whether scanning is allowed at all.
  public var allowsScanning = true

  /// The default limits.
  public init() {}
}

/// Frames from one walk, and why it stopped.
public struct WalkResult: Sendable {
  /// The frames, innermost first.
  public var frames: [StackFrame]
  /// Why the walk ended (`no caller found`, `stack pointer went backwards`, `frame limit`).
  public var stopReason: String
  /// Whether it ended at the frame limit rather than at the end of the stack.
  public var hitFrameLimit: Bool { stopReason.hasPrefix("the frame limit") }
}
