//===--- WalkOptions.swift - What a stack walker may use and how far it goes -===//

import CrashCore

/// Unwind data for the module at an address: what the walker may ask the symbol store.
public protocol UnwindDataProvider {
  /// The unwind information (STACK WIN / STACK CFI) of `module`, when there is any.
  func unwindInfo(for module: CodeModule) -> (any UnwindInfoSource)?
  /// The local file of an image a process loaded from `processPath` (`/lib/libc.so.6`, or the
  /// program as it was started), any build: how a core that lists no file mappings finds its
  /// libraries through the dynamic linker's list. Nil when there is none (the default).
  func imageFile(forProcessPath processPath: String) -> String?
}

extension UnwindDataProvider {
  /// No image files.
  public func imageFile(forProcessPath processPath: String) -> String? { nil }
}

/// Limits that keep every walk bounded.
public struct WalkOptions: Sendable {
  /// Frames per thread.
  public var maximumFrames = 1_024
  /// Words scanned for a return address, per frame: Breakpad's 30 words past the first.
  public var scanWords = 31
  /// Words scanned from the context frame (where no unwind data is known yet): Breakpad's four
  /// times as many, 120 past the first.
  public var contextScanWords = 121

  /// Sets both scan windows from a byte count, in 4-byte words (the 64-bit walkers scan the
  /// same number of 8-byte words).
  public mutating func limitScan(toBytes bytes: Int) {
    scanWords = max(1, bytes / 4)
    contextScanWords = max(1, bytes / 4)
  }
  /// Whether scanning is allowed at all.
  public var allowsScanning = true
  /// Whether the amd64 walker may follow rbp chains. Not in Windows x64 dumps: MSVC and LLVM
  /// keep no frame-pointer chain there, and Breakpad never follows one (it scans).
  public var followsFramePointers = true
  /// The register 32-bit ARM frame records are chained through, where the platform keeps them
  /// (r7 on iOS, as Breakpad walks it); nil, as on Android and Linux: no frame-pointer steps.
  public var armFramePointer: ARMRegister?
  /// The address scanning stops at (exclusive): where a Linux process's start block (`argc`,
  /// `argv`, the environment, the auxiliary vector) begins on the main thread's stack. Words
  /// there are no return addresses, though some point into modules (`AT_ENTRY`, `AT_PHDR`).
  public var scanLimit: UInt64?
  /// The bits of an ARM64 code address that are no address (pointer authentication codes, tags),
  /// when the dump says which (Crashpad's `address_mask`): cleared from every return address.
  /// Without it, the walker clears the bits above the highest module, when that lands in one.
  public var pointerAuthenticationMask: UInt64?

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
  /// Whether the last attempt was a scan that used its whole window without finding anything.
  public var hitScanLimit: Bool { stopReason.hasPrefix("no return address within") }
}
