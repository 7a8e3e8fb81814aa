//===--- OutputStream.swift - Writing that notices when it fails -------------===//
//
// Every report, JSON line and page `analyse` writes goes through one of
// these. A failed write(2) — a full disk (ENOSPC), an I/O error (EIO), a
// closed pipe — is remembered with its errno and reported by `flush()`, and
// the caller turns it into a failure exit: data lost is never reported as
// success. Writes are buffered up to 64 KiB.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why output could not be written.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A file (or its temporary neighbour) could not be created.
  case cannotCreate(path: String, reason: String)
  /// A write failed: the destination, the errno and its text.
  case cannotWrite(destination: String, errno: Int32, reason: String)
  /// The finished file could not be renamed into place.
  case cannotReplace(path: String, reason: String)

  /// One sentence naming the destination.
  public var description: String {
    switch self {
    case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
    case .cannotWrite(let destination, _, let reason): "cannot write \(destination): \(reason)"
    case .cannotReplace(let path, let reason): "cannot put \(path) in place: \(reason)"
    }
  }
}

/// A buffered writer to a file descriptor that remembers the first failure.
public final class OutputStream {
  /// What the output is, for messages (`standard output`, a path).
  public let destination: String
  /// The file descriptor written to.
  public let descriptor: Int32
  /// The first write failure, once one happened; later writes are dropped.
  public private(set) var failure: OutputError?
  /// Bytes handed to the stream so far.
  public private(set) var byteCount = 0

  private var buffer: [UInt8] = []
  private let capacity: Int

  /// A stream writing to `descriptor` (not closed by the stream), named `destination` in errors.
  public init(descriptor: Int32, destination: String, bufferSize: Int = 64 * 1024) {
    self.descriptor = descriptor
    self.destination = destination
    capacity = max(0, bufferSize)
    buffer.reserveCapacity(capacity)
  }

  /// The process's standard output.
  public static func standardOutput() -> OutputStream { OutputStream(descriptor: 1, destination: "standard output") }

  /// Appends `text` (written when the buffer fills, or at `flush`).
  public func write(_ text: String) {
    var text = text
    text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
  }

  /// Appends bytes.
  public func write(_ bytes: UnsafeRawBufferPointer) {
    guard failure == nil, !bytes.isEmpty else { return }
    byteCount += bytes.count
    if buffer.count + bytes.count <= capacity {
      buffer.append(contentsOf: bytes)
      return
    }
    drain()
    if bytes.count <= capacity {
      buffer.append(contentsOf: bytes)
    } else {
      writeAll(bytes)
    }
  }

  /// Writes what is buffered; throws the first failure of this stream, if any.
  public func flush() throws(OutputError) {
    drain()
    if let failure { throw failure }
  }

  private func drain() {
    guard !buffer.isEmpty else { return }
    buffer.withUnsafeBytes { writeAll($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  private func writeAll(_ bytes: UnsafeRawBufferPointer) {
    guard failure == nil, let base = bytes.baseAddress else { return }
    var offset = 0
    while offset < bytes.count {
      let written = systemWrite(descriptor, base + offset, bytes.count - offset)
      if written > 0 {
        offset += written
        continue
      }
      let code = written < 0 ? errno : EIO
      if code == EINTR { continue }
      if code == EAGAIN || code == EWOULDBLOCK {
        // A non-blocking descriptor someone handed us: wait until it takes more.
        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        _ = poll(&poller, 1, 1000)
        continue
      }
      failure = .cannotWrite(destination: destination, errno: code, reason: String(cString: strerror(code)))
      return
    }
  }
}

private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
