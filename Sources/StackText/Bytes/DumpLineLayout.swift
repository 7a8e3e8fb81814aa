//===--- DumpLineLayout.swift - Dr. Watson's raw stack dump line, by position ===//
//
// Most of a drwtsn32.log is its raw stack dumps, a line per 16 bytes of stack:
//
//   0012f8c8  fe 2f 2f 0e 7c 29 2e 0e - 00 00 00 00 ec f8 10 0d  ./..|)..........
//   0         10                      34 36                     59
//
// Tokenised a byte at a time, each such line is 34 tokens. Its first 59 bytes,
// though, are always the same shape: an 8-digit address, two blanks, eight pairs
// of hex digits, ` - `, eight more pairs. The line normaliser checks that shape
// here and writes those 18 tokens by position, then reads the rest of the line
// (the ASCII column) as usual. The result is exactly the tokenising loop's: the
// shape is checked byte by byte, and any line that differs anywhere in those 59
// bytes, or goes on without a blank after them, takes the loop.
//
//===----------------------------------------------------------------------===//

enum DumpLineLayout {
  /// The bytes of the fixed part: the address, the 16 pairs and the dash.
  static let length = 59
  /// Tokens in the fixed part.
  static let tokenCount = 18

  /// Where pair `index` (0–15) starts, counted from the first pair.
  @inline(__always)
  static func pairOffset(_ index: Int) -> Int { index < 8 ? 3 * index : 26 + 3 * (index - 8) }

  /// Where pair `index` (0–15) starts in the line.
  @inline(__always)
  static func pairStart(_ index: Int) -> Int { 10 + pairOffset(index) }

  /// The digits of pairs `4 × group` to `4 × group + 3` gathered into one word, first digit
  /// in the lowest byte (as `HexSWAR` reads eight digits); `firstPair` points at pair 0.
  @inline(__always)
  static func pairDigits(_ firstPair: UnsafePointer<UInt8>, group: Int) -> UInt64 {
    var word: UInt64 = 0
    for pair in 0..<4 {
      let digits = UnsafeRawPointer(firstPair + pairOffset(group * 4 + pair)).loadUnaligned(as: UInt16.self).littleEndian
      word |= UInt64(digits) << UInt64(16 * pair)
    }
    return word
  }

  /// Whether the `count` bytes at `bytes` start with the fixed part, followed by a blank or
  /// by nothing: that is, whether the tokenising loop would find exactly `tokens` there.
  static func matches(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
    guard count >= length, count == length || bytes[length] == ASCII.space else { return false }
    guard bytes[8] == ASCII.space, bytes[9] == ASCII.space, bytes[33] == ASCII.space, bytes[34] == ASCII.minus,
      bytes[35] == ASCII.space
    else { return false }
    // The blank after each pair but the last of each half (those are checked above).
    for index in 0..<16 where index != 7 && index != 15 {
      guard bytes[pairStart(index) + 2] == ASCII.space else { return false }
    }
    // The address and the pairs are hex digits: eight digits to a word (`HexSWAR`).
    guard HexSWAR.isAllHex(UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self).littleEndian) else { return false }
    for group in 0..<4 where !HexSWAR.isAllHex(pairDigits(bytes + pairStart(0), group: group)) {
      return false
    }
    return true
  }

  /// Writes the fixed part's token ranges to `tokens` (room for `tokenCount`) and returns the
  /// lead sets the tokenising loop would have collected for them: every token's first byte,
  /// and as a word lead only the dash (a one-byte token; the others are hex digits throughout).
  static func writeTokens(
    of bytes: UnsafePointer<UInt8>, to tokens: UnsafeMutablePointer<Range<Int>>
  ) -> (leads: UInt32, wordLeads: UInt32) {
    tokens[0] = 0..<8
    var letters = hexLetterBit(bytes[0])
    for index in 0..<16 {
      let start = pairStart(index)
      tokens[index < 8 ? index + 1 : index + 2] = start..<(start + 2)
      letters |= hexLetterBit(bytes[start])
    }
    tokens[9] = 34..<35
    // The dash, and any digit, lead with `TokenLeads`' "other" bit.
    let other = TokenLeads.bit(ASCII.minus)
    return (letters | other, other)
  }

  /// `TokenLeads.bit` of a hex letter, 0 for a decimal digit (which the dash's bit covers),
  /// computed without a branch: the digits are random, and a branch on letter-or-digit
  /// guesses wrong a third of the time. `digit` must be a hex digit.
  @inline(__always)
  private static func hexLetterBit(_ digit: UInt8) -> UInt32 {
    // Letters have 0x40 set and `a`/`A` … `f`/`F` end in 1 … 6; digits have 0x40 clear.
    UInt32((digit >> 6) & 1) &<< UInt32((digit & 7) &- 1)
  }
}
