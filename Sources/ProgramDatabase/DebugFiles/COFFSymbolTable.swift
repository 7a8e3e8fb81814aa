//===--- COFFSymbolTable.swift - COFF symbols in a .dbg -----------------------===//
//
// IMAGE_DEBUG_TYPE_COFF data (PE/COFF specification, "COFF Symbol Table"; winnt.h
// IMAGE_COFF_SYMBOLS_HEADER): symbol count u32, offset of the first symbol u32 (from
// the header), line number count u32, offset of the first line number u32, then the
// first/last code and data addresses. Each symbol is 18 bytes: name (8 bytes, or zero
// and a string table offset u32), value u32, section i16, type u16, storage class u8,
// auxiliary record count u8; the string table (its size u32 first) follows the symbols.
// Functions are the symbols whose type says function (0x20) or that are external or
// static in a code section; their address is the section's address plus the value.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// The function symbols of a COFF symbol table.
public enum COFFSymbolTable {
  /// A function symbol: section (1-based), offset, name as stored (decorated).
  public struct Symbol: Sendable, Hashable {
    /// The 1-based section.
    public var section: UInt16
    /// The offset in it.
    public var offset: UInt32
    /// The name.
    public var name: String
  }

  /// The function symbols of the table at `base` (`size` bytes) of `reader`; `sections`
  /// says which sections hold code.
  public static func functions(
    in reader: ByteReader, at base: UInt64, size: UInt64, sections: SectionTable
  )
    throws(ReadError) -> [Symbol]
  {
    guard size >= 32 else {
      throw ReadError(.outOfBounds, at: base, reading: "the COFF symbols header")
    }
    let count = UInt64(try reader.read(UInt32.self, at: base, "the COFF symbols header"))
    let first = UInt64(try reader.read(UInt32.self, at: base + 4, "the COFF symbols header"))
    guard first <= size, count <= (size - first) / 18 else {
      throw ReadError(
        .outOfBounds, at: base, reading: "\(count) COFF symbols at 0x\(String(first, radix: 16))")
    }
    let start = base + first
    let strings = start + count * 18
    let stringsEnd = base + size
    var symbols: [Symbol] = []
    var index: UInt64 = 0
    while index < count {
      let at = start + index * 18
      let value = try reader.read(UInt32.self, at: at + 8, "a COFF symbol")
      let section = try reader.read(UInt16.self, at: at + 12, "a COFF symbol")
      let type = try reader.read(UInt16.self, at: at + 14, "a COFF symbol")
      let storage = try reader.read(UInt8.self, at: at + 16, "a COFF symbol")
      let auxiliary = UInt64(try reader.read(UInt8.self, at: at + 17, "a COFF symbol"))
      let isFunction = type & 0x30 == 0x20
      // Section numbers are signed: 0 undefined, -1 absolute, -2 debugging.
      if section >= 1, section < 0x8000,
        isFunction || ((storage == 2 || storage == 3) && sections.isCode(section: section)),
        storage != 103  // IMAGE_SYM_CLASS_FILE
      {
        let name = try symbolName(at: at, reader: reader, strings: strings, end: stringsEnd)
        if !name.isEmpty, !name.hasPrefix(".") {
          symbols.append(Symbol(section: section, offset: value, name: name))
        }
      }
      index += 1 + auxiliary
    }
    return symbols
  }

  private static func symbolName(at: UInt64, reader: ByteReader, strings: UInt64, end: UInt64)
    throws(ReadError) -> String
  {
    if try reader.read(UInt32.self, at: at, "a COFF symbol's name") == 0 {
      let offset = UInt64(try reader.read(UInt32.self, at: at + 4, "a COFF symbol's name"))
      guard strings + offset < end else {
        throw ReadError(.outOfBounds, at: at + 4, reading: "a COFF symbol's long name")
      }
      let bytes = try reader.slice(
        at: strings + offset, length: min(end - strings - offset, 4096), "a COFF symbol's long name"
      )
      return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
    let bytes = try reader.slice(at: at, length: 8, "a COFF symbol's name")
    return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
  }
}
