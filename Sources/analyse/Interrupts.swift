//===--- Interrupts.swift - Ctrl-C and kill without cut lines or stale files ===//
//
// On SIGINT, SIGTERM or SIGHUP `analyse` stops at once — unless it is in the
// middle of writing a record (a JSON line, a batch line): then the record is
// finished first, so an interrupted `--jsonl` file ends on a whole line. A
// temporary page (`--html`) that was not yet renamed into place is removed.
// Exit status 128 + the signal number, as shells expect.
//
// The handler only touches atomics and calls unlink(2) and _exit(2), which
// are async-signal-safe.
//
//===----------------------------------------------------------------------===//

import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Bit 0..7: the signal received (0: none); bits 8…: records being written.
private let interruptState = Atomic<Int>(0)
/// The temporary file to remove on a signal: a strdup'ed path, as an address (0: none).
private let pendingTemporaryFile = Atomic<UInt>(0)

private func removePendingAndExit(_ signal: Int32) -> Never {
  let address = pendingTemporaryFile.load(ordering: .acquiring)
  if address != 0, let path = UnsafePointer<CChar>(bitPattern: address) { unlink(path) }
  _exit(128 + signal)
}

private func handleSignal(_ signal: Int32) {
  var state = interruptState.load(ordering: .relaxed)
  while true {
    if state >> 8 == 0 { removePendingAndExit(signal) }
    let (exchanged, original) = interruptState.compareExchange(
      expected: state, desired: (state & ~0xFF) | Int(signal), ordering: .acquiringAndReleasing)
    if exchanged { return }
    state = original
  }
}

/// Signal handling for the command-line tool.
enum Interrupts {
  /// Installs the handler for SIGINT, SIGTERM and SIGHUP.
  static func install() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { handleSignal($0) }
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_RESTART
    for signal in [SIGINT, SIGTERM, SIGHUP] { sigaction(signal, &action, nil) }
  }

  /// Runs `body` (a record's write) to its end even when a signal arrives meanwhile;
  /// the signal takes effect right after.
  static func record<T>(_ body: () throws -> T) rethrows -> T {
    var state = interruptState.load(ordering: .relaxed)
    while true {
      if state & 0xFF != 0 { removePendingAndExit(Int32(state & 0xFF)) }
      let (exchanged, original) = interruptState.compareExchange(
        expected: state, desired: state + 0x100, ordering: .acquiringAndReleasing)
      if exchanged { break }
      state = original
    }
    defer {
      let after = interruptState.subtract(0x100, ordering: .acquiringAndReleasing).newValue
      if after >> 8 == 0, after & 0xFF != 0 { removePendingAndExit(Int32(after & 0xFF)) }
    }
    return try body()
  }

  /// Removes `path` if the process is interrupted before `clearTemporaryFile()`.
  static func removeOnInterrupt(_ path: String) {
    let copy = strdup(path).map { UInt(bitPattern: $0) } ?? 0
    let previous = pendingTemporaryFile.exchange(copy, ordering: .acquiringAndReleasing)
    if previous != 0 { free(UnsafeMutablePointer<CChar>(bitPattern: previous)) }
  }

  /// Forgets the temporary file (it was renamed into place or removed).
  static func clearTemporaryFile() {
    let previous = pendingTemporaryFile.exchange(0, ordering: .acquiringAndReleasing)
    if previous != 0 { free(UnsafeMutablePointer<CChar>(bitPattern: previous)) }
  }
}
