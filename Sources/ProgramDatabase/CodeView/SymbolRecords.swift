//===--- SymbolRecords.swift - CodeView symbol records, walked --------------===//
//
// A run of records, each: length u16 (of what follows), kind u16, payload. The
// kinds read here:
//   S_PUB32      0x110E  flags u32, offset u32, section u16, name
//   S_LPROC32    0x110F, S_GPROC32 0x1110, S_LPROC32_ID 0x1146, S_GPROC32_ID 0x1147:
//                parent, end, next u32; code size, debug start, debug end u32; type u32;
//                offset u32, section u16, flags u8, name
//   S_INLINESITE 0x114D  parent, end u32; inlinee (an id) u32; binary annotations
//   S_END 0x0006, S_PROC_ID_END 0x114F, S_INLINESITE_END 0x114E close a scope
// Layout: Microsoft's cvinfo.h (microsoft-pdb on GitHub) and LLVM's CodeView docs.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// One CodeView symbol record's kind and where its payload lies.
public struct SymbolRecord: Sendable {
  /// The record kind (`S_PUB32`, `S_GPROC32`, …).
  public var kind: UInt16
  /// The payload's offset in the stream (after the length and kind).
  public var offset: UInt64
  /// The payload's length.
  public var length: UInt64
  /// The record's own offset (its length field), which scopes refer to.
  public var recordOffset: UInt64

  /// S_PUB32.
  public static let publicSymbol: UInt16 = 0x110E
  /// The four procedure kinds (local/global, with type or id).
  public static let procedures: Set<UInt16> = [0x110F, 0x1110, 0x1146, 0x1147]
  /// The procedure kinds whose type field is an id (IPI) index.
  public static let idProcedures: Set<UInt16> = [0x1146, 0x1147]
  /// S_INLINESITE.
  public static let inlineSite: UInt16 = 0x114D

  /// Every record in `reader` between `start` and `end`, in order; stops with an error at a
  /// record that runs past `end`.
  public static func records(in reader: ByteReader, from start: UInt64, to end: UInt64) throws(ReadError)
    -> [SymbolRecord]
  {
    var records: [SymbolRecord] = []
    var cursor = start
    while cursor + 4 <= end {
      let length = UInt64(try reader.read(UInt16.self, at: cursor, "a symbol record's length"))
      guard length >= 2, cursor + 2 + length <= end else {
        throw ReadError(.outOfBounds, at: cursor, reading: "a symbol record of \(length) bytes")
      }
      let kind = try reader.read(UInt16.self, at: cursor + 2, "a symbol record's kind")
      records.append(SymbolRecord(kind: kind, offset: cursor + 4, length: length - 2, recordOffset: cursor))
      cursor += 2 + length
    }
    return records
  }

  /// The NUL-terminated name at `at` bytes into the payload (or the rest of it).
  public func name(in reader: ByteReader, at position: UInt64) throws(ReadError) -> String {
    guard position <= length else { throw ReadError(.outOfBounds, at: offset, reading: "a symbol's name") }
    let bytes = try reader.slice(at: offset + position, length: length - position, "a symbol's name")
    let end = bytes.firstIndex(of: 0) ?? bytes.count
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
  }
}

/// A public symbol: a linker name at a section offset.
public struct PublicSymbol: Sendable, Hashable {
  /// Whether the linker marked it as code.
  public var isFunction: Bool
  /// The 1-based section number.
  public var section: UInt16
  /// The offset in that section.
  public var offset: UInt32
  /// The decorated name.
  public var name: String

  /// Reads an S_PUB32 record.
  public init(_ record: SymbolRecord, in reader: ByteReader) throws(ReadError) {
    let flags = try reader.read(UInt32.self, at: record.offset, "a public symbol's flags")
    isFunction = flags & 0x2 != 0
    offset = try reader.read(UInt32.self, at: record.offset + 4, "a public symbol's offset")
    section = try reader.read(UInt16.self, at: record.offset + 8, "a public symbol's section")
    name = try record.name(in: reader, at: 10)
  }
}

/// A procedure from a module's symbols.
public struct ProcedureSymbol: Sendable, Hashable {
  /// The record's offset in its module stream (inline sites name their parent by it).
  public var recordOffset: UInt64
  /// The offset of the scope's end record.
  public var end: UInt32
  /// The code size in bytes.
  public var codeSize: UInt32
  /// The function's type (TPI) or, for the `_ID` kinds, its id (IPI).
  public var typeIndex: UInt32
  /// Whether `typeIndex` is an id.
  public var typeIsID: Bool
  /// The 1-based section number.
  public var section: UInt16
  /// The offset in that section.
  public var offset: UInt32
  /// The name as the compiler wrote it (qualified, no argument list).
  public var name: String

  /// Reads an S_GPROC32 / S_LPROC32 (or `_ID`) record.
  public init(_ record: SymbolRecord, in reader: ByteReader) throws(ReadError) {
    recordOffset = record.recordOffset
    end = try reader.read(UInt32.self, at: record.offset + 4, "a procedure's end")
    codeSize = try reader.read(UInt32.self, at: record.offset + 12, "a procedure's size")
    typeIndex = try reader.read(UInt32.self, at: record.offset + 24, "a procedure's type")
    typeIsID = SymbolRecord.idProcedures.contains(record.kind)
    offset = try reader.read(UInt32.self, at: record.offset + 28, "a procedure's offset")
    section = try reader.read(UInt16.self, at: record.offset + 32, "a procedure's section")
    name = try record.name(in: reader, at: 35)
  }
}
