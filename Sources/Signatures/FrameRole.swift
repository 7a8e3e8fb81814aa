//===--- FrameRole.swift - What a frame says about its crash -----------------===//
//
// Most frames of a crash say which crash it is; some say nothing, because they
// are on every stack of their kind. Socorro keeps such frames as data (its
// irrelevant and prefix lists), Sentry as stack-trace rules; here they are the
// frame catalogs in Plugins/frames/ (FrameCatalog), read once per process.
//
//===----------------------------------------------------------------------===//

/// How much a frame tells about which crash it is.
public enum FrameRole: String, Sendable, Hashable, Codable, CaseIterable {
  /// The frame says which crash this is: signatures and plugins use it.
  case specific
  /// On every thread of its product (thread starts, dispatch loops): evidence from it counts
  /// for nothing, but a signature that reaches it keeps it.
  case common
  /// A generic helper the crash passed through (an allocator, `memcpy`): a signature shows it
  /// and goes on to the first frame that is not one.
  case prefix
  /// How the exception was raised or dispatched (`RaiseException`, `KiUserExceptionDispatcher`,
  /// `abort`): skipped by signatures, and a rule's "top frame" is the first frame below them.
  case irrelevant
  /// Where the system entered a fault handler: the signal trampoline (gdb's `<signal handler
  /// called>`, `__restore_rt`, `_sigtramp`), the user-mode exception dispatcher
  /// (`KiUserExceptionDispatcher`), a kernel trap entry (`KiPageFault`). The frames above it are
  /// the handler's, how the failure was reported (a crash handler, Windows Error Reporting's
  /// filter) rather than where: a thread's views mark the deepest such frame and every frame
  /// above it `.irrelevant`.
  case handlerEntry = "handler-entry"

  /// Whether evidence found on the frame counts.
  public var carriesEvidence: Bool { self == .specific || self == .prefix }
}
