//===--- LineProcess.swift - A child process spoken to in lines -------------===//
//
// One long-lived process per external plugin (and per download slot of the
// network helper, analyse-net): its standard input is a socket
// and its output a pipe, each message one line. Every read has a deadline (poll), every
// answer a size limit; a plugin that is too slow, too chatty, or gone is
// killed and reported, never waited on forever. Its standard error is passed
// through, so its own diagnostics reach the user.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Why talking to a plugin process failed.
public enum PluginProcessError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The executable could not be started.
  case cannotStart(path: String, reason: String)
  /// No complete answer within the time limit (seconds).
  case timedOut(seconds: Double)
  /// The process closed its output or exited (with its status when known).
  case exited(status: Int32?)
  /// An answer longer than the limit (bytes).
  case answerTooLong(limit: Int)
  /// Writing the request failed.
  case cannotWrite(reason: String)

  /// One sentence, about the process (the caller names it: a plugin, the network helper).
  public var description: String {
    switch self {
    case .cannotStart(let path, let reason): "cannot start \(path): \(reason)"
    case .timedOut(let seconds): "no answer within \(seconds) s (stopped)"
    case .exited(let status): "exited" + (status.map { " with status \($0)" } ?? "")
    case .answerTooLong(let limit): "an answer longer than \(limit) bytes (stopped)"
    case .cannotWrite(let reason): "cannot send a request: \(reason)"
    }
  }
}

/// A child process exchanging one-line messages. Not thread-safe: its owner serialises use.
public final class LineProcess {
  /// The executable.
  public let path: String
  private var pid: pid_t = 0
  private var input: Int32 = -1  // the child's standard input (we write)
  private var output: Int32 = -1  // the child's standard output (we read)
  private var pending: [UInt8] = []
  /// Whether the process is still spoken to (not stopped, not found gone).
  public private(set) var isRunning = false
  /// The longest answer accepted.
  static let maximumAnswer = 16 << 20

  /// Starts `path` with `arguments` (after its name).
  public init(path: String, arguments: [String] = []) throws(PluginProcessError) {
    self.path = path
    // The child's standard input is a socket, so a write to a plugin that has gone fails with
    // EPIPE (MSG_NOSIGNAL) instead of raising SIGPIPE in analyse.
    var toChild: [Int32] = [0, 0]
    var fromChild: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &toChild) == 0, pipe(&fromChild) == 0 else {
      throw .cannotStart(path: path, reason: String(cString: strerror(errno)))
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
    posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
    for descriptor in toChild + fromChild { posix_spawn_file_actions_addclose(&actions, descriptor) }
    // Its own process group, so that stopping it stops whatever it started too.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)
    var child: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let status = posix_spawn(&child, path, &actions, &attributes, argv, environ)
    close(toChild[0])
    close(fromChild[1])
    guard status == 0 else {
      close(toChild[1])
      close(fromChild[0])
      throw .cannotStart(path: path, reason: String(cString: strerror(status)))
    }
    pid = child
    input = toChild[1]
    output = fromChild[0]
    _ = fcntl(input, F_SETFD, FD_CLOEXEC)
    _ = fcntl(output, F_SETFD, FD_CLOEXEC)
    isRunning = true
  }

  deinit { stop() }

  /// Sends `line` (no line break in it) and returns the next line the plugin writes, within
  /// `seconds`.
  public func exchange(_ line: String, seconds: Double) throws(PluginProcessError) -> [UInt8] {
    guard isRunning else { throw .exited(status: nil) }
    try send(line)
    return try receive(seconds: seconds)
  }

  /// Reads the next line within `seconds`.
  public func receive(seconds: Double) throws(PluginProcessError) -> [UInt8] {
    let deadline = Self.now() + seconds
    while true {
      if let newline = pending.firstIndex(of: 0x0A) {
        let line = Array(pending[..<newline])
        pending.removeFirst(newline + 1)
        return line
      }
      guard pending.count <= Self.maximumAnswer else {
        stop()
        throw .answerTooLong(limit: Self.maximumAnswer)
      }
      let remaining = deadline - Self.now()
      guard remaining > 0 else {
        stop()
        throw .timedOut(seconds: seconds)
      }
      var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, Int32(min(remaining * 1000, 60_000)) + 1)
      if ready < 0 && errno == EINTR { continue }
      guard ready > 0 else { continue }
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else {
        let status = stop()
        throw .exited(status: status)
      }
      pending += buffer[..<count]
    }
  }

  private func send(_ line: String) throws(PluginProcessError) {
    var bytes = Array(line.utf8)
    bytes.append(0x0A)
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.send(input, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        let reason = String(cString: strerror(errno))
        stop()
        throw .cannotWrite(reason: reason)
      }
      offset += written
    }
  }

  /// Closes the pipes, ends the process and returns its exit status (killed if still running).
  @discardableResult
  public func stop() -> Int32? {
    guard isRunning else { return nil }
    isRunning = false
    close(input)
    close(output)
    var status: Int32 = 0
    // Give it a moment to exit on its own after its input closed, then kill it.
    for _ in 0..<20 {
      if waitpid(pid, &status, WNOHANG) == pid {
        kill(-pid, SIGKILL)  // anything it left running
        return Self.exitCode(status)
      }
      usleep(5_000)
    }
    kill(-pid, SIGKILL)  // the whole group
    waitpid(pid, &status, 0)
    return nil
  }

  private static func exitCode(_ status: Int32) -> Int32? {
    (status & 0x7F) == 0 ? (status >> 8) & 0xFF : nil
  }

  private static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
