//===--- LineSplitter.swift - Streaming split of bytes into lines -----------===//
//
// Feeds arbitrary chunks in, calls back once per line. Handles LF, CRLF, the
// CR CR LF that text copied through old mail gateways carries, and CR-only
// files. Memory is bounded by `maximumLineLength`: a longer line is cut there,
// flagged, and the rest of it skipped up to the next line break, so a 1 MB line
// or a newline-free binary cannot make the splitter grow.
//
//===----------------------------------------------------------------------===//

/// One line as the splitter delivers it. `bytes` is valid only during the callback.
struct RawLine {
  /// 1-based line number.
  var number: Int
  /// Byte offset of the line's first byte in the whole input.
  var offset: Int
  /// The line's bytes without its terminator.
  var bytes: UnsafeBufferPointer<UInt8>
  /// Whether the line was longer than the limit and cut.
  var wasTruncated: Bool
  /// Whether the input ended without a line break after this line.
  var endedWithoutNewline: Bool
}

/// Splits a byte stream into lines, in bounded memory.
struct LineSplitter {
  /// Lines longer than this are cut and flagged.
  let maximumLineLength: Int
  /// Whether lone CRs end lines (a CR-only file); otherwise CRs are left in the line.
  var crIsLineBreak: Bool

  private var partial: [UInt8] = []
  private var partialOffset = 0
  private var partialTruncated = false
  private var skippingRestOfLongLine = false
  private var consumed = 0
  private(set) var lineCount = 0

  init(maximumLineLength: Int, crIsLineBreak: Bool = false) {
    precondition(maximumLineLength > 0, "the line limit must be positive")
    self.maximumLineLength = maximumLineLength
    self.crIsLineBreak = crIsLineBreak
  }

  /// Feeds the next chunk; `emit` is called for every line completed in it.
  mutating func consume(_ chunk: UnsafeRawBufferPointer, _ emit: (RawLine) -> Void) {
    let bytes = chunk.bindMemory(to: UInt8.self)
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    let breakByte = crIsLineBreak ? ASCII.carriageReturn : ASCII.newline
    var start = 0
    while start < bytes.count {
      // Find the next line break with memchr: this is the hot loop.
      let remaining = bytes.count - start
      let found = memchr(base + start, Int32(breakByte), remaining)
      let end = found.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? bytes.count
      let piece = UnsafeBufferPointer(rebasing: bytes[start..<end])
      if found == nil {
        append(piece, startingAt: consumed + start)
        break
      }
      if partial.isEmpty && !skippingRestOfLongLine && !partialTruncated {
        // Fast path: the whole line is in this chunk.
        deliver(piece, offset: consumed + start, truncatedAlready: false, endedWithoutNewline: false, emit)
      } else {
        append(piece, startingAt: consumed + start)
        flushPartial(endedWithoutNewline: false, emit)
      }
      start = end + 1
    }
    consumed += bytes.count
  }

  /// Ends the input: delivers a last line that had no line break.
  mutating func finish(_ emit: (RawLine) -> Void) {
    if !partial.isEmpty || partialTruncated {
      flushPartial(endedWithoutNewline: true, emit)
    }
  }

  /// Total bytes fed so far.
  var byteCount: Int { consumed }

  private mutating func append(_ piece: UnsafeBufferPointer<UInt8>, startingAt offset: Int) {
    if skippingRestOfLongLine { return }
    if partial.isEmpty { partialOffset = offset }
    let room = maximumLineLength - partial.count
    if piece.count > room {
      partial.append(contentsOf: piece.prefix(room))
      partialTruncated = true
      skippingRestOfLongLine = true
    } else {
      partial.append(contentsOf: piece)
    }
  }

  private mutating func flushPartial(endedWithoutNewline: Bool, _ emit: (RawLine) -> Void) {
    let truncated = partialTruncated
    let offset = partialOffset
    partial.withUnsafeBufferPointer { buffer in
      deliver(buffer, offset: offset, truncatedAlready: truncated, endedWithoutNewline: endedWithoutNewline, emit)
    }
    partial.removeAll(keepingCapacity: partial.capacity <= 4 * 65536)
    partialTruncated = false
    skippingRestOfLongLine = false
  }

  private mutating func deliver(
    _ line: UnsafeBufferPointer<UInt8>, offset: Int, truncatedAlready: Bool,
    endedWithoutNewline: Bool, _ emit: (RawLine) -> Void
  ) {
    var bytes = line
    var truncated = truncatedAlready
    if bytes.count > maximumLineLength {
      bytes = UnsafeBufferPointer(rebasing: bytes[0..<maximumLineLength])
      truncated = true
    }
    // Strip the CRs of CRLF and CR CR LF endings.
    if !crIsLineBreak {
      var count = bytes.count
      while count > 0 && bytes[count - 1] == ASCII.carriageReturn { count -= 1 }
      bytes = UnsafeBufferPointer(rebasing: bytes[0..<count])
    } else if let first = bytes.first, first == ASCII.newline {
      // CR LF in a file taken for CR-only: drop the LF that follows the CR.
      bytes = UnsafeBufferPointer(rebasing: bytes[1...])
    }
    lineCount += 1
    emit(
      RawLine(
        number: lineCount, offset: offset, bytes: bytes, wasTruncated: truncated,
        endedWithoutNewline: endedWithoutNewline))
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
