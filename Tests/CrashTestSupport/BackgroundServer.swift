//===--- BackgroundServer.swift - A real server process for a test ----------===//
//
// Starts a server process (analyse symbols serve, or the static Python server),
// waits for the line that names its port, and keeps every later line it prints
// (each server logs one line per request) so a test can count requests.
//
//===----------------------------------------------------------------------===//

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A server process started by a test, stopped when the test ends.
public final class BackgroundServer: @unchecked Sendable {
  // Sendable: `lines` is read and written under `lock` only.
  private let process = Process()
  private let lock = NSLock()
  private var lines: [String] = []
  private var buffer = Data()
  /// When the server last printed something.
  private var lastOutput = Date()
  /// The port the server listens on.
  public private(set) var port = 0

  /// Starts `executable arguments…`; the port is the first number after `portPrefix` in a line
  /// of standard output or standard error.
  public init(executable: String, arguments: [String], portPrefix: String, timeout: TimeInterval = 30) throws {
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let data = handle.availableData
      guard let self, !data.isEmpty else { return }
      self.lock.withLock {
        self.lastOutput = Date()
        self.buffer.append(data)
        while let newline = self.buffer.firstIndex(of: 0x0A) {
          self.lines.append(String(decoding: self.buffer[self.buffer.startIndex..<newline], as: UTF8.self))
          self.buffer.removeSubrange(self.buffer.startIndex...newline)
        }
      }
    }
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while port == 0 && Date() < deadline && process.isRunning {
      if let line = lock.withLock({ lines.first { $0.contains(portPrefix) } }),
        let range = line.range(of: portPrefix)
      {
        port = Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0
      }
      if port == 0 { usleep(20_000) }
    }
    guard port != 0 else {
      process.terminate()
      throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "no port from \(executable): \(output)"])
    }
  }

  /// Every line printed so far.
  public var output: [String] { lock.withLock { lines } }

  /// Lines printed so far that contain `text`, once the server has printed nothing for 0.2 s
  /// (at most 5 s): its log lines reach this process through a pipe and a reader thread, a
  /// little after the response they describe.
  public func lines(containing text: String) -> [String] {
    let deadline = Date().addingTimeInterval(5)
    while Date() < deadline, Date().timeIntervalSince(lock.withLock({ lastOutput })) < 0.2 { usleep(20_000) }
    return output.filter { $0.contains(text) }
  }

  /// Stops the server. SIGKILL: a process started from a Dispatch worker thread inherits
  /// that thread's blocked signals, SIGTERM among them, so `terminate()` may not reach it.
  public func stop() {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  deinit { stop() }
}
