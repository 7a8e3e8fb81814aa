//===--- LineTables.swift - C13 line information of one module --------------===//
//
// After a module's symbols come C13 debug subsections (DebugSubsections). Two are read:
//   DEBUG_S_LINES (0xF2)       offset u32, section u16, flags u16 (1: columns follow),
//                              code size u32; then blocks: file (offset into the
//                              checksums) u32, line count u32, block size u32, and per
//                              line: offset u32, bits (line start 0–23, end delta 24–30,
//                              statement 31) u32; column pairs when flagged
//   DEBUG_S_FILECHKSMS (0xF4)  per file: name (offset into /names) u32, checksum size
//                              u8, kind u8, checksum; padded to 4
//
//===----------------------------------------------------------------------===//

import ByteReading

/// One run of line records: code at `section:offset` in one file.
public struct LineBlock: Sendable {
  /// The 1-based section.
  public var section: UInt16
  /// The run's first offset in the section.
  public var offset: UInt32
  /// The bytes of code the enclosing subsection covers.
  public var codeSize: UInt32
  /// The file, as an offset into the module's checksum subsection.
  public var fileChecksumOffset: UInt32
  /// (offset from `offset`, line) pairs in address order.
  public var lines: [(offset: UInt32, line: UInt32)]
}

/// A module's line blocks and the file names they refer to.
public struct LineTables: Sendable {
  /// Every block, in the order the module lists them.
  public var blocks: [LineBlock] = []
  /// Name offsets (into /names) by checksum-subsection offset.
  public var fileNames: [UInt32: UInt32] = [:]
  /// File names given in place (C11 line tables, which have no checksums): blocks name
  /// them by their index here instead of a checksum offset.
  public var namedFiles: [UInt32: String] = [:]

  /// The C11 (sstSrcModule) blocks of a PDB 2.00 module as line blocks, the segment read
  /// as the section.
  public init(c11 blocks: [SourceModuleLines.Block]) {
    var numbers: [String: UInt32] = [:]
    for block in blocks {
      let number = numbers[block.file] ?? UInt32(numbers.count)
      numbers[block.file] = number
      namedFiles[number] = block.file
      let size = (block.lines.map(\.offset).max() ?? 0) &- (block.lines.map(\.offset).min() ?? 0)
      self.blocks.append(
        LineBlock(section: block.segment, offset: 0, codeSize: size, fileChecksumOffset: number, lines: block.lines))
    }
  }

  /// The name of the file a block names by `file` (a checksum offset, or a C11 index).
  public func fileName(_ file: UInt32, strings: StringTable?) -> String? {
    namedFiles[file] ?? fileNames[file].flatMap { strings?.string(at: $0) }
  }

  /// Reads the C13 subsections in `reader` between `start` and `end`.
  public init(_ reader: ByteReader, from start: UInt64, to end: UInt64) throws(ReadError) {
    var tables = LineTables()
    try DebugSubsections.forEach(in: reader, from: start, to: end) { (kind, body, bodyEnd) throws(ReadError) in
      switch kind {
      case 0xF2: try tables.readLines(reader, from: body, to: bodyEnd)
      case 0xF4: try tables.readChecksums(reader, from: body, to: bodyEnd)
      default: break
      }
    }
    self = tables
  }

  private init() {}

  private mutating func readLines(_ reader: ByteReader, from start: UInt64, to end: UInt64) throws(ReadError) {
    guard start + 12 <= end else { throw ReadError(.outOfBounds, at: start, reading: "a line subsection") }
    let offset = try reader.read(UInt32.self, at: start, "a line subsection's offset")
    let section = try reader.read(UInt16.self, at: start + 4, "a line subsection's section")
    let hasColumns = try reader.read(UInt16.self, at: start + 6, "a line subsection's flags") & 1 != 0
    let codeSize = try reader.read(UInt32.self, at: start + 8, "a line subsection's size")
    var cursor = start + 12
    while cursor + 12 <= end {
      let file = try reader.read(UInt32.self, at: cursor, "a line block's file")
      let count = UInt64(try reader.read(UInt32.self, at: cursor + 4, "a line block's count"))
      let size = UInt64(try reader.read(UInt32.self, at: cursor + 8, "a line block's size"))
      let needed = 12 + count * 8 + (hasColumns ? count * 4 : 0)
      guard count <= (end - cursor) / 8, size >= needed, cursor + size <= end else {
        throw ReadError(.implausibleCount, at: cursor, reading: "a line block of \(count) lines")
      }
      var lines: [(UInt32, UInt32)] = []
      lines.reserveCapacity(Int(count))
      for index in 0..<count {
        let at = cursor + 12 + index * 8
        let lineOffset = try reader.read(UInt32.self, at: at, "a line's offset")
        let bits = try reader.read(UInt32.self, at: at + 4, "a line's number")
        lines.append((lineOffset, bits & 0x00FF_FFFF))
      }
      blocks.append(LineBlock(section: section, offset: offset, codeSize: codeSize, fileChecksumOffset: file, lines: lines))
      cursor += size
    }
  }

  private mutating func readChecksums(_ reader: ByteReader, from start: UInt64, to end: UInt64) throws(ReadError) {
    var cursor = start
    while cursor + 6 <= end {
      let name = try reader.read(UInt32.self, at: cursor, "a file checksum's name")
      let size = UInt64(try reader.read(UInt8.self, at: cursor + 4, "a file checksum's size"))
      fileNames[UInt32(cursor - start)] = name
      cursor = (cursor + 6 + size + 3) & ~3
    }
  }
}
