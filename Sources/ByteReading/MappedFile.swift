//===--- MappedFile.swift - A read-only memory map of a whole file ----------===//
//
// Symbol files and dumps are read through a private read-only mapping: the
// kernel pages the file in as it is scanned and nothing is copied. The mapping
// lives as long as the MappedFile object. An empty file maps to an empty buffer.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a file could not be mapped.
public enum MappedFileError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `open` failed (missing, unreadable), with `errno`'s text.
  case cannotOpen(path: String, reason: String)
  /// The path names a directory, a FIFO, a device or a socket, not a regular file.
  case notARegularFile(path: String, kind: FileKind)
  /// The file is larger than the caller's limit.
  case tooLarge(path: String, size: Int, limit: Int)
  /// `mmap` failed, with `errno`'s text.
  case cannotMap(path: String, reason: String)

  /// One sentence naming the file.
  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)"
    case .notARegularFile(let path, let kind): "\(path): \(kind.rawValue), not a regular file"
    case .tooLarge(let path, let size, let limit): "\(path): \(size) bytes is over the limit of \(limit) bytes"
    case .cannotMap(let path, let reason): "\(path): cannot map: \(reason)"
    }
  }
}

/// A whole file mapped read-only into memory.
public final class MappedFile: @unchecked Sendable {
  // Sendable: the mapping is read-only and never changes after init.

  /// The file's path as given.
  public let path: String
  /// The file's bytes; valid while this object lives.
  public let bytes: UnsafeRawBufferPointer
  /// Whether the bytes are a private copy (not a mapping).
  private let isCopy: Bool

  /// Maps the regular file at `path`, refusing files larger than `limit` bytes.
  public init(path: String, limit: Int = Int.max) throws(MappedFileError) {
    self.path = path
    isCopy = false
    let descriptor: Int32
    let status: stat
    do {
      (descriptor, status) = try FileOpener.openForReading(path)
    } catch {
      switch error {
      case .cannotOpen(_, let reason): throw .cannotOpen(path: path, reason: reason)
      case .wrongKind(_, let kind): throw .notARegularFile(path: path, kind: kind)
      }
    }
    defer { close(descriptor) }
    let size = Int(status.st_size)
    guard size <= limit else { throw .tooLarge(path: path, size: size, limit: limit) }
    if size == 0 {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
    guard let address, address != MAP_FAILED else { throw .cannotMap(path: path, reason: Self.errnoText()) }
    bytes = UnsafeRawBufferPointer(start: address, count: size)
  }

  /// Bytes already in memory, copied, as if they were a file named `name` (fuzzing, tests,
  /// inputs that arrive over a pipe).
  public init(copying data: [UInt8], name: String) {
    path = name
    isCopy = true
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
    data.withUnsafeBytes { storage.copyMemory(from: $0) }
    bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[0..<data.count])
  }

  deinit {
    guard let base = bytes.baseAddress else { return }
    if isCopy {
      UnsafeMutableRawPointer(mutating: base).deallocate()
    } else {
      munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
    }
  }

  /// Tells the kernel the file will be read front to back (read-ahead).
  public func adviseSequential() {
    if let base = bytes.baseAddress { _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_SEQUENTIAL) }
  }

  /// Tells the kernel reads will jump around (no read-ahead, no fault-around): only the
  /// pages actually read become resident. Dumps are read this way.
  public func adviseRandom() {
    if let base = bytes.baseAddress { _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_RANDOM) }
  }

  /// Drops the pages read so far from this process's memory (they are clean file pages);
  /// later reads fault in only what they touch. Called after a whole-file scan, so a
  /// 400 MB symbol file costs its index, not 400 MB of resident pages.
  public func releaseResidentPages() {
    guard !isCopy, let base = bytes.baseAddress else { return }
    _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_DONTNEED)
    _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_RANDOM)
  }

  /// Drops the pages wholly before byte `offset` from this process's memory, as
  /// `releaseResidentPages()` does for the whole file: a scan front to back calls it as it goes,
  /// so that a symbol file is never resident all at once. Nothing for a copy in memory.
  public func releaseResidentPages(before offset: Int) {
    guard !isCopy, let base = bytes.baseAddress, offset > 0 else { return }
    let pageSize = Self.pageSize
    let length = min(offset, bytes.count) / pageSize * pageSize
    guard length > 0 else { return }
    _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_DONTNEED)
  }

  private static let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)

  private static func errnoText() -> String { String(cString: strerror(errno)) }
}
