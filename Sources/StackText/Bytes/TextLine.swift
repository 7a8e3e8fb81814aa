//===--- TextLine.swift - A normalised line and its blank-separated tokens --===//
//
// The decoders' view of one input line: normalised bytes plus the ranges of its
// blank-separated tokens, both in memory the decoder owns (LineStorage) and
// refills for each line, so the hot path neither allocates nor counts references.
//
//===----------------------------------------------------------------------===//

import CLineScan

/// The bytes of a line, or of one of its tokens.
typealias ByteSlice = Slice<UnsafeBufferPointer<UInt8>>

/// Bytes indexed by `Int`: the tokens of a line (`ByteSlice`) and slices of text the
/// decoders assemble (`ArraySlice<UInt8>`). The byte helpers are generic over it and
/// specialised for each.
protocol ByteCollection: RandomAccessCollection where Element == UInt8, Index == Int, SubSequence: ByteCollection {}

extension Slice: ByteCollection where Base == UnsafeBufferPointer<UInt8> {}
extension ArraySlice: ByteCollection where Element == UInt8 {}
extension UnsafeBufferPointer: ByteCollection where Element == UInt8 {}

/// One normalised input line with its tokens: a view into a `LineStorage`, valid until that
/// storage is refilled. Copying a line copies a few words and never touches a reference
/// count, which matters because every recogniser receives the line.
struct TextLine {
  /// 1-based line number.
  var number = 0
  /// Byte offset of the raw line in the input.
  var offset = 0
  /// The normalised bytes (see `LineNormalizer`).
  var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
  /// Blank-separated tokens, as ranges of `bytes`.
  var tokens = UnsafeBufferPointer<Range<Int>>(start: nil, count: 0)
  /// What normalisation noticed.
  var flags: NormalizationFlags = []
  /// Whether the raw line was cut at the line-length limit.
  var wasTruncated = false
  /// Whether the input ended after this line without a line break.
  var endedWithoutNewline = false
  /// The first bytes of the tokens, as a set (`TokenLeads`): recognisers that need a token
  /// starting with a given letter skip the line without looking at its tokens.
  var tokenLeads = TokenLeads()
  /// The first bytes of the tokens that look like words, not hex numbers: one byte long, or
  /// the second or the third byte something other than a hex digit (`TokenLeads.startsWord`).
  /// Recognisers of words (`alpha`, `stop`, `fatal`) skip rows of hex columns on it.
  var wordLeads = TokenLeads()

  init() {}

  /// Whether the line has no tokens.
  var isBlank: Bool { tokens.isEmpty }

  /// The bytes of token `index`.
  func token(_ index: Int) -> ByteSlice { bytes[tokens[index]] }

  /// Token `index` as a String.
  func string(_ index: Int) -> String { String(decoding: bytes[tokens[index]], as: UTF8.self) }

  /// The line from token `index` to the end, as a String (internal blanks kept).
  func text(fromToken index: Int) -> String {
    guard index < tokens.count else { return "" }
    return String(decoding: bytes[tokens[index].lowerBound...], as: UTF8.self)
  }

  /// The bytes from token `index` to the end (empty past the last token).
  func bytes(fromToken index: Int) -> ByteSlice {
    guard index < tokens.count else { return bytes[bytes.count...] }
    return bytes[tokens[index].lowerBound...]
  }

  /// The line from token `from` through token `through`, as a String.
  func text(fromToken from: Int, throughToken through: Int) -> String {
    guard from <= through, through < tokens.count else { return "" }
    return String(decoding: bytes[tokens[from].lowerBound..<tokens[through].upperBound], as: UTF8.self)
  }

  /// The whole line without leading blanks.
  var trimmedText: String { text(fromToken: 0) }

  /// Byte index of the first token, or `bytes.count` for a blank line.
  var contentStart: Int { tokens.first?.lowerBound ?? bytes.count }

  /// Whether the line, from its first token, starts with `prefix` (ASCII, case-insensitive).
  /// Most lines differ in the first byte, so that is compared here, inline, before the rest.
  @inline(__always)
  func starts(with prefix: StaticString) -> Bool {
    guard let first = tokens.first else { return prefix.utf8CodeUnitCount == 0 }
    guard prefix.utf8CodeUnitCount > 0 else { return true }
    guard ASCII.lowercased(bytes[first.lowerBound]) == ASCII.lowercased(prefix.utf8Start[0]) else { return false }
    return Bytes.hasPrefix(bytes[first.lowerBound...], prefix)
  }

