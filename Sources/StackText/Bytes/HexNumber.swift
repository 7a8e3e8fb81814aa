//===--- HexNumber.swift - Hex words as listings print them -----------------===//
//
// Listings print addresses as fixed-width hex words: 8 digits, or 16 in 64-bit
// aware debuggers, which since Windows Server 2003 split them with a backtick
// (`fffff880`009f6578`, 17 bytes). Blue screens mask digits (`8059XXXX`);
// WinDbg prints `--------`--------` where an inline frame has no value. Kernel debuggers and
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
  /// Parses a bare hex word of exactly 8 or 16 digits (masked `X` digits allowed in an
  /// 8-digit word when `allowMasked`). Tokens of a line (the common case) are read eight
  /// digits at a time (`HexSWAR`).
  static func word(_ slice: ByteSlice, allowMasked: Bool = true) -> HexWord? {
    let count = slice.count
    if count == 8, let value = HexSWAR.eightDigits(slice, from: slice.startIndex) {
      return HexWord(value: value, digits: 8)
    }
    if count == 16, let high = HexSWAR.eightDigits(slice, from: slice.startIndex),
      let low = HexSWAR.eightDigits(slice, from: slice.startIndex + 8)
    {
      return HexWord(value: high << 32 | low, digits: 16)
    }
    if count == 17, slice[slice.startIndex + 8] == ASCII.backtick, let high = HexSWAR.eightDigits(slice, from: slice.startIndex),
      let low = HexSWAR.eightDigits(slice, from: slice.startIndex + 9)
    {
      return HexWord(value: high << 32 | low, digits: 16)
    }
    return genericWord(slice, allowMasked: allowMasked)
  }

  /// Parses a bare hex word of exactly 8 or 16 digits (masked `X` digits allowed
  /// in an 8-digit word when `allowMasked`).
  static func word(_ slice: some ByteCollection, allowMasked: Bool = true) -> HexWord? {
    genericWord(slice, allowMasked: allowMasked)
  }

  private static func genericWord(_ slice: some ByteCollection, allowMasked: Bool) -> HexWord? {
    let count = slice.count
    if count == 17 { return backtickWord(slice) }
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

  /// `xxxxxxxx`xxxxxxxx`: a 64-bit word as WinDbg prints it; `--------`--------` (no value).
  private static func backtickWord(_ slice: some ByteCollection) -> HexWord? {
    let start = slice.startIndex
    guard slice[start + 8] == ASCII.backtick else { return nil }
    if slice.allSatisfy({ $0 == ASCII.minus || $0 == ASCII.backtick }) { return HexWord(value: nil, digits: 16) }
    guard let high = genericDigits(slice[start..<(start + 8)]), let low = genericDigits(slice[(start + 9)...]),
      slice[start..<(start + 8)].allSatisfy(ASCII.isHexDigit), slice[(start + 9)...].allSatisfy(ASCII.isHexDigit)
    else { return nil }
    return HexWord(value: high << 32 | low, digits: 16)
  }

  /// Whether the slice is the placeholder WinDbg prints for an inline frame's columns:
  /// `--------` or `--------`--------`.
  static func isInlinePlaceholder(_ slice: some ByteCollection) -> Bool {
    (slice.count == 8 || slice.count == 17) && slice.first == ASCII.minus
      && slice.allSatisfy({ $0 == ASCII.minus || $0 == ASCII.backtick })
  }

  /// Parses a run of 1–16 hex digits with no prefix; 8 digits of a line are read at once.
  static func digits(_ slice: ByteSlice) -> UInt64? {
    if slice.count == 8, let value = HexSWAR.eightDigits(slice, from: slice.startIndex) { return value }
    return genericDigits(slice)
  }

  /// Parses a run of 1–16 hex digits with no prefix.
  static func digits(_ slice: some ByteCollection) -> UInt64? { genericDigits(slice) }

  private static func genericDigits(_ slice: some ByteCollection) -> UInt64? {
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

  /// The widest frame number (`kn` prints two hex digits and widens them as needed:
  /// `6dca` in a deep recursion).
  static let maximumFrameNumberDigits = 6

  /// Whether the slice is 1–6 hex digits: a frame number column (`00`, `0a`, `1f`, `6dca`).
  static func isFrameNumber(_ slice: some ByteCollection) -> Bool {
    (1...maximumFrameNumberDigits).contains(slice.count) && slice.allSatisfy(ASCII.isHexDigit)
  }
}

/// Eight ASCII hex digits checked and converted in a few 64-bit operations instead of a
/// branch per digit (SIMD within a register). Rows, register dumps and raw stack dumps
/// are mostly 8-digit words, so this is the decoder's innermost loop.
enum HexSWAR {
  private static let ones: UInt64 = 0x0101_0101_0101_0101
  private static let highBits: UInt64 = 0x8080_8080_8080_8080

  /// The value of the 8 hex digits at `slice[start..<start + 8]` (which must be in
  /// bounds), or nil when any byte is not a hex digit.
  @inline(__always)
  static func eightDigits(_ slice: ByteSlice, from start: Int) -> UInt64? {
    guard let base = slice.base.baseAddress else { return nil }
    // Little-endian load: the first (most significant) digit is the lowest byte.
    return eightDigits(inWord: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self).littleEndian)
  }

  /// The value of eight hex digits held in a word (the first digit in the lowest byte), or
  /// nil when any byte is not a hex digit.
  @inline(__always)
  static func eightDigits(inWord bytes: UInt64) -> UInt64? {
    guard isAllHex(bytes) else { return nil }
    // Digits are 0x30–0x39 (bit 6 clear), letters 0x41–0x46 or 0x61–0x66 (bit 6 set):
    // the nibble is the low four bits, plus 9 for a letter.
    let nibbles = (bytes & (0x0F &* ones)) &+ ((bytes >> 6) & ones) &* 9
    // Pack nibble pairs into bytes, byte pairs into 16 bits, then the two halves.
    let pairs = (nibbles & 0x00FF_00FF_00FF_00FF) << 4 | (nibbles >> 8) & 0x00FF_00FF_00FF_00FF
    let quads = (pairs & 0x0000_FFFF_0000_FFFF) << 8 | (pairs >> 16) & 0x0000_FFFF_0000_FFFF
    return (quads & 0xFFFF) << 16 | (quads >> 32) & 0xFFFF
  }

  /// Whether all eight bytes are ASCII hex digits.
  @inline(__always)
  static func isAllHex(_ bytes: UInt64) -> Bool {
    guard bytes & highBits == 0 else { return false }
    let digits = atLeast(bytes, 0x30) & ~atLeast(bytes, 0x3A)
    let lower = bytes | (0x20 &* ones)
    let letters = atLeast(lower, 0x61) & ~atLeast(lower, 0x67)
    return (digits | letters) & highBits == highBits
  }

  /// The high bit of each byte set where that byte (below 0x80) is at least `limit`.
  @inline(__always)
  private static func atLeast(_ bytes: UInt64, _ limit: UInt64) -> UInt64 {
    ((bytes | highBits) &- limit &* ones) & highBits
  }
}
