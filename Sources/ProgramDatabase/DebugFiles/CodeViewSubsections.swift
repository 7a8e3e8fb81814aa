//===--- CodeViewSubsections.swift - CodeView NB09 / NB11 debug information --===//
//
// The CodeView 4/5 layout an NT 4 .dbg (or an image) carries, from the "Microsoft
// Symbol and Type Information" specification (Tool Interface Standards, 1993) and
// VC 5's "Symbolic Debug Information Specification":
//   signature 'NB09' / 'NB11' u32, directory offset i32 (from the signature)
//   directory header: header size u16, entry size u16, entry count u32, next directory
//     i32, flags u32; entries: subsection kind u16, module u16, offset i32 (from the
//     signature), size u32
// Subsections read here:
//   sstAlignSym  0x125  per module: signature u32, then symbol records (procedures)
//   sstSrcModule 0x127  per module: line numbers (SourceModuleLines)
//   sstGlobalPub 0x12A  symbol hash header (16 bytes: sym hash u16, addr hash u16,
//                       symbol bytes u32, sym hash bytes u32, addr hash bytes u32), records
//   sstSegMap    0x12D  segment count u16, logical count u16, descriptors (20 bytes: flags,
//                       overlay, group, frame u16, name, class u16, offset u32, size u32)
// Symbols name code by logical segment; the segment map turns it into the image's
// section (its frame) and an offset within it; without a map, segment n is section n.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// The subsections of a CodeView NB09 or NB11 block.
public struct CodeViewSubsections: Sendable {
  /// One directory entry.
  public struct Entry: Sendable, Hashable {
    /// The subsection kind (sstModule 0x120 …).
    public var kind: UInt16
    /// The module it belongs to (1-based; 0xFFFF for global ones).
    public var module: UInt16
    /// Where it lies in the file.
    public var offset: UInt64
    /// Its length.
    public var size: UInt64
  }

  /// The directory, in file order.
  public let entries: [Entry]
  /// The signature (`NB09`, `NB11`).
  public let signature: String
  private let reader: ByteReader

  /// The directory of the block at `base` (`size` bytes) of `reader`.
  public init(_ reader: ByteReader, at base: UInt64, size: UInt64) throws(ReadError) {
    self.reader = reader
    try reader.check(offset: base, length: size, "the CodeView block")
    let magic = try reader.slice(at: base, length: 4, "the CodeView signature")
    signature = String(decoding: magic, as: UTF8.self)
    guard signature == "NB09" || signature == "NB11" else {
      throw ReadError(
        .invalidValue, at: base,
        reading: "the CodeView signature \(signature.debugDescription) (not NB09 or NB11)")
    }
    let directoryOffset = UInt64(
      try reader.read(UInt32.self, at: base + 4, "the CodeView directory offset"))
    let directory = base + directoryOffset
    guard directoryOffset + 16 <= size else {
      throw ReadError(
        .outOfBounds, at: base + 4,
        reading: "the CodeView directory at 0x\(String(directory, radix: 16))")
    }
    let headerSize = UInt64(
      try reader.read(UInt16.self, at: directory, "the CodeView directory header"))
    let entrySize = UInt64(
      try reader.read(UInt16.self, at: directory + 2, "the CodeView directory header"))
    let count = UInt64(
      try reader.read(UInt32.self, at: directory + 4, "the CodeView directory header"))
    guard headerSize >= 16, entrySize >= 12 else {
      throw ReadError(
        .invalidValue, at: directory,
        reading: "the CodeView directory header (sizes \(headerSize), \(entrySize))")
    }
    try reader.checkArray(
      count: count, size: entrySize, at: directory + headerSize, "the CodeView directory")
    var entries: [Entry] = []
    for index in 0..<count {
      let at = directory + headerSize + index * entrySize
      let offset = UInt64(try reader.read(UInt32.self, at: at + 4, "a CodeView directory entry"))
      let length = UInt64(try reader.read(UInt32.self, at: at + 8, "a CodeView directory entry"))
      guard offset <= size, length <= size - offset else {
        throw ReadError(
          .outOfBounds, at: at,
          reading: "a CodeView subsection of \(length) bytes at 0x\(String(offset, radix: 16))")
      }
      entries.append(
        Entry(
          kind: try reader.read(UInt16.self, at: at, "a CodeView directory entry"),
          module: try reader.read(UInt16.self, at: at + 2, "a CodeView directory entry"),
          offset: base + offset,
          size: length))
    }
    self.entries = entries
  }

