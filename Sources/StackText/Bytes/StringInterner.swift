//===--- StringInterner.swift - One String for each repeated name -----------===//
//
// Module and function names repeat on row after row even when the offsets after
// them differ (`NT!_KiTrap0E+0xf2`, `NT!_KiTrap0E+0x3a0`). Building a String of
// more than 15 bytes allocates; handing back the String built for the same bytes
// before costs a hash and a comparison, and the frames share its storage.
//
// Bounded like SymbolTextCache: a direct-mapped table of at most
// `maximumSlotCount` entries that starts small and grows with use (a collision
// replaces the entry), and names longer than `maximumLength` are built every time.
//
//===----------------------------------------------------------------------===//

/// Strings for byte runs, reused when the same bytes come again.
final class StringInterner {
  /// Entries in the table at most (a power of two).
  static let maximumSlotCount = 4096
  /// Entries at first: a small input does not pay for a large table.
  static let initialSlotCount = 64
  /// Longer names are built every time and never kept.
  static let maximumLength = 128

  @exclusivity(unchecked) private var strings: [String?]
  @exclusivity(unchecked) private var hashes: [UInt64]

  /// Entries now (a power of two); the table grows fourfold, emptied, after as many builds.
  private var slotCount = StringInterner.initialSlotCount
  private var buildsSinceGrowth = 0

  /// An empty table.
  init() {
    strings = Array(repeating: nil, count: slotCount)
    hashes = Array(repeating: 0, count: slotCount)
  }

  private func growIfBusy() {
    buildsSinceGrowth += 1
    guard buildsSinceGrowth >= slotCount, slotCount < Self.maximumSlotCount else { return }
    slotCount = min(slotCount * 4, Self.maximumSlotCount)
    buildsSinceGrowth = 0
    strings = Array(repeating: nil, count: slotCount)
    hashes = Array(repeating: 0, count: slotCount)
  }

  /// The String of `bytes` (decoded as UTF-8, invalid sequences repaired), built once per
  /// distinct run while it stays in the table.
  func string(_ bytes: ArraySlice<UInt8>) -> String {
    // Short strings are stored inline in the String value: nothing to save.
    guard bytes.count > 15, bytes.count <= Self.maximumLength else { return String(decoding: bytes, as: UTF8.self) }
    return bytes.withUnsafeBytes { raw in
      let hash = ByteHash.hash(raw)
      let slot = Int(truncatingIfNeeded: hash >> 32) & (slotCount - 1)
      if hashes[slot] == hash, case .some = strings[slot], Self.utf8(of: strings[slot]!, equals: raw) {
        return strings[slot]!
      }
      let built = String(decoding: raw, as: UTF8.self)
      growIfBusy()
      // The table may have just grown: the slot is taken again from the hash.
      let home = Int(truncatingIfNeeded: hash >> 32) & (slotCount - 1)
      hashes[home] = hash
      strings[home] = built
      return built
    }
  }

  /// Whether `string`'s UTF-8 is exactly `raw` (false when repair changed the bytes).
  private static func utf8(of string: String, equals raw: UnsafeRawBufferPointer) -> Bool {
    var string = string
    return string.withUTF8 { ByteHash.equal(UnsafeRawBufferPointer($0), raw) }
  }
}
