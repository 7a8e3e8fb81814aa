//===--- IntegerText.swift - Integers as text without the generic path -------===//
//
// `String(value, radix:)`, `String(value)` and `"\(value)"` for an integer go
// through the standard library's generic `BinaryInteger._description(radix:
// uppercase:)`, which asks the integer's conformances for its width, sign and
// magnitude through witness tables: code in five 64 KiB windows of the standard
// library's one code section, which every run that formats a number then maps
// (docs/performance.md, "Without libm"). These concrete overloads, seen by this
// package's modules only, are the ones overload resolution picks for the
// fixed-width integer types there; they write the digits directly and give the
// standard library's text.
//
//===----------------------------------------------------------------------===//

/// Integers as text, digit by digit.
package enum IntegerText {
  /// `magnitude` in `radix` (2 to 36), lower- or upper-case letters past 9, at least
  /// `minimumDigits` digits (zeros in front), after a `-` when `negative`.
  package static func text(
    negative: Bool, magnitude: UInt64, radix: Int = 10, uppercase: Bool = false, minimumDigits: Int = 1
  ) -> String {
    precondition(radix >= 2 && radix <= 36, "radix must be between 2 and 36")
    let base = UInt64(truncatingIfNeeded: radix)
    var digits = 1
    var rest = magnitude / base
    while rest != 0 {
      digits += 1
      rest /= base
    }
    let padded = digits > minimumDigits ? digits : minimumDigits
    let length = padded + (negative ? 1 : 0)
    let letterBase: UInt8 = uppercase ? 55 : 87  // "A" or "a" less 10
    return String(unsafeUninitializedCapacity: length) { buffer in
      var value = magnitude
      var index = length
      while index > (negative ? 1 : 0) {
        index -= 1
        let digit = UInt8(truncatingIfNeeded: value % base)
        buffer[index] = digit < 10 ? 48 + digit : letterBase + digit
        value /= base
      }
      if negative { buffer[0] = 45 }  // "-"
      return length
    }
  }

  /// A signed value's text.
  package static func text(_ value: Int64, radix: Int = 10, uppercase: Bool = false) -> String {
    text(negative: value < 0, magnitude: value.magnitude, radix: radix, uppercase: uppercase)
  }

  /// An unsigned value's text.
  package static func text(_ value: UInt64, radix: Int = 10, uppercase: Bool = false) -> String {
    text(negative: false, magnitude: value, radix: radix, uppercase: uppercase)
  }
}

extension String {
  /// `value` in `radix`, as the standard library writes it.
  package init(_ value: Int, radix: Int = 10, uppercase: Bool = false) {
    self = IntegerText.text(Int64(value), radix: radix, uppercase: uppercase)
  }
  /// `value` in `radix`, as the standard library writes it.
  package init(_ value: Int64, radix: Int = 10, uppercase: Bool = false) {
    self = IntegerText.text(value, radix: radix, uppercase: uppercase)
  }
  /// `value` in `radix`, as the standard library writes it.
  package init(_ value: Int32, radix: Int = 10, uppercase: Bool = false) {
    self = IntegerText.text(Int64(value), radix: radix, uppercase: uppercase)
  }
  /// `value` in `radix`, as the standard library writes it.
  package init(_ value: Int16, radix: Int = 10, uppercase: Bool = false) {
    self = IntegerText.text(Int64(value), radix: radix, uppercase: uppercase)
  }
  /// `value` in `radix`, as the standard library writes it.
  package init(_ value: Int8, radix: Int = 10, uppercase: Bool = false) {
    self = IntegerText.text(Int64(value), radix: radix, uppercase: uppercase)
  }
  /// `value` in `radix`, as the standard library writes it.
  package init(_ value: UInt, radix: Int = 10, uppercase: Bool = false) {
    self = IntegerText.text(UInt64(value), radix: radix, uppercase: uppercase)
  }
  /// `value` in `radix`, as the standard library writes it.
  package init(_ value: UInt64, radix: Int = 10, uppercase: Bool = false) {
    self = IntegerText.text(value, radix: radix, uppercase: uppercase)
  }
  /// `value` in `radix`, as the standard library writes it.
  package init(_ value: UInt32, radix: Int = 10, uppercase: Bool = false) {
    self = IntegerText.text(UInt64(value), radix: radix, uppercase: uppercase)
  }
  /// `value` in `radix`, as the standard library writes it.
  package init(_ value: UInt16, radix: Int = 10, uppercase: Bool = false) {
    self = IntegerText.text(UInt64(value), radix: radix, uppercase: uppercase)
  }
  /// `value` in `radix`, as the standard library writes it.
  package init(_ value: UInt8, radix: Int = 10, uppercase: Bool = false) {
    self = IntegerText.text(UInt64(value), radix: radix, uppercase: uppercase)
  }
}

extension DefaultStringInterpolation {
  /// `value` in decimal.
  package mutating func appendInterpolation(_ value: Int) { appendLiteral(IntegerText.text(Int64(value))) }
  /// `value` in decimal.
  package mutating func appendInterpolation(_ value: Int64) { appendLiteral(IntegerText.text(value)) }
  /// `value` in decimal.
  package mutating func appendInterpolation(_ value: Int32) { appendLiteral(IntegerText.text(Int64(value))) }
  /// `value` in decimal.
  package mutating func appendInterpolation(_ value: Int16) { appendLiteral(IntegerText.text(Int64(value))) }
  /// `value` in decimal.
  package mutating func appendInterpolation(_ value: Int8) { appendLiteral(IntegerText.text(Int64(value))) }
  /// `value` in decimal.
  package mutating func appendInterpolation(_ value: UInt) { appendLiteral(IntegerText.text(UInt64(value))) }
  /// `value` in decimal.
  package mutating func appendInterpolation(_ value: UInt64) { appendLiteral(IntegerText.text(value)) }
  /// `value` in decimal.
  package mutating func appendInterpolation(_ value: UInt32) { appendLiteral(IntegerText.text(UInt64(value))) }
  /// `value` in decimal.
  package mutating func appendInterpolation(_ value: UInt16) { appendLiteral(IntegerText.text(UInt64(value))) }
  /// `value` in decimal.
  package mutating func appendInterpolation(_ value: UInt8) { appendLiteral(IntegerText.text(UInt64(value))) }
}
