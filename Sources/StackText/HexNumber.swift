//===--- HexNumber.swift - Hex words as listings print them -----------------===//
//
// Listings print addresses as fixed-width hex words: 8 digits, or 16 in 64-bit
// aware debuggers. Blue screens mask digits (`8059XXXX`). Kernel debuggers and
// WinDbg also print `0x`-prefixed numbers of any width. Parsing is by bytes and
// never overflows: more than 16 significant digits is not a number.
//
//===----------------------------------------------------------------------===//

/// A fixed-width hex column: its value (nil when masked) and its digit count.
struct HexWord: Equatable {
  /// The value, or nil when the listing masked digits (`8059XXXX`).
  var value: UInt64?
  /// 8 or 16 (a byte, so that a row's words pack into 16 bytes each).
  private var digitCount: UInt8

  /// 8 or 16.
  var digits: Int { Int(digitCount) }

  /// A word of `digits` digits (at most 255) holding `value`.
  init(value: UInt64?, digits: Int) {
    self.value = value
    digitCount = UInt8(truncatingIfNeeded: digits)
  }
}

enum HexNumber {
  /// Parses a bare hex word of exactly 8 or 16 digits (masked `X` digits allowed
  /// in an 8-digit word when `allowMasked`).
  static func word(_ slice: some ByteCollection, allowMasked: Bool = true) -> HexWord? {
    let count = slice.count
    guard count == 8 || count == 16 else { return nil }
    var value: UInt64 = 0
    var masked = false
    for byte in slice {
      if let nibble = ASCII.hexValue(byte) {
        value = value << 4 | UInt64(nibble)
      } else if allowMasked && count == 8 && (byte == ASCII.upperX || byte == ASCII.lowerX) {
        masked = true
      } else {
        return nil
      }
    }
    if masked {
      // A fully masked or all-letter word is not a column (e.g. "XXXXXXXX" prose).
      guard slice.contains(where: ASCII.isHexDigit), ASCII.isHexDigit(slice[slice.startIndex]) else { return nil }
      return HexWord(value: nil, digits: count)
    }
    return HexWord(value: value, digits: count)
  }

  /// Parses a run of 1–16 hex digits with no prefix.
  static func digits(_ slice: some ByteCollection) -> UInt64? {
    guard !slice.isEmpty else { return nil }
    var value: UInt64 = 0
    var significant = 0
    for byte in slice {
      guard let nibble = ASCII.hexValue(byte) else { return nil }
      if significant > 0 || nibble != 0 { significant += 1 }
      guard significant <= 16 else { return nil }
      value = value << 4 | UInt64(nibble)
    }
    return value
  }

  /// Parses `0x…` (or `0X…`) followed by 1–16 hex digits.
  static func prefixed(_ slice: some ByteCollection) -> UInt64? {
    guard slice.count > 2, slice[slice.startIndex] == ASCII.zero,
      slice[slice.startIndex + 1] | 0x20 == ASCII.lowerX
    else { return nil }
    return digits(slice.dropFirst(2))
  }

  /// Parses either `0x…` or bare hex digits.
  static func prefixedOrBare(_ slice: some ByteCollection) -> UInt64? {
    prefixed(slice) ?? digits(slice)
  }

  /// Whether the slice is 1–3 hex digits: a frame number column (`00`, `0a`, `1f`).
  static func isFrameNumber(_ slice: some ByteCollection) -> Bool {
    (1...3).contains(slice.count) && slice.allSatisfy(ASCII.isHexDigit)
  }
}
