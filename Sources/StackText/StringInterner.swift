//===--- StringInterner.swift - One String for each repeated name -----------===//
//
// Module and function names repeat on row after row even when the offsets after
// them differ (`NT!_KiTrap0E+0xf2`, `NT!_KiTrap0E+0x3a0`). Building a String of
// more than 15 bytes allocates; handing back the String built for the same bytes
// before costs a hash and a comparison, and the frames share its storage.
//
// Bounded like SymbolTextCache: a fixed direct-mapped table (a collision replaces
// the entry) and names longer than `maximumLength` are built every time.
//
//===----------------------------------------------------------------------===//

/// Strings for byte runs, reused when the same bytes come again.
final class StringInterner {
  /// Entries in the table (a power of two).
  static let slotCount = 4096
  /// Longer names are built every time and never kept.
  static let maximumLength = 128

  @exclusivity(unchecked) private var strings: [String?]
  @exclusivity(unchecked) private var hashes: [UInt64]

  /// An empty table.
  init() {
    strings = Array(repeating: nil, count: Self.slotCount)
    hashes = Array(repeating: 0, count: Self.slotCount)
  }

  /// The String of `bytes` (decoded as UTF-8, invalid sequences repaired), built once per
  /// distinct run while it stays in the table.
  func string(_ bytes: ArraySlice<UInt8>) -> String {
    // Short strings are stored inline in the String value: nothing to save.
    guard bytes.count > 15, bytes.count <= Self.maximumLength else { return String(decoding: bytes, as: UTF8.self) }
    return bytes.withUnsafeBytes { raw in
      let hash = ByteHash.hash(raw)
      let slot = Int(truncatingIfNeeded: hash >> 32) & (Self.slotCount - 1)
      if hashes[slot] == hash, case .some = strings[slot], Self.utf8(of: strings[slot]!, equals: raw) {
        return strings[slot]!
      }
      let built = String(decoding: raw, as: UTF8.self)
      hashes[slot] = hash
      strings[slot] = built
      return built
    }
  }

  /// Whether `string`'s UTF-8 is exactly `raw` (false when repair changed the bytes).
  private static func utf8(of string: String, equals raw: UnsafeRawBufferPointer) -> Bool {
    var string = string
    return string.withUTF8 { ByteHash.equal(UnsafeRawBufferPointer($0), raw) }
  }
}
