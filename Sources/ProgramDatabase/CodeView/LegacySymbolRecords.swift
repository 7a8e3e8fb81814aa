//===--- LegacySymbolRecords.swift - CodeView 4 and 5 procedures and publics -===//
//
// The record kinds VC 2–6 wrote (NT 4 .dbg files, PDB 2.00), names length-prefixed
// (one length byte, then the bytes) rather than NUL-terminated (cvinfo.h):
//   S_PUB32_16t   0x0203  offset u32, segment u16, type u16, name
//   S_LPROC32_16t 0x0204, S_GPROC32_16t 0x0205: parent, end, next u32; code size,
//                 debug start, debug end u32; offset u32, segment u16, type u16, flags u8,
//                 name
//   S_PUB32_ST    0x1009  type u32, offset u32, segment u16, name
//   S_LPROC32_ST  0x100A, S_GPROC32_ST 0x100B: as S_LPROC32 (type u32 before the offset)
// Type indexes of this era are not resolved (names are written without argument lists).
//
//===----------------------------------------------------------------------===//

import ByteReading

extension SymbolRecord {
  /// S_PUB32_16t and S_PUB32_ST.
  public static let legacyPublics: Set<UInt16> = [0x0203, 0x1009]
  /// S_LPROC32_16t, S_GPROC32_16t, S_LPROC32_ST, S_GPROC32_ST.
  public static let legacyProcedures: Set<UInt16> = [0x0204, 0x0205, 0x100A, 0x100B]

  /// The length-prefixed name at `position` in the payload.
  func prefixedName(in reader: ByteReader, at position: UInt64) throws(ReadError) -> String {
    guard position < length else {
      throw ReadError(.outOfBounds, at: offset, reading: "a symbol's name")
    }
    let count = UInt64(try reader.read(UInt8.self, at: offset + position, "a symbol name's length"))
    guard position + 1 + count <= length else {
      throw ReadError(
        .outOfBounds, at: offset + position, reading: "a symbol name of \(count) bytes")
    }
    let bytes = try reader.slice(at: offset + position + 1, length: count, "a symbol's name")
    return String(decoding: bytes, as: UTF8.self)
  }
}

extension PublicSymbol {
  /// Reads an S_PUB32_16t or S_PUB32_ST record (which carry no code flag).
  public init(legacy record: SymbolRecord, in reader: ByteReader) throws(ReadError) {
    let wide = record.kind == 0x1009
    isFunction = false
    offset = try reader.read(
      UInt32.self, at: record.offset + (wide ? 4 : 0), "a public symbol's offset")
    section = try reader.read(
      UInt16.self, at: record.offset + (wide ? 8 : 4), "a public symbol's segment")
    name = try record.prefixedName(in: reader, at: wide ? 10 : 8)
  }
}

extension ProcedureSymbol {
  /// Reads an S_LPROC32_16t / S_GPROC32_16t / S_LPROC32_ST / S_GPROC32_ST record.
  public init(legacy record: SymbolRecord, in reader: ByteReader) throws(ReadError) {
    let wide = record.kind == 0x100A || record.kind == 0x100B
    recordOffset = record.recordOffset
    end = try reader.read(UInt32.self, at: record.offset + 4, "a procedure's end")
    codeSize = try reader.read(UInt32.self, at: record.offset + 12, "a procedure's size")
    typeIndex = 0
    typeIsID = false
    offset = try reader.read(
      UInt32.self, at: record.offset + (wide ? 28 : 24), "a procedure's offset")
    section = try reader.read(
      UInt16.self, at: record.offset + (wide ? 32 : 28), "a procedure's segment")
    name = try record.prefixedName(in: reader, at: wide ? 35 : 33)
  }
}
