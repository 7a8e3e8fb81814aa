//===--- InlineSites.swift - Inlined calls: S_INLINESITE and their lines -----===//
//
// An inlined call is an S_INLINESITE record inside its caller's scope: parent (the
// record offset of the enclosing procedure or inline site) u32, end u32, inlinee (an
// IPI id) u32, then binary annotations — a byte program saying which code bytes and
// lines belong to the inlined function, relative to the procedure's start:
//   compressed unsigned: 0xxxxxxx | 10xxxxxx b | 110xxxxx b b b; signed: the unsigned
//   value with the sign in bit 0
//   1 CodeOffset, 2 ChangeCodeOffsetBase, 3 ChangeCodeOffset(u), 4 ChangeCodeLength(u),
//   5 ChangeFile(u), 6 ChangeLineOffset(s), 7 ChangeLineEndDelta, 8 ChangeRangeKind,
//   9 ChangeColumnStart, 10 ChangeColumnEndDelta(s), 11 ChangeCodeOffsetAndLineOffset
//   (u: code delta in bits 0–3, signed line delta above), 12 ChangeCodeLengthAndCodeOffset
//   (u length, u offset), 13 ChangeColumnEnd
// The inlinee's first line and file come from the module's DEBUG_S_INLINEELINES (0xF6)
// subsection. Sources: Microsoft's cvinfo.h (CV_BinaryAnnotationOpcode) and LLVM's
// CodeView documentation.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// One inlined call inside a procedure.
public struct InlineSite: Sendable {
  /// The record's offset (deeper sites name it as their parent).
  public var recordOffset: UInt64
  /// The enclosing scope's record offset (a procedure or another inline site).
  public var parent: UInt32
  /// The inlined function's id (IPI).
  public var inlinee: UInt32
  /// The annotation program's bytes.
  public var annotations: [UInt8]

  /// Reads an S_INLINESITE record.
  public init(_ record: SymbolRecord, in reader: ByteReader) throws(ReadError) {
    recordOffset = record.recordOffset
    parent = try reader.read(UInt32.self, at: record.offset, "an inline site's parent")
    inlinee = try reader.read(UInt32.self, at: record.offset + 8, "an inline site's inlinee")
    guard record.length >= 12 else { throw ReadError(.outOfBounds, at: record.offset, reading: "an inline site") }
    annotations = Array(try reader.slice(at: record.offset + 12, length: record.length - 12, "an inline site's annotations"))
  }

  /// The code ranges (offsets from the procedure's start) and the line rows in them:
  /// (offset, line, file checksum offset), each row running to the next or to its range's end.
  public func decode(startLine: UInt32, startFile: UInt32)
    -> (ranges: [(start: UInt32, end: UInt32)], rows: [(offset: UInt32, line: UInt32, file: UInt32)])
  {
    var ranges: [(UInt32, UInt32)] = []
    var rows: [(UInt32, UInt32, UInt32)] = []
    var position = 0
    var codeOffset: UInt32 = 0
    var line = Int64(startLine)
    var file = startFile
    var openStart: UInt32?

    func unsigned() -> UInt32? {
      guard position < annotations.count else { return nil }
      let first = UInt32(annotations[position])
      if first & 0x80 == 0 {
        position += 1
        return first
      }
      if first & 0xC0 == 0x80, position + 1 < annotations.count {
        defer { position += 2 }
        return (first & 0x3F) << 8 | UInt32(annotations[position + 1])
      }
      if first & 0xE0 == 0xC0, position + 3 < annotations.count {
        defer { position += 4 }
        return (first & 0x1F) << 24 | UInt32(annotations[position + 1]) << 16 | UInt32(annotations[position + 2]) << 8
          | UInt32(annotations[position + 3])
      }
      return nil
    }
    func signed(_ value: UInt32) -> Int64 { value & 1 != 0 ? -Int64(value >> 1) : Int64(value >> 1) }
    func emit() {
      if let start = openStart, codeOffset > start { ranges.append((start, codeOffset)) }
      openStart = codeOffset
      rows.append((codeOffset, UInt32(clamping: max(0, line)), file))
    }
    func close(length: UInt32) {
      let end = codeOffset &+ length
      ranges.append((openStart ?? codeOffset, end))
      openStart = nil
      codeOffset = end
    }

    var steps = 0
    while let opcode = unsigned(), opcode != 0, steps < 1 << 16 {
      steps += 1
      switch opcode {
      case 1, 2, 8, 9, 13, 7:
        guard unsigned() != nil else { return (ranges, rows) }
      case 3:
        guard let delta = unsigned() else { return (ranges, rows) }
        codeOffset &+= delta
        emit()
      case 4:
        guard let length = unsigned() else { return (ranges, rows) }
        close(length: length)
      case 5:
        guard let value = unsigned() else { return (ranges, rows) }
        file = value
      case 6:
        guard let value = unsigned() else { return (ranges, rows) }
        line += signed(value)
      case 10:
        guard unsigned() != nil else { return (ranges, rows) }
      case 11:
        guard let value = unsigned() else { return (ranges, rows) }
        codeOffset &+= value & 0xF
        line += signed(value >> 4)
        emit()
      case 12:
        guard let length = unsigned(), let delta = unsigned() else { return (ranges, rows) }
        codeOffset &+= delta
        emit()
        close(length: length)
      default:
        return (ranges, rows)
      }
    }
    return (ranges, rows)
  }
}

/// A module's DEBUG_S_INLINEELINES: each inlinee's first line and file.
public struct InlineeLines: Sendable {
  /// (file checksum offset, line) by inlinee id.
  public var starts: [UInt32: (file: UInt32, line: UInt32)] = [:]

  /// No inlinees.
  public init() {}

  /// Reads the 0xF6 subsections among the C13 subsections between `start` and `end`.
  public init(_ reader: ByteReader, from start: UInt64, to end: UInt64) throws(ReadError) {
    var starts: [UInt32: (file: UInt32, line: UInt32)] = [:]
    try DebugSubsections.forEach(in: reader, from: start, to: end) { (kind, body, bodyEnd) throws(ReadError) in
      guard kind == 0xF6, bodyEnd - body >= 4 else { return }
      let extended = try reader.read(UInt32.self, at: body, "inlinee lines' signature") == 1
      var entry = body + 4
      while entry + 12 <= bodyEnd {
        let inlinee = try reader.read(UInt32.self, at: entry, "an inlinee")
        let file = try reader.read(UInt32.self, at: entry + 4, "an inlinee's file")
        let line = try reader.read(UInt32.self, at: entry + 8, "an inlinee's line")
        starts[inlinee] = (file, line)
        entry += 12
        if extended {
          let extra = UInt64(try reader.read(UInt32.self, at: entry, "an inlinee's extra files"))
          guard extra <= (bodyEnd - body) / 4 else { throw ReadError(.implausibleCount, at: entry, reading: "extra files") }
          entry += 4 + extra * 4
        }
      }
    }
    self.starts = starts
  }
}
