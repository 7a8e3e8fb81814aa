//===--- MappedFile.swift - A read-only memory map of a whole file ----------===//
//
// Symbol files and dumps are read through a private read-only mapping: the
// kernel pages the file in as it is scanned and nothing is copied. The mapping
// lives as long as the MappedFile object. An empty file maps to an empty buffer.
//
// A file read in small pieces long after it was scanned (a symbol file's
// lookups) can keep its descriptor and read those pieces with `pread`: a page
// faulted in through the mapping brings the 64 KiB around it (the kernel maps
// what the page cache holds there), a `pread` only the bytes asked for.
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
  /// The open descriptor `withBytes(in:_:)` reads from, or -1 (reads go through the mapping).
  private let readDescriptor: Int32

  /// Maps the regular file at `path`, refusing files larger than `limit` bytes. With
  /// `keepingDescriptor`, the file stays open (while the process-wide budget of such
  /// descriptors lasts) and `withBytes(in:_:)` and `forEachLineChunk(in:_:)` read with `pread`.
  public init(path: String, limit: Int = Int.max, keepingDescriptor: Bool = false) throws(MappedFileError) {
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
    let size = Int(status.st_size)
    guard size <= limit else {
      close(descriptor)
      throw .tooLarge(path: path, size: size, limit: limit)
    }
    if size == 0 {
      close(descriptor)
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      readDescriptor = -1
      return
    }
    let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
    guard let address, address != MAP_FAILED else {
      let reason = Self.errnoText()
      close(descriptor)
      throw .cannotMap(path: path, reason: reason)
    }
    bytes = UnsafeRawBufferPointer(start: address, count: size)
    if keepingDescriptor && DescriptorBudget.take() {
      readDescriptor = descriptor
    } else {
      close(descriptor)
      readDescriptor = -1
    }
  }

  /// Maps the regular file open at `descriptor` (which stays the caller's to close) as if it
  /// were named `name`: a file with no name of its own, such as a compressed input expanded
  /// into a temporary file.
  public init(descriptor: Int32, name: String) throws(MappedFileError) {
    path = name
    isCopy = false
    readDescriptor = -1
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw .cannotOpen(path: name, reason: Self.errnoText()) }
    guard status.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile(path: name, kind: FileKind(mode: status.st_mode)) }
    let size = Int(status.st_size)
    if size == 0 {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
    guard let address, address != MAP_FAILED else { throw .cannotMap(path: name, reason: Self.errnoText()) }
    bytes = UnsafeRawBufferPointer(start: address, count: size)
  }

  /// Bytes already in memory, copied, as if they were a file named `name` (fuzzing, tests,
  /// inputs that arrive over a pipe).
  public init(copying data: [UInt8], name: String) {
    path = name
    isCopy = true
    readDescriptor = -1
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
    data.withUnsafeBytes { storage.copyMemory(from: $0) }
    bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[0..<data.count])
  }

  deinit {
    if readDescriptor >= 0 {
      close(readDescriptor)
      DescriptorBudget.giveBack()
    }
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

  /// Tells the kernel reads will jump around (no read-ahead): a fault reads only its own page
  /// from disk, though the kernel still maps whatever of the 64 KiB around it the page cache
  /// holds. Dumps are read this way.
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

  /// Whether pieces are read with `pread` (the descriptor was kept) rather than through the mapping.
  public var readsWithoutMapping: Bool { readDescriptor >= 0 }

  /// Calls `body` with the bytes of `range` (clamped to the file). Read with `pread` into a
  /// temporary buffer when the descriptor was kept, so that no page of the mapping becomes
  /// resident; the mapping itself otherwise. Should the file have shrunk since it was
  /// mapped, `body` gets the bytes still there (the mapping would fault past the end).
  public func withBytes<Result>(in range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    let range = range.clamped(to: 0..<bytes.count)
    guard readDescriptor >= 0 else {
      return body(UnsafeBufferPointer(rebasing: bytes.bindMemory(to: UInt8.self)[range]))
    }
    if range.count <= Self.stackReadLimit {
      return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(range.count, 1)) { buffer in
        body(UnsafeBufferPointer(rebasing: buffer[0..<read(into: buffer, from: range.lowerBound, count: range.count)]))
      }
    }
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: range.count)
    defer { buffer.deallocate() }
    return body(UnsafeBufferPointer(rebasing: buffer[0..<read(into: buffer, from: range.lowerBound, count: range.count)]))
  }

  /// Calls `body` with the lines of `range` (clamped to the file) in pieces of whole lines, each
  /// piece ending in a line break except perhaps the last: the whole range at once through the
  /// mapping, pieces of at most `chunkSize` bytes through `pread`. A line longer than a piece
  /// is passed cut to the piece's size (what follows, up to its line break, is skipped), so a
  /// damaged file costs one piece of memory, not the length of its longest line.
  public func forEachLineChunk(in range: Range<Int>, chunkSize: Int = 16 * 1024, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    let range = range.clamped(to: 0..<bytes.count)
    guard readDescriptor >= 0 else {
      body(UnsafeBufferPointer(rebasing: bytes.bindMemory(to: UInt8.self)[range]))
      return
    }
    let chunkSize = max(chunkSize, 64)
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: min(chunkSize, max(range.count, 1)))
    defer { buffer.deallocate() }
    var offset = range.lowerBound
    var skippingToLineEnd = false
    while offset < range.upperBound {
      let count = read(into: buffer, from: offset, count: min(buffer.count, range.upperBound - offset))
      guard count > 0 else { return }
      var start = 0
      if skippingToLineEnd {
        guard let lineBreak = buffer[0..<count].firstIndex(of: 0x0A) else {
          offset += count
          continue
        }
        start = lineBreak + 1
        skippingToLineEnd = false
      }
      let lastLineBreak = buffer[start..<count].lastIndex(of: 0x0A)
      let atEnd = offset + count == range.upperBound || count < min(buffer.count, range.upperBound - offset)
      if let lastLineBreak, !atEnd {
        body(UnsafeBufferPointer(rebasing: buffer[start...lastLineBreak]))
        offset += lastLineBreak + 1
      } else if atEnd {
        body(UnsafeBufferPointer(rebasing: buffer[start..<count]))
        return
      } else if start > 0 {
        // Only the tail of an overlong line was skipped here; read on from the next line.
        offset += start
      } else {
        body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        offset += count
        skippingToLineEnd = true
      }
    }
  }

  /// Reads `count` bytes at `offset` into `buffer`; fewer when the file ends sooner or cannot be read.
  private func read(into buffer: UnsafeMutableBufferPointer<UInt8>, from offset: Int, count: Int) -> Int {
    guard let base = buffer.baseAddress else { return 0 }
    var done = 0
    while done < count {
      let got = pread(readDescriptor, base + done, count - done, off_t(offset + done))
      if got > 0 {
        done += got
      } else if got < 0 && errno == EINTR {
        continue
      } else {
        break
      }
    }
    return done
  }

  /// Pieces up to this size are read into a buffer on the stack.
  private static let stackReadLimit = 1024

  private static let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)

  private static func errnoText() -> String { String(cString: strerror(errno)) }
}
