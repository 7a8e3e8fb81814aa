//===--- LineScan.swift - One pass over a pasted line -------------------------===//
//
// What `PastedLine.clean` decides a line on, found in one pass eight bytes at
// a time with no branch per byte: whether it holds a non-ASCII byte (web
// typography may be in it) and a backslash (a markdown escape may be).
//
// Each 8-byte word is tested whole: its high bits are OR-ed in as they are; a
// byte equal to `c` is a zero byte of `word ^ cccccccc`, found exactly by
// `~(((y & 7f..) + 7f..) | y | 7f..)`, which sets 0x80 in each zero byte and
// nowhere else (no carry crosses a byte). The last partial word is read
// overlapping the one before and shifted down past the bytes already seen.
//
//===----------------------------------------------------------------------===//

/// What one pass over a line found.
struct LineScan {
  /// A byte of 0x80 or more.
  private(set) var hasHighByte = false
  /// A `\`.
  private(set) var hasBackslash = false

  private static let lowBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
  private static let highBits: UInt64 = 0x8080_8080_8080_8080
  private static let backslashes: UInt64 = 0x5C5C_5C5C_5C5C_5C5C

  /// Scans `line`.
  @inline(__always)
  init(_ line: UnsafeBufferPointer<UInt8>) {
    guard let base = line.baseAddress else { return }
    let count = line.count
    guard count >= 8 else {
      for byte in line {
        hasHighByte = hasHighByte || byte >= 0x80
        hasBackslash = hasBackslash || byte == ASCII.backslash
      }
      return
    }
    var high: UInt64 = 0
    var backslash: UInt64 = 0
    var index = 0
    while index + 8 <= count {
      let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
      high |= word
      backslash |= Self.bytesEqual(word, Self.backslashes)
      index += 8
    }
    let rest = count - index
    if rest > 0 {
      // The last eight bytes, the first `8 - rest` of them (seen already, the low bytes of a
      // little-endian load) shifted out; the zero bytes shifted in match no byte tested for.
      let word = UnsafeRawPointer(base + count - 8).loadUnaligned(as: UInt64.self).littleEndian >> UInt64((8 - rest) * 8)
      high |= word
      backslash |= Self.bytesEqual(word, Self.backslashes)
    }
    hasHighByte = high & Self.highBits != 0
    hasBackslash = backslash != 0
  }

  /// 0x80 in each byte of `word` equal to the byte repeated in `pattern`, 0 elsewhere.
  @inline(__always)
  private static func bytesEqual(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
    let difference = word ^ pattern
    return ~(((difference & lowBits) &+ lowBits) | difference | lowBits)
  }
}