  /// Every procedure in the modules' sstAlignSym subsections.
  public func procedures() throws(ReadError) -> [ProcedureSymbol] {
    var procedures: [ProcedureSymbol] = []
    for entry in entries where entry.kind == 0x125 && entry.size >= 4 {
      for record in try SymbolRecord.records(
        in: reader, from: entry.offset + 4, to: entry.offset + entry.size)
      {
        if SymbolRecord.legacyProcedures.contains(record.kind) {
          procedures.append(try ProcedureSymbol(legacy: record, in: reader))
        } else if SymbolRecord.procedures.contains(record.kind) {
          procedures.append(try ProcedureSymbol(record, in: reader))
        }
      }
    }
    return procedures
  }

  /// The public symbols of the sstGlobalPub subsection.
  public func publics() throws(ReadError) -> [PublicSymbol] {
    var publics: [PublicSymbol] = []
    for entry in entries where entry.kind == 0x12A {
      let symbolBytes = UInt64(
        try reader.read(UInt32.self, at: entry.offset + 4, "the publics' hash header"))
      guard entry.size >= 16, symbolBytes <= entry.size - 16 else {
        throw ReadError(
          .outOfBounds, at: entry.offset + 4, reading: "\(symbolBytes) bytes of public symbols")
      }
      let start = entry.offset + 16
      for record in try SymbolRecord.records(in: reader, from: start, to: start + symbolBytes) {
        if SymbolRecord.legacyPublics.contains(record.kind) {
          publics.append(try PublicSymbol(legacy: record, in: reader))
        } else if record.kind == SymbolRecord.publicSymbol {
          publics.append(try PublicSymbol(record, in: reader))
        }
      }
    }
    return publics
  }

  /// The line numbers of every module's sstSrcModule subsection.
  public func lines() throws(ReadError) -> [SourceModuleLines.Block] {
    var blocks: [SourceModuleLines.Block] = []
    for entry in entries where entry.kind == 0x127 {
      blocks += try SourceModuleLines.blocks(in: reader, at: entry.offset, size: entry.size)
    }
    return blocks
  }

  /// The segment map: for each logical segment (1-based), its section (frame) and offset.
  public func segmentMap() throws(ReadError) -> [(section: UInt16, offset: UInt32)]? {
    guard let entry = entries.first(where: { $0.kind == 0x12D }), entry.size >= 4 else {
      return nil
    }
    let count = UInt64(try reader.read(UInt16.self, at: entry.offset, "the segment map"))
    guard 4 + count * 20 <= entry.size else {
      throw ReadError(.outOfBounds, at: entry.offset, reading: "a segment map of \(count) segments")
    }
    return try (0..<count).map { (index) throws(ReadError) in
      let at = entry.offset + 4 + index * 20
      return (
        try reader.read(UInt16.self, at: at + 6, "a segment descriptor"),
        try reader.read(UInt32.self, at: at + 12, "a segment descriptor")
      )
    }
  }
}

extension SectionTable {
  /// The image-relative address of `offset` in logical `segment`, through `map` when there
  /// is one (segment n is section n otherwise).
  public func rva(segment: UInt16, offset: UInt32, map: [(section: UInt16, offset: UInt32)]?)
    -> UInt32?
  {
    guard let map else { return rva(section: segment, offset: offset) }
    guard segment >= 1, Int(segment) <= map.count else { return nil }
    let descriptor = map[Int(segment) - 1]
    let (sum, overflow) = descriptor.offset.addingReportingOverflow(offset)
    return overflow ? nil : rva(section: descriptor.section, offset: sum)
  }
}
