//===--- SymbolTextCache.swift - Each distinct symbol text parsed once ------===//
//
// The same symbol text comes back again and again: every thread of a Dr. Watson
// log passes through the same few functions, a batch repeats the same crash,
// and `(FPO: [2,0,2])` follows thousands of rows. Parsing a row's text builds
// its module, function and printed-text strings and its annotation array; a hit
// here hands back the first parse, whose storage the frames then share (a
// retain, not an allocation, and less memory for the report).
//
// Bounded: a fixed table of `slotCount` entries, direct-mapped on a hash of the
// bytes (a collision replaces the entry), and texts longer than
// `maximumTextLength` are parsed without being kept. Results are identical with
// or without the cache: an entry is used only when its bytes equal the text.
//
//===----------------------------------------------------------------------===//

/// Parses row symbol texts, reusing the result for a text seen before.
final class SymbolTextCache {
  /// Entries in the table (a power of two).
  static let slotCount = 2048
  /// Longer texts are parsed every time and never kept.
  static let maximumTextLength = 256

  private struct Entry {
    var text: [UInt8]
    var parsed: ParsedSymbolText
  }

  @exclusivity(unchecked) private var entries: [Entry?]

  /// An empty cache.
  init() {
    entries = Array(repeating: nil, count: Self.slotCount)
  }

  /// The parse of `text`, from the table when the same bytes were parsed before.
  func parse(_ text: [UInt8]) -> ParsedSymbolText {
    guard text.count <= Self.maximumTextLength else { return SymbolTextParser.parse(text) }
    let slot = Int(truncatingIfNeeded: Self.hash(text)) & (Self.slotCount - 1)
    // Compared in place: binding the entry would copy it.
    if case .some = entries[slot], entries[slot]!.text == text {
      return entries[slot]!.parsed
    }
    let parsed = SymbolTextParser.parse(text)
    entries[slot] = Entry(text: text, parsed: parsed)
    return parsed
  }

  /// FNV-1a over the bytes: cheap for short texts, and only picks a slot.
  private static func hash(_ text: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text {
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    return hash ^ (hash >> 29)
  }
}
