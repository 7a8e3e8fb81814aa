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
// Offsets: kd and WinDbg rows print `module!function+0x1a2` and the offset differs
// from row to row even where the function does not. A text whose location is
// exactly that (lower-case hex without leading zeros, then nothing or annotations)
// is kept under its bytes without the offset digits, and a hit gets this text's
// offset put in: the parse of the rest does not depend on the digits, and the
// printed text is still rendered from the parts (`FrameSymbol.printsAsLocation`).
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

  /// A kept parse. A class, so that looking at an entry reads a reference instead of copying
  /// the entry out of the table.
  private final class Entry {
    /// The text, or for an offset-free entry the text without its offset digits.
    let text: [UInt8]
    /// Whether `text` stands for every offset (see `canonicalOffset(in:)`).
    let isOffsetFree: Bool
    let parsed: ParsedSymbolText

    init(text: [UInt8], isOffsetFree: Bool, parsed: ParsedSymbolText) {
      self.text = text
      self.isOffsetFree = isOffsetFree
      self.parsed = parsed
    }
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
    return text.withUnsafeBytes { bytes in
      guard let offset = Self.canonicalOffset(in: text) else {
        return lookUp(key: bytes, UnsafeRawBufferPointer(rebasing: bytes[bytes.count...]), text: text, offset: nil)
      }
      // The key is the text around the offset digits, read in place (no key is built).
      let digits = (offset.digits.lowerBound - text.startIndex)..<(offset.digits.upperBound - text.startIndex)
      return lookUp(
        key: UnsafeRawBufferPointer(rebasing: bytes[..<digits.lowerBound]),
        UnsafeRawBufferPointer(rebasing: bytes[digits.upperBound...]), text: text, offset: offset.value)
    }
  }

  /// Looks up the key made of `first` and `second` (the text, or for an offset-free key the
  /// text around its offset digits, `offset` being their value); on a miss parses `text`.
  /// An offset-free entry may come from another offset: this text's goes in, and the
  /// printed text, rendered from the parts, follows it.
  private func lookUp(
    key first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, text: ArraySlice<UInt8>, offset: UInt64?
  ) -> ParsedSymbolText {
    let isOffsetFree = offset != nil
    let hash = (ByteHash.hash(first) &* 31 &+ ByteHash.hash(second)) ^ (isOffsetFree ? 0x5851_F42D_4C95_7F2D : 0)
    let slot = Int(truncatingIfNeeded: hash >> 32) & (slotCount - 1)
    if hashes[slot] == hash, let entry = entries[slot], entry.isOffsetFree == isOffsetFree,
      Self.equal(entry.text, first, second)
    {
      guard let offset else { return entry.parsed }
      // The one copy of the entry's parse, changed in place and moved out.
      var parsed = entry.parsed
      parsed.symbol?.replaceOffsetOfPrintedLocation(with: offset)
      return parsed
    }
    let parsed = SymbolTextParser.parse(text, names: names)
    // An offset-free entry must render its printed text from the parts, or another offset
    // would print this one's digits.
    if isOffsetFree && parsed.symbol?.printsAsLocation != true { return parsed }
    growIfBusy()
    // The table may have just grown: the slot is taken again from the hash.
    let home = Int(truncatingIfNeeded: hash >> 32) & (slotCount - 1)
    // A text is kept from its second sighting on: most texts that differ in an address
    // never come back, and keeping them would cost a copy of the key each.
    if seen[home] == hash {
      hashes[home] = hash
      entries[home] = Entry(text: Array(first) + Array(second), isOffsetFree: isOffsetFree, parsed: parsed)
    } else {
      seen[home] = hash
    }
    return parsed
  }

  /// The digits and value of the offset when `text` starts with `module!function+0x…`
  /// exactly as `FrameSymbol` renders it (lower-case hex, no leading zeros, at most 16
  /// digits), followed by nothing or by annotations (`(` or `[` after blanks): the texts
  /// whose parse differs from another offset's only in the offset.
  static func canonicalOffset(in text: ArraySlice<UInt8>) -> (digits: Range<Int>, value: UInt64)? {
    var end = text.startIndex
    var bang: Int?
    var plus: Int?
    while end < text.endIndex {
      let byte = text[end]
      if byte == ASCII.space { break }
      if byte == ASCII.bang {
        if bang == nil { bang = end }
      } else if byte == ASCII.plus {
        plus = end
      } else if byte == ASCII.openParen || byte == ASCII.openBracket || byte == ASCII.lessThan {
        return nil
      }
      end += 1
    }
    guard let bang, bang > text.startIndex, let plus, plus > bang + 1, plus + 3 < end,
      text[plus + 1] == ASCII.zero, text[plus + 2] == ASCII.lowerX
    else { return nil }
    let digits = (plus + 3)..<end
    guard digits.count <= 16, digits.count == 1 || text[digits.lowerBound] != ASCII.zero else { return nil }
    var value: UInt64 = 0
    for index in digits {
      let byte = text[index]
      if byte >= ASCII.zero && byte <= 0x39 {
        value = value << 4 | UInt64(byte - ASCII.zero)
      } else if byte >= 0x61 && byte <= 0x66 {
        value = value << 4 | UInt64(byte - 0x61 + 10)
      } else {
        return nil
      }
    }
    var next = end
    while next < text.endIndex && text[next] == ASCII.space { next += 1 }
    guard next == text.endIndex || text[next] == ASCII.openParen || text[next] == ASCII.openBracket else {
      return nil
    }
    return (digits, value)
  }

  /// Whether `key` holds the bytes of `first` followed by those of `second`.
  private static func equal(_ key: [UInt8], _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Bool {
    guard key.count == first.count + second.count else { return false }
    return key.withUnsafeBytes { stored in
      ByteHash.equal(UnsafeRawBufferPointer(rebasing: stored[..<first.count]), first)
        && ByteHash.equal(UnsafeRawBufferPointer(rebasing: stored[first.count...]), second)
    }
  }
}
