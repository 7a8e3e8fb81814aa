//===--- ASCII.swift - Byte classification for the text decoders ------------===//
//
// The decoders work on bytes, not Characters: the listings are ASCII, inputs may
// be any encoding, and the throughput target (≥ 200 MB/s) rules out per-line
// String work. Everything here is a pure function of one byte.
//
//===----------------------------------------------------------------------===//

enum ASCII {
  static let space: UInt8 = 0x20
  static let tab: UInt8 = 0x09
  static let newline: UInt8 = 0x0A
  static let carriageReturn: UInt8 = 0x0D
  static let colon: UInt8 = 0x3A
  static let bang: UInt8 = 0x21
  static let plus: UInt8 = 0x2B
  static let minus: UInt8 = 0x2D
  static let backtick: UInt8 = 0x60
  static let equals: UInt8 = 0x3D
  static let openParen: UInt8 = 0x28
  static let closeParen: UInt8 = 0x29
  static let openBracket: UInt8 = 0x5B
  static let closeBracket: UInt8 = 0x5D
  static let openBrace: UInt8 = 0x7B
  static let closeBrace: UInt8 = 0x7D
  static let lessThan: UInt8 = 0x3C
  static let greaterThan: UInt8 = 0x3E
  static let ampersand: UInt8 = 0x26
  static let semicolon: UInt8 = 0x3B
  static let hash: UInt8 = 0x23
  static let comma: UInt8 = 0x2C
  static let period: UInt8 = 0x2E
  static let star: UInt8 = 0x2A
  static let at: UInt8 = 0x40
  static let question: UInt8 = 0x3F
  static let underscore: UInt8 = 0x5F
  static let tilde: UInt8 = 0x7E
  static let dollar: UInt8 = 0x24
  static let slash: UInt8 = 0x2F
  static let backslash: UInt8 = 0x5C
  static let zero: UInt8 = 0x30
  static let lowerX: UInt8 = 0x78
  static let upperX: UInt8 = 0x58

  /// The value of a hex digit, or nil.
  @inline(__always)
  static func hexValue(_ byte: UInt8) -> UInt8? {
    // Digit or letter is chosen without a branch: the digits of dumped data are random, and
    // a branch on which kind each is guesses wrong a third of the time.
    let digit = byte &- 0x30
    let letter = (byte | 0x20) &- 0x61
    let value = digit < 10 ? digit : letter &+ 10
    return digit < 10 || letter < 6 ? value : nil
  }

  @inline(__always)
  static func isHexDigit(_ byte: UInt8) -> Bool { (byte &- 0x30 < 10) || ((byte | 0x20) &- 0x61 < 6) }

  @inline(__always)
  static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  @inline(__always)
  static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

  @inline(__always)
  static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }

  /// Letters, digits and `_`: the characters of a plain identifier.
  @inline(__always)
  static func isIdentifier(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == underscore }

  @inline(__always)
  static func lowercased(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
  }

  /// Whether the byte is blank in a normalised line (only spaces remain).
  @inline(__always)
  static func isBlank(_ byte: UInt8) -> Bool { byte == space }
}
