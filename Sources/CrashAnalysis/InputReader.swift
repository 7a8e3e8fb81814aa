//===--- InputReader.swift - Bytes from a file or standard input ------------===//
//
// Reads an input in fixed-size chunks with read(2), so memory stays flat
// whatever the input's size; the size limit is checked before reading (files)
// and while reading (pipes). Errors name the path and the OS reason.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A source of input bytes, read in chunks.
final class InputReader {
  let name: String
  private let descriptor: Int32
  private let ownsDescriptor: Bool
  /// The size when known in advance (regular files).
  let knownSize: Int?

  /// Opens `path`, or standard input for `-`.
  init(path: String) throws(AnalysisError) {
    name = path
    if path == "-" {
      descriptor = STDIN_FILENO
      ownsDescriptor = false
      knownSize = nil
      return
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .unreadable(path: path, reason: Self.errnoText()) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      close(fd)
      throw .unreadable(path: path, reason: Self.errnoText())
    }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw .isDirectory(path: path)
    }
    descriptor = fd
    ownsDescriptor = true
    knownSize = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// Reads up to `buffer.count` bytes; returns 0 at the end of input.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(AnalysisError) -> Int {
    while true {
      let count = systemRead(descriptor, buffer.baseAddress, buffer.count)
      if count >= 0 { return count }
      if errno == EINTR { continue }
      throw .unreadable(path: name, reason: Self.errnoText())
    }
  }

  /// Fills `buffer` as far as the input allows (short reads from pipes are retried).
  func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(AnalysisError) -> Int {
    var total = 0
    while total < buffer.count {
      let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
      if count == 0 { break }
      total += count
    }
    return total
  }

  private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// read(2), named so the method `read(into:)` does not shadow it.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  read(descriptor, buffer, count)
}