  /// Whether token `index` equals `word` (ASCII, case-insensitive).
  func tokenEquals(_ index: Int, _ word: StaticString) -> Bool {
    index < tokens.count && Bytes.equalsIgnoringCase(bytes[tokens[index]], word)
  }

  /// The index of the first token that starts with `prefix` (ASCII, case-insensitive).
  func firstToken(withPrefix prefix: StaticString) -> Int? {
    guard prefix.utf8CodeUnitCount > 0 else { return nil }
    let head = ASCII.lowercased(prefix.utf8Start[0])
    for (index, range) in tokens.enumerated() where ASCII.lowercased(bytes[range.lowerBound]) == head {
      if Bytes.hasPrefix(bytes[range], prefix) { return index }
    }
    return nil
  }

  /// Whether the line contains `needle` anywhere (ASCII, case-insensitive).
  func contains(_ needle: StaticString) -> Bool { Bytes.contains(bytes[...], needle) }

  /// Whether the line contains `byte` (memchr: recognisers use it to reject lines early).
  func contains(byte: UInt8) -> Bool {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
    return memchr(base, Int32(byte), bytes.count) != nil
  }

  /// The same line without its first `count` tokens (a header sharing its line with a row).
  func droppingTokens(_ count: Int) -> TextLine {
    var rest = self
    rest.tokens = UnsafeBufferPointer(rebasing: tokens[min(count, tokens.count)...])
    return rest
  }
}

/// A set of token lead bytes: a bit per letter (either case), one for `*`, one for anything else.
struct TokenLeads: Equatable {
  /// The bits.
  var bits: UInt32 = 0

  /// The bit for `byte`.
  @inline(__always)
  static func bit(_ byte: UInt8) -> UInt32 {
    let lower = byte | 0x20
    if lower >= 0x61 && lower <= 0x7A { return 1 << UInt32(lower - 0x61) }
    return byte == ASCII.star ? 1 << 26 : 1 << 27
  }

  /// Whether a token whose second and third bytes are these (a blank or control byte where
  /// the token is shorter) starts a word: a one-byte token, or a second byte that is not a hex
  /// digit, or a third one inside the token that is not (`fatal`, but not `fe` or `fe13f25a`).
  @inline(__always)
  static func startsWord(_ second: UInt8, _ third: UInt8) -> Bool {
    if second <= ASCII.space || second == 0x7F { return true }
    if !ASCII.isHexDigit(second) { return true }
    return third > ASCII.space && third != 0x7F && !ASCII.isHexDigit(third)
  }

  /// The set of the first bytes of `word`s.
  static func of(_ words: StaticString...) -> TokenLeads {
    TokenLeads(bits: words.reduce(0) { $0 | bit($1.utf8Start[0]) })
  }

  /// Whether some token starts with a byte of `other`.
  @inline(__always)
  func intersects(_ other: TokenLeads) -> Bool { bits & other.bits != 0 }
}

/// The memory behind `TextLine`s: normalised bytes and token ranges, allocated once and
/// grown when a longer line arrives (lines are bounded by the splitter's limit). A decoder
/// owns one for the current line and one for a line it holds back.
final class LineStorage {
  private var bytes: UnsafeMutablePointer<UInt8>
  private var byteCapacity: Int
  private var tokens: UnsafeMutablePointer<Range<Int>>
  private var tokenCapacity: Int

  init(capacity: Int = 512) {
    byteCapacity = max(16, capacity)
    tokenCapacity = byteCapacity / 2 + 1
    bytes = .allocate(capacity: byteCapacity)
    tokens = .allocate(capacity: tokenCapacity)
  }

  deinit {
    bytes.deallocate()
    tokens.deallocate()
  }

  /// Normalises and tokenises `raw` into this storage; the previous line's view is invalid after.
  func refill(from raw: RawLine) -> TextLine {
    var line = TextLine()
    refill(from: raw, into: &line)
    return line
  }

