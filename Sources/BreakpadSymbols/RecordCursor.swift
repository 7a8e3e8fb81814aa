//===--- RecordCursor.swift - Fields of one symbol-file line, in place ------===//
//
// Reads the blank-separated fields of one line of a mapped symbol file without
// copying it. Numbers are parsed with overflow checks: a field that is not a
// number, or one too large for 64 bits, reads as nil.
//
//===----------------------------------------------------------------------===//

/// A cursor over the fields of one line in a mapped file.
struct RecordCursor {
  /// The whole file.
  let base: UnsafePointer<UInt8>
  /// Next byte to read (file offset).
  var position: Int
  /// End of the line (file offset, exclusive; no line break).
  let end: Int

  /// A cursor over `start..<end` of the file at `base`.
  init(base: UnsafePointer<UInt8>, start: Int, end: Int) {
    self.base = base
    self.position = start
    self.end = end
  }

  @inline(__always)
  private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

  /// Skips blanks.
  @inline(__always)
  mutating func skipBlanks() {
    while position < end && Self.isBlank(base[position]) { position += 1 }
  }

  /// The next field's byte range, or nil at the end of the line.
  @inline(__always)
  mutating func field() -> Range<Int>? {
    skipBlanks()
    let start = position
    while position < end && !Self.isBlank(base[position]) { position += 1 }
    return position > start ? start..<position : nil
  }

  /// Whether the next field is exactly `word` (consumed when it is).
  @inline(__always)
  mutating func take(_ word: StaticString) -> Bool {
    skipBlanks()
    let length = word.utf8CodeUnitCount
    guard end - position >= length else { return false }
    let pattern = word.utf8Start
    for index in 0..<length where base[position + index] != pattern[index] { return false }
    let after = position + length
    guard after == end || Self.isBlank(base[after]) else { return false }
    position = after
    return true
  }

  /// The next field as hexadecimal (no prefix, at most 16 digits), or nil. Read in the same
  /// pass that finds the field's end: the records of a symbol file are mostly numbers.
  @inline(__always)
  mutating func hex() -> UInt64? {
    skipBlanks()
    let start = position
    var value: UInt64 = 0
    while position < end {
      let byte = base[position]
      guard let digit = HexDigit.value(byte) else {
        if Self.isBlank(byte) { break }
        return nil
      }
      value = value << 4 | UInt64(digit)
      position += 1
    }
    let length = position - start
    return length > 0 && length <= 16 ? value : nil
  }

  /// The field at `range` as hexadecimal (no prefix, at most 16 digits), or nil.
  @inline(__always)
  func hex(_ range: Range<Int>) -> UInt64? {
    guard range.count <= 16 else { return nil }
    var value: UInt64 = 0
    for index in range {
      let byte = base[index]
      let digit: UInt8
      switch byte {
      case 0x30...0x39: digit = byte &- 0x30
      case 0x61...0x66: digit = byte &- 0x61 &+ 10
      case 0x41...0x46: digit = byte &- 0x41 &+ 10
      default: return nil
      }
      value = value << 4 | UInt64(digit)
    }
    return value
  }

  /// The next field as a non-negative decimal (at most 18 digits), or nil.
  @inline(__always)
  mutating func decimal() -> Int? {
    skipBlanks()
    let start = position
    var value = 0
    while position < end {
      let byte = base[position]
      if byte &- 0x30 < 10 {
        value = value &* 10 &+ Int(byte &- 0x30)
      } else if Self.isBlank(byte) {
        break
      } else {
        return nil
      }
      position += 1
    }
    let length = position - start
    return length > 0 && length <= 18 ? value : nil
  }

  /// The field at `range` as a non-negative decimal (at most 18 digits), or nil.
  @inline(__always)
  func decimal(_ range: Range<Int>) -> Int? {
    guard range.count <= 18 else { return nil }
    var value = 0
    for index in range {
      let byte = base[index]
      guard byte >= 0x30 && byte <= 0x39 else { return nil }
      value = value * 10 + Int(byte &- 0x30)
    }
    return value
  }

  /// The rest of the line after blanks, trailing blanks and CR removed; nil when empty.
  mutating func rest() -> Range<Int>? {
    skipBlanks()
    var last = end
    while last > position && (Self.isBlank(base[last - 1]) || base[last - 1] == 0x0D) { last -= 1 }
    defer { position = end }
    return last > position ? position..<last : nil
  }

  /// Whether only blanks (or a CR) remain.
  mutating func atEnd() -> Bool {
    skipBlanks()
    return position == end || (position == end - 1 && base[position] == 0x0D)
  }
}
