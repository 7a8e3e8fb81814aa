//===--- SymbolTextCache.swift - Each distinct symbol text parsed once ------===//
//
// The same symbol text comes back again and again: every thread of a Dr. Watson
// log passes through the same few functions, a batch repeats the same crash,
// and `(FPO: [2,0,2])` follows thousands of rows. Parsing a row's text builds
// its module, function and printed-text strings and its annotation array; a hit
// here hands back the first parse, whose storage the frames then share (a
// retain, not an allocation, and less memory for the report).
//
// Bounded: a table of at most `maximumSlotCount` entries (it starts at 64 and
// grows as misses come, so a small input does not pay for it), direct-mapped on a hash of the
// bytes (a collision replaces the entry), and texts longer than
// `maximumTextLength` are parsed without being kept. A text enters the table the
// second time its slot sees it, so texts that never repeat cost no copy. Results are identical with
// or without the cache: an entry is used only when its bytes equal the text.
//
//===----------------------------------------------------------------------===//

/// Parses row symbol texts, reusing the result for a text seen before.
final class SymbolTextCache {
  /// Entries in the table at most (a power of two).
  static let maximumSlotCount = 2048
  /// Entries at first: a small input (most of a batch) does not pay for a large table.
  static let initialSlotCount = 64
  /// Longer texts are parsed every time and never kept.
  static let maximumTextLength = 256

  private struct Entry {
    var text: [UInt8]
    var parsed: ParsedSymbolText
  }

  @exclusivity(unchecked) private var entries: [Entry?]
  /// Module and function names, shared by texts that differ elsewhere (offsets, FPO data).
  private let names = StringInterner()
  /// Each slot's text hash, apart from the entries so that a miss reads 8 bytes, not an entry.
  @exclusivity(unchecked) private var hashes: [UInt64]
  /// The hash of the last text that missed in each slot (admission on the second sighting).
  @exclusivity(unchecked) private var seen: [UInt64]

  /// Entries now (a power of two); the table grows fourfold, emptied, after as many misses.
  private var slotCount = SymbolTextCache.initialSlotCount
  private var missesSinceGrowth = 0

  /// An empty cache.
  init() {
    entries = Array(repeating: nil, count: slotCount)
    hashes = Array(repeating: 0, count: slotCount)
    seen = Array(repeating: 0, count: slotCount)
  }

  private func growIfBusy() {
    missesSinceGrowth += 1
    guard missesSinceGrowth >= slotCount, slotCount < Self.maximumSlotCount else { return }
    slotCount = min(slotCount * 4, Self.maximumSlotCount)
    missesSinceGrowth = 0
    entries = Array(repeating: nil, count: slotCount)
    hashes = Array(repeating: 0, count: slotCount)
    seen = Array(repeating: 0, count: slotCount)
  }

  /// The parse of `text`, from the table when the same bytes were parsed before.
  func parse(_ text: ArraySlice<UInt8>) -> ParsedSymbolText {
    guard text.count <= Self.maximumTextLength else { return SymbolTextParser.parse(text, names: names) }
    let hash = Self.hash(text)
    let slot = Int(truncatingIfNeeded: hash >> 32) & (slotCount - 1)
    // Compared in place: binding the entry would copy it.
    if hashes[slot] == hash, case .some = entries[slot], Self.equal(entries[slot]!.text, text) {
      return entries[slot]!.parsed
    }
    let parsed = SymbolTextParser.parse(text, names: names)
    growIfBusy()
    // The table may have just grown: the slot is taken again from the hash.
    let home = Int(truncatingIfNeeded: hash >> 32) & (slotCount - 1)
    // A text is kept from its second sighting on: most texts that differ in an offset or an
    // address never come back, and keeping them would cost a copy of the key each.
    if seen[home] == hash {
      hashes[home] = hash
      entries[home] = Entry(text: Array(text), parsed: parsed)
    } else {
      seen[home] = hash
    }
    return parsed
  }

  private static func equal(_ first: [UInt8], _ second: ArraySlice<UInt8>) -> Bool {
    first.withUnsafeBytes { a in second.withUnsafeBytes { b in ByteHash.equal(a, b) } }
  }

  private static func hash(_ text: ArraySlice<UInt8>) -> UInt64 {
    text.withUnsafeBytes { ByteHash.hash($0) }
  }
}
