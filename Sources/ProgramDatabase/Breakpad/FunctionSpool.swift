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
    var length: Int
    /// Order of arrival: functions at one address keep it.
    var order: Int
  }

  private(set) var entries: [Entry] = []
  private var descriptor: Int32 = -1
  /// Bytes not yet written to the file (or, without one, every byte).
  private var pending: [UInt8] = []
  private var written = 0
  private static let flushSize = 1 << 16

  init() {
    descriptor = Self.temporaryFile()
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
  }

  /// Whether the texts go to a file (false: kept in memory).
  var isOnDisk: Bool { descriptor >= 0 }

  /// Adds a function's text.
  func append(rva: UInt32, size: UInt32, text: String) {
    let offset = written + pending.count
    var text = text
    text.withUTF8 { pending.append(contentsOf: $0) }
    entries.append(Entry(rva: rva, size: size, offset: offset, length: written + pending.count - offset, order: entries.count))
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
    guard descriptor >= 0 else {
      return String(decoding: pending[entry.offset..<entry.offset + entry.length], as: UTF8.self)
    }
    if buffer.count < entry.length { buffer = [UInt8](repeating: 0, count: entry.length) }
    var done = 0
    while done < entry.length {
      let count = buffer.withUnsafeMutableBytes {
        pread(descriptor, $0.baseAddress! + done, entry.length - done, off_t(entry.offset + done))
      }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { break }
      done += count
    }
    return String(decoding: buffer[..<done], as: UTF8.self)
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
