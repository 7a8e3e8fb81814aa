//===--- InputReader.swift - Bytes from a file or standard input ------------===//
//
// Reads an input in fixed-size chunks with read(2), so memory stays flat
// whatever the input's size; the size limit is checked before reading (files)
// and while reading (pipes). Paths are opened through FileOpener: a FIFO or a
// device is refused (never waited on) unless the caller accepts streams. Once
// the input has ended it stays ended: a terminal's one Ctrl-D is enough.
// Errors name the path and the OS reason.
//
//===----------------------------------------------------------------------===//

import ByteReading
import Decompression

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
  private var ended = false
  /// Bytes read to look at, given back: `read(into:)` returns them first.
  private var pushedBack: [UInt8] = []

  /// Opens `path`, or standard input for `-`. FIFOs and character devices are read only
  /// when `acceptsStreams`; other special files never.
  init(path: String, acceptsStreams: Bool) throws(AnalysisError) {
    name = path
    if path == "-" {
      descriptor = STDIN_FILENO
      ownsDescriptor = false
      knownSize = nil
      return
    }
    let opened: (descriptor: Int32, status: stat)
    do {
      opened = try FileOpener.openForReading(path, accepting: acceptsStreams ? [.regular, .fifo, .characterDevice] : [.regular])
    } catch {
      switch error {
      case .cannotOpen(_, let reason): throw .unreadable(path: path, reason: reason)
      case .wrongKind(_, .directory): throw .isDirectory(path: path)
      case .wrongKind(_, let kind): throw .notARegularFile(path: path, kind: kind.rawValue)
      }
    }
    descriptor = opened.descriptor
    ownsDescriptor = true
    knownSize = (opened.status.st_mode & S_IFMT) == S_IFREG ? Int(opened.status.st_size) : nil
  }

  /// Reads the bytes `expanded` holds, named as the compressed input.
  init(expanded: ExpandedFile) throws(AnalysisError) {
    name = expanded.name
    let copy = dup(expanded.descriptor)
    guard copy >= 0, lseek(copy, 0, SEEK_SET) == 0 else {
      let reason = Self.errnoText()
      if copy >= 0 { close(copy) }
      throw .unreadable(path: expanded.name, reason: reason)
    }
    descriptor = copy
    ownsDescriptor = true
    knownSize = expanded.byteCount
  }

  /// Whether the input is a regular file (whose first bytes can be read without consuming them).
  var isRegularFile: Bool { knownSize != nil }

  /// The first `count` bytes of a regular file, read without moving the read position.
  func peek(_ count: Int) -> [UInt8] {
    guard isRegularFile else { return [] }
    var bytes = [UInt8](repeating: 0, count: count)
    let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, count, 0) }
    return Array(bytes.prefix(max(0, read)))
  }

  /// Whether the first `limit` bytes of a regular file hold `pattern`, read in 1 MiB pieces
  /// (overlapping by the pattern's length) without moving the read position; false for streams.
  func contains(_ pattern: [UInt8], within limit: Int) -> Bool {
    guard let size = knownSize, !pattern.isEmpty else { return false }
    let limit = min(limit, size)
    guard limit >= pattern.count else { return false }
    // No bigger than the file: a small listing costs a small read, not a megabyte of memory.
    let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: min(1 << 20, limit) + pattern.count, alignment: 16)
    defer { piece.deallocate() }
    var offset = 0
    while offset < limit {
      let wanted = min(piece.count, limit - offset)
      let got = pread(descriptor, piece.baseAddress!, wanted, off_t(offset))
      guard got >= pattern.count else { return false }
      if Self.find(pattern, in: UnsafeRawBufferPointer(rebasing: piece[0..<got])) { return true }
      guard got == wanted else { return false }
      offset += got - pattern.count + 1
    }
    return false
  }

  /// Whether `bytes` hold `pattern` (`offset(of:in:)`).
  static func find(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer) -> Bool {
    offset(of: pattern, in: bytes) != nil
  }

  /// Where `pattern` first starts in `bytes`: memchr for its rarest letter in text (a `K`, `Q`,
  /// `X`, `Z` or `J` when it has one), then the whole pattern compared around each hit.
  static func offset(of pattern: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
    guard let base = bytes.baseAddress, !pattern.isEmpty, bytes.count >= pattern.count else { return nil }
    let anchor = pattern.firstIndex { "KQXZJ".utf8.contains($0) } ?? 0
    var from = anchor
    while from < bytes.count - (pattern.count - 1 - anchor) {
      guard let hit = memchr(base + from, Int32(pattern[anchor]), bytes.count - from) else { return nil }
      let position = base.distance(to: UnsafeRawPointer(hit))
      let start = position - anchor
      if start + pattern.count <= bytes.count,
        memcmp(base + start, pattern, pattern.count) == 0
      {
        return start
      }
      from = position + 1
    }
    return nil
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// Gives back `bytes` just read (to be read again first): how a stream's first bytes are
  /// looked at without being lost.
  func pushBack(_ bytes: [UInt8]) {
    pushedBack = bytes + pushedBack
  }

  /// Reads up to `buffer.count` bytes; returns 0 at the end of input.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(AnalysisError) -> Int {
    if !pushedBack.isEmpty {
      let count = min(buffer.count, pushedBack.count)
      pushedBack.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
      pushedBack.removeFirst(count)
      return count
    }
    if ended { return 0 }
    while true {
      let count = systemRead(descriptor, buffer.baseAddress, buffer.count)
      if count == 0 { ended = true }
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
