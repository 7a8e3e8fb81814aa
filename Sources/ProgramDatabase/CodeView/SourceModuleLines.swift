//===--- SourceModuleLines.swift - CodeView 4 line numbers (sstSrcModule) ----===//
//
// The line numbers of one module, as NB09/NB11 blocks (and PDB 2.00 module streams)
// hold them (CodeView 4 specification, sstSrcModule):
//   module: file count u16, segment count u16, file offsets u32 × files,
//     (start, end) u32 pairs × segments, segment numbers u16 × segments, padding
//   each file: segment count u16, pad u16, line block offsets u32 × segments,
//     (start, end) u32 pairs × segments, name length u8, name
//   each line block: segment u16, pair count u16, offsets u32 × pairs, lines u16 × pairs
// Offsets inside are from the start of the module's subsection.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// Reads sstSrcModule line tables.
public enum SourceModuleLines {
  /// The lines of one file in one segment.
  public struct Block: Sendable, Hashable {
    /// The source file's name.
    public var file: String
    /// The logical segment the offsets are in.
    public var segment: UInt16
    /// (offset in the segment, line number), in table order.
    public var lines: [(offset: UInt32, line: UInt32)]

    public static func == (left: Block, right: Block) -> Bool {
      left.file == right.file && left.segment == right.segment
        && left.lines.map(\.offset) == right.lines.map(\.offset)
        && left.lines.map(\.line) == right.lines.map(\.line)
    }

    public func hash(into hasher: inout Hasher) {
      hasher.combine(file)
      hasher.combine(segment)
      hasher.combine(lines.count)
    }
  }

  /// The blocks of the subsection at `base` (`size` bytes) of `reader`.
  public static func blocks(in reader: ByteReader, at base: UInt64, size: UInt64) throws(ReadError)
    -> [Block]
  {
    guard size >= 4 else { return [] }
    let fileCount = UInt64(try reader.read(UInt16.self, at: base, "a line table's file count"))
    try inside(base + 4, fileCount * 4, base: base, size: size, "the line table's file offsets")
    var blocks: [Block] = []
    for fileIndex in 0..<fileCount {
      let fileOffset = UInt64(
        try reader.read(UInt32.self, at: base + 4 + fileIndex * 4, "a file offset"))
      let file = base + fileOffset
      try inside(file, 4, base: base, size: size, "a source file record")
      let segments = UInt64(try reader.read(UInt16.self, at: file, "a source file's segment count"))
      let nameAt = file + 4 + segments * 12
      try inside(file + 4, segments * 12 + 1, base: base, size: size, "a source file record")
      let nameLength = UInt64(
        try reader.read(UInt8.self, at: nameAt, "a source file's name length"))
      try inside(nameAt + 1, nameLength, base: base, size: size, "a source file's name")
      let name = String(
        decoding: try reader.slice(at: nameAt + 1, length: nameLength, "a source file's name"),
        as: UTF8.self)
      for segmentIndex in 0..<segments {
        let blockOffset = UInt64(
          try reader.read(UInt32.self, at: file + 4 + segmentIndex * 4, "a line block offset"))
        let block = base + blockOffset
        try inside(block, 4, base: base, size: size, "a line block")
        let segment = try reader.read(UInt16.self, at: block, "a line block's segment")
        let pairs = UInt64(try reader.read(UInt16.self, at: block + 2, "a line block's pair count"))
        try inside(block + 4, pairs * 6, base: base, size: size, "a line block of \(pairs) lines")
        var lines: [(offset: UInt32, line: UInt32)] = []
        lines.reserveCapacity(Int(pairs))
        for pair in 0..<pairs {
          lines.append(
            (
              try reader.read(UInt32.self, at: block + 4 + pair * 4, "a line's offset"),
              UInt32(
                try reader.read(
                  UInt16.self, at: block + 4 + pairs * 4 + pair * 2, "a line's number"))
            ))
        }
        blocks.append(Block(file: name, segment: segment, lines: lines))
      }
    }
    return blocks
  }

  private static func inside(
    _ offset: UInt64, _ length: UInt64, base: UInt64, size: UInt64,
    _ what: @autoclosure () -> String
  ) throws(ReadError) {
    guard offset >= base, offset - base <= size, length <= size - (offset - base) else {
      throw ReadError(.outOfBounds, at: offset, reading: what())
    }
  }
}
