//===--- ExpandedFile.swift - A compressed input, expanded -------------------===//
//
// The expanded bytes live in a temporary file that has no name (created in
// $TMPDIR, or /tmp, and unlinked at once): the kernel frees it when the last
// descriptor or mapping goes, even if the process is killed. Reading it
// through a mapping costs the process only the pages a walk touches, so a
// 400 MB core expanded is not 400 MB of this process's memory.
//
//===----------------------------------------------------------------------===//

import ByteReading

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// An input held in an unnamed temporary file: expanded from its compressed form, or as it
/// arrived through a pipe (a minidump or a core, which are read mapped).
public final class ExpandedFile: @unchecked Sendable {
  // Sendable: every property is immutable; the descriptor is only read.

  /// The compressed input's path, as given.
  public let name: String
  /// The format it was compressed in; nil for bytes kept as they arrived.
  public let format: CompressionFormat?
  /// The input's size in bytes as it arrived (compressed, when it was).
  public let compressedByteCount: Int
  /// The expanded size in bytes.
  public let byteCount: Int
  /// The temporary file's descriptor, open for reading while this object lives.
  public let descriptor: Int32

  init(name: String, format: CompressionFormat?, compressedByteCount: Int, byteCount: Int, descriptor: Int32) {
    self.name = name
    self.format = format
    self.compressedByteCount = compressedByteCount
    self.byteCount = byteCount
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  /// The bytes, mapped read-only, named as the input.
  public func map() throws(MappedFileError) -> MappedFile {
    try MappedFile(descriptor: descriptor, name: name)
  }

  /// The first `count` expanded bytes (fewer when the file is shorter).
  public func prefix(_ count: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: max(count, 0))
    let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
    return Array(bytes.prefix(max(0, read)))
  }
}
