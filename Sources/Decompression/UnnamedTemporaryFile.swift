//===--- UnnamedTemporaryFile.swift - A file with no name, written once ------===//
//
// Where an expanded input, or one that arrived through a pipe and must be
// mapped (a minidump, a core), is kept: created in $TMPDIR (or /tmp) and
// unlinked at once, so the kernel frees it when the last descriptor or mapping
// goes, whatever ends the process. Every write is checked: a full disk is an
// error naming the directory, never a silently short input.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A temporary file without a name, open for writing and reading.
public final class UnnamedTemporaryFile {
  /// The input the file holds the bytes of, as errors name it.
  public let name: String
  /// The directory it was created in.
  public let directory: String
  /// Bytes written so far.
  public private(set) var byteCount = 0
  private var descriptor: Int32

  /// Creates the file in `directory` (nil: `$TMPDIR`, else `/tmp`) for the input `name`.
  public init(for name: String, in directory: String? = nil) throws(DecompressionError) {
    self.name = name
    self.directory = Self.directory(directory)
    var template = Array((self.directory.hasSuffix("/") ? self.directory : self.directory + "/").utf8CString.dropLast())
    template += Array("analyse-input-XXXXXX".utf8CString)
    let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard opened >= 0 else {
      throw .cannotWrite(path: name, directory: self.directory, reason: String(cString: strerror(errno)))
    }
    _ = fcntl(opened, F_SETFD, FD_CLOEXEC)
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    descriptor = opened
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
  }

  /// Appends all of `bytes`, retrying short writes and interruptions.
  public func write(_ bytes: UnsafeRawBufferPointer) throws(DecompressionError) {
    guard let base = bytes.baseAddress else { return }
    var done = 0
    while done < bytes.count {
      let count = systemWrite(descriptor, base + done, bytes.count - done)
      if count > 0 {
        done += count
      } else if count < 0 && errno == EINTR {
        continue
      } else {
        let reason = count == 0 ? "nothing written" : String(cString: strerror(errno))
        throw .cannotWrite(path: name, directory: directory, reason: reason)
      }
    }
    byteCount += bytes.count
  }

  /// The file, finished: its bytes from `format` when they were expanded (with the compressed
  /// input's size), as they arrived when nil.
  public func finish(format: CompressionFormat? = nil, compressedByteCount: Int? = nil) -> ExpandedFile {
    let file = ExpandedFile(
      name: name, format: format, compressedByteCount: compressedByteCount ?? byteCount, byteCount: byteCount,
      descriptor: descriptor)
    descriptor = -1
    return file
  }

  /// The directory temporary files go to.
  static func directory(_ chosen: String?) -> String {
    if let chosen, !chosen.isEmpty { return chosen }
    if let value = getenv("TMPDIR"), value.pointee != 0 { return String(cString: value) }
    return "/tmp"
  }
}

/// write(2), named so the method `write(_:)` does not shadow it.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