  /// Normalises and tokenises `raw` into this storage and `line` (the decoder's own line,
  /// written in place rather than built and copied).
  func refill(from raw: RawLine, into line: inout TextLine) {
    reserve(raw.bytes.count)
    line.number = raw.number
    line.offset = raw.offset
    line.wasTruncated = raw.wasTruncated
    line.endedWithoutNewline = raw.endedWithoutNewline
    // One pass (LineNormalizer's rules, in CLineScan): control bytes become blanks while the
    // bytes are copied, and the tokens and their lead bytes are found on the way.
    var count = 0
    var found = 0
    var leads: UInt32 = 0
    var wordLeads: UInt32 = 0
    var scanFlags: UInt32 = 0
    if let source = raw.bytes.baseAddress {
      let total = raw.bytes.count
      var from = 0
      var last = -1
      // A Dr. Watson raw stack dump line: its fixed first 59 bytes are tokenised by position.
      if total >= DumpLineLayout.length, DumpLineLayout.matches(source, count: total) {
        bytes.update(from: source, count: DumpLineLayout.length)
        let fixed = DumpLineLayout.writeTokens(of: source, to: tokens)
        found = DumpLineLayout.tokenCount
        leads = fixed.leads
        wordLeads = fixed.wordLeads
        last = DumpLineLayout.length - 1
        from = DumpLineLayout.length
      }
      // `reserve` left room for a token every other byte: pairs of offsets, as `Range<Int>` holds them.
      let scan = UnsafeMutableRawPointer(tokens).withMemoryRebound(to: Int64.self, capacity: 2 * tokenCapacity) { pairs in
        line_scan(source, Int64(total), Int64(from), Int64(last), bytes, pairs, Int64(found))
      }
      count = Int(scan.count)
      found = Int(scan.tokenCount)
      leads |= scan.leads
      wordLeads |= scan.wordLeads
      scanFlags = scan.flags
    }
    // The scan's NUL, pasted and escape bits are the flags' own (NormalizationFlags keeps their
    // values); its markup bit only says decoding must look.
    line.flags = NormalizationFlags(rawValue: UInt8(truncatingIfNeeded: scanFlags & Self.flagsKeptAsTheyAre))
    if scanFlags & UInt32(LINE_SCAN_MAY_HAVE_MARKUP) != 0 {
      // Rare: entities and tags are decoded in place, then the line is tokenised again.
      let decoded = LineNormalizer.decodeMarkup(in: UnsafeMutableBufferPointer(start: bytes, count: count))
      if decoded.changed { line.flags.insert(.hadMarkup) }
      count = decoded.count
      while count > 0 && bytes[count - 1] == ASCII.space { count -= 1 }
      leads = 0
      wordLeads = 0
      found = tokenize(count, leads: &leads, wordLeads: &wordLeads)
    }
    line.bytes = UnsafeBufferPointer(start: bytes, count: count)
    line.tokens = UnsafeBufferPointer(start: tokens, count: found)
    line.tokenLeads = TokenLeads(bits: leads)
    line.wordLeads = TokenLeads(bits: wordLeads)
  }


  /// The scan's flags that are `NormalizationFlags`' of the same value.
  private static let flagsKeptAsTheyAre = UInt32(LINE_SCAN_HAD_NUL | LINE_SCAN_MAY_BE_PASTED | LINE_SCAN_HAD_ESCAPE)

  /// A copy of `line` in this storage (for a line held back past the next refill).
  func copy(of line: TextLine) -> TextLine {
    reserve(line.bytes.count)
    if let base = line.bytes.baseAddress { bytes.update(from: base, count: line.bytes.count) }
    if line.tokens.count > tokenCapacity { grow(bytes: byteCapacity, tokens: line.tokens.count) }
    if let base = line.tokens.baseAddress { tokens.update(from: base, count: line.tokens.count) }
    var copy = line
    copy.bytes = UnsafeBufferPointer(start: bytes, count: line.bytes.count)
    copy.tokens = UnsafeBufferPointer(start: tokens, count: line.tokens.count)
    return copy
  }

  private func reserve(_ count: Int) {
    if count > byteCapacity { grow(bytes: count, tokens: count / 2 + 1) }
  }

