//===--- FunctionSpool.swift - FUNC records held on disk until written in order ===//
//
// A PDB's procedures come module by module, but a Breakpad file lists them by
// address after every FILE and INLINE_ORIGIN line. Rather than keep every
// function's rows in memory until the end (the whole .sym's worth, as structs),
// each function's text is written as it is made to an unlinked temporary file
// (`$TMPDIR`, else /tmp), with a small index entry (address, size, where); at
// the end the index is sorted and the texts are read back in address order.
// Memory then holds one module at a time. Where no temporary file can be made
// the texts are kept in memory instead.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Function texts spooled out of memory, read back in address order.
final class FunctionSpool {
  /// One function's text: its address range and where its bytes are.
  struct Entry {
    var rva: UInt32
    var size: UInt32
    var offset: Int
    var length: UInt32
    /// Order of arrival: functions at one address keep it.
    var order: UInt32
    /// The address of the function's first piece (where its parameter size is found).
    var parameterRVA: UInt32
  }

  private(set) var entries: [Entry] = []
  private var descriptor: Int32 = -1
  /// Bytes not yet written to the file (or, without one, every byte).
  private var pending: [UInt8] = []
  private var written = 0
  private static let flushSize = 1 << 16

  /// Whether each text is indexed (for `text(of:)`); an unindexed spool is only read back
  /// whole, in order (`forEachPiece`).
  private let isIndexed: Bool

  init(indexed: Bool = true) {
    isIndexed = indexed
    descriptor = Self.temporaryFile()
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
  }

  /// Whether the texts go to a file (false: kept in memory).
  var isOnDisk: Bool { descriptor >= 0 }

  /// Adds a function's text.
  func append(rva: UInt32, size: UInt32, parameterRVA: UInt32 = 0, text: String) {
    let offset = written + pending.count
    var text = text
    text.withUTF8 { pending.append(contentsOf: $0) }
    if isIndexed {
      let length = UInt32(truncatingIfNeeded: written + pending.count - offset)
      entries.append(
        Entry(
          rva: rva, size: size, offset: offset, length: length, order: UInt32(truncatingIfNeeded: entries.count),
          parameterRVA: parameterRVA))
    }
    if descriptor >= 0, pending.count >= Self.flushSize { flush() }
  }

  /// Sorts the index by address (arrival order at one address); call once, after the last
  /// `append`.
  func sortByAddress() {
    finishWriting()
    entries.sort { ($0.rva, $0.order) < ($1.rva, $1.order) }
  }

  /// Writes out what is pending, before texts are read back.
  func finishWriting() {
    if descriptor >= 0 { flush() }
  }

  /// The text of `entry`, read back.
  func text(of entry: Entry, buffer: inout [UInt8]) -> String {
    read(at: entry.offset, count: Int(entry.length), into: &buffer)
  }

  /// Every text appended, in order, in pieces of about 64 KiB that end at a line's end.
  func forEachPiece(_ body: (String) -> Void) {
    finishWriting()
    let total = written + pending.count
    var buffer: [UInt8] = []
    var offset = 0
    while offset < total {
      var count = readBytes(at: offset, count: min(Self.flushSize, total - offset), into: &buffer)
      guard count > 0 else { break }
      if offset + count < total, let lastNewline = buffer[..<count].lastIndex(of: 0x0A) {
        // The piece ends after its last whole line; the rest comes with the next piece.
        count = lastNewline + 1
      }
      body(String(decoding: buffer[..<count], as: UTF8.self))
      offset += count
    }
  }

  /// `count` bytes from `offset`, as text.
  private func read(at offset: Int, count: Int, into buffer: inout [UInt8]) -> String {
    let done = readBytes(at: offset, count: count, into: &buffer)
    return String(decoding: buffer[..<done], as: UTF8.self)
  }

  /// Reads up to `count` bytes from `offset` into the start of `buffer`; how many were read.
  private func readBytes(at offset: Int, count: Int, into buffer: inout [UInt8]) -> Int {
    if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
    guard descriptor >= 0 else {
      let available = max(0, min(count, pending.count - offset))
      buffer.replaceSubrange(0..<available, with: pending[offset..<offset + available])
      return available
    }
    var done = 0
    while done < count {
      let read = buffer.withUnsafeMutableBytes {
        pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done))
      }
      if read < 0 && errno == EINTR { continue }
      guard read > 0 else { break }
      done += read
    }
    return done
  }

  private func flush() {
    var start = 0
    while start < pending.count {
      let count = pending.withUnsafeBytes { write(descriptor, $0.baseAddress! + start, pending.count - start) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else {
        // The disk is full or gone: keep the rest in memory from here on.
        fallBackToMemory()
        return
      }
      start += count
    }
    written += pending.count
    pending.removeAll(keepingCapacity: true)
  }

  /// Reads what the file holds back into memory and stops using it (`pending` is still
  /// whole: `written` counts only completed flushes).
  private func fallBackToMemory() {
    var all = [UInt8](repeating: 0, count: written)
    var done = 0
    while done < written {
      let count = all.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, written - done, off_t(done)) }
      guard count > 0 else { break }
      done += count
    }
    all.append(contentsOf: pending)
    close(descriptor)
    descriptor = -1
    pending = all
    written = 0
  }

  /// An unlinked file in `$TMPDIR` (else /tmp), or -1.
  private static func temporaryFile() -> Int32 {
    let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    #if canImport(Glibc)
      // O_TMPFILE (a macro Swift does not import): __O_TMPFILE | O_DIRECTORY.
      let anonymous = open(directory, 0o2000_0000 | O_DIRECTORY | O_RDWR | O_CLOEXEC, 0o600)
      if anonymous >= 0 { return anonymous }
    #endif
    var template = Array((directory + "/crash-analysis-spool-XXXXXX").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else { return -1 }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return descriptor
  }
}