  private func grow(bytes newBytes: Int, tokens newTokens: Int) {
    if newBytes > byteCapacity {
      bytes.deallocate()
      byteCapacity = max(newBytes, byteCapacity * 2)
      bytes = .allocate(capacity: byteCapacity)
    }
    if newTokens > tokenCapacity {
      tokens.deallocate()
      tokenCapacity = max(newTokens, tokenCapacity * 2)
      tokens = .allocate(capacity: tokenCapacity)
    }
  }

  /// Writes the blank-separated token ranges of the first `count` bytes; returns how many,
  /// and collects the tokens' lead bytes in `leads`.
  private func tokenize(_ count: Int, leads: inout UInt32, wordLeads: inout UInt32) -> Int {
    var found = 0
    var index = 0
    while index < count {
      while index < count && bytes[index] == ASCII.space { index += 1 }
      let start = index
      while index < count && bytes[index] != ASCII.space { index += 1 }
      if index > start {
        tokens[found] = start..<index
        let bit = TokenLeads.bit(bytes[start])
        leads |= bit
        let second = index - start > 1 ? bytes[start + 1] : ASCII.space
        let third = index - start > 2 ? bytes[start + 2] : ASCII.space
        if TokenLeads.startsWord(second, third) { wordLeads |= bit }
        found += 1
      }
    }
    return found
  }
}

/// Byte-slice helpers shared by the recognisers. Needles are `StaticString`s:
/// their bytes are read in place, so the helpers never allocate on the hot path.
enum Bytes {
  /// Whether `slice` starts with `prefix`, ignoring ASCII case.
  @inline(__always)
  static func hasPrefix(_ slice: some ByteCollection, _ prefix: StaticString) -> Bool {
    let count = prefix.utf8CodeUnitCount
    guard slice.count >= count else { return false }
    let pattern = prefix.utf8Start
    var index = slice.startIndex
    for offset in 0..<count {
      guard ASCII.lowercased(slice[index]) == ASCII.lowercased(pattern[offset]) else { return false }
      index += 1
    }
    return true
  }

  /// Whether `slice` ends with `suffix`, ignoring ASCII case.
  static func hasSuffix(_ slice: some ByteCollection, _ suffix: StaticString) -> Bool {
    let count = suffix.utf8CodeUnitCount
    guard slice.count >= count else { return false }
    return hasPrefix(slice[(slice.endIndex - count)...], suffix)
  }

  /// Whether `slice` equals `word`, ignoring ASCII case.
  static func equalsIgnoringCase(_ slice: some ByteCollection, _ word: StaticString) -> Bool {
    slice.count == word.utf8CodeUnitCount && hasPrefix(slice, word)
  }

  /// Whether `slice` contains `needle`, ignoring ASCII case.
  static func contains(_ slice: some ByteCollection, _ needle: StaticString) -> Bool {
    firstIndex(of: needle, in: slice) != nil
  }

  /// The index where `needle` starts in `slice`, ignoring ASCII case.
  static func firstIndex(of needle: StaticString, in slice: some ByteCollection) -> Int? {
    let count = needle.utf8CodeUnitCount
    guard count > 0, slice.count >= count else { return nil }
    let pattern = needle.utf8Start
    let first = ASCII.lowercased(pattern[0])
    // A letter is matched in either case by folding the 0x20 bit (exact for letters), which
    // needs no branch per byte as lower-casing does; any other byte is matched as it is.
    let fold: UInt8 = ASCII.isLetter(first) ? 0x20 : 0
    var index = slice.startIndex
    let last = slice.endIndex - count
    while index <= last {
      if slice[index] | fold == first {
        var offset = 1
        while offset < count && ASCII.lowercased(slice[index + offset]) == ASCII.lowercased(pattern[offset]) {
          offset += 1
        }
        if offset == count { return index }
      }
      index += 1
    }
    return nil
  }

  /// `slice` as a String (invalid UTF-8 replaced).
  static func string(_ slice: some ByteCollection) -> String { String(decoding: slice, as: UTF8.self) }

  /// `slice` without leading and trailing blanks.
  static func trimmingBlanks<Bytes: ByteCollection>(_ slice: Bytes) -> Bytes.SubSequence {
    var start = slice.startIndex
    var end = slice.endIndex
    while start < end && slice[start] == ASCII.space { start += 1 }
    while end > start && slice[end - 1] == ASCII.space { end -= 1 }
    return slice[start..<end]
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
