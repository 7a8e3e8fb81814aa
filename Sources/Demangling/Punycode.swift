//===--- Punycode.swift - RFC 3492's Bootstring for Unicode identifiers ------===//
//
// Rust's v0 mangling spells an identifier with characters outside ASCII as
// `u<length>` and its Punycode (RFC 3492, with `-` written `_`): the ASCII
// characters first, then, after the last delimiter, each other character as a
// variable-length number saying what to insert where. `u8gdel_5qa` is `gödel`.
// The input is a stranger's: every step is bounded (the result's length, each
// number's size) and anything malformed is nil, never a trap.
//
//===----------------------------------------------------------------------===//

/// Decodes RFC 3492 Punycode.
enum Punycode {
  /// The most characters a decoded identifier may have.
  static let maximumLength = 1_024

  private static let base = 36
  private static let tMin = 1
  private static let tMax = 26
  private static let skew = 38
  private static let damp = 700
  private static let initialBias = 72
  private static let initialN = 128

  /// The identifier `encoded` spells, its last `delimiter` separating the ASCII characters from
  /// the encoded rest (no delimiter: all of it is encoded); nil when it is malformed.
  static func decode(_ encoded: some Collection<UInt8>, delimiter: UInt8 = UInt8(ascii: "-")) -> String? {
    let bytes = Array(encoded)
    var output: [Unicode.Scalar] = []
    var rest = bytes[...]
    if let last = bytes.lastIndex(of: delimiter) {
      for byte in bytes[..<last] {
        guard byte < 0x80 else { return nil }
        output.append(Unicode.Scalar(byte))
      }
      rest = bytes[(last + 1)...]
    }
    guard output.count <= maximumLength else { return nil }
    var n = initialN
    var i = 0
    var bias = initialBias
    var position = rest.startIndex
    while position < rest.endIndex {
      let oldI = i
      var weight = 1
      var k = base
      while true {
        guard position < rest.endIndex, let digit = digitValue(rest[position]) else { return nil }
        position += 1
        let (product, overflow) = digit.multipliedReportingOverflow(by: weight)
        guard !overflow, i <= Int(Int32.max) - product else { return nil }
        i += product
        let threshold = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
        if digit < threshold { break }
        let (next, weightOverflow) = weight.multipliedReportingOverflow(by: base - threshold)
        guard !weightOverflow, next <= Int(Int32.max) else { return nil }
        weight = next
        k += base
      }
      let count = output.count + 1
      bias = adapt(i - oldI, count: count, first: oldI == 0)
      guard n <= Int(Int32.max) - i / count else { return nil }
      n += i / count
      i %= count
      guard output.count < maximumLength, let scalar = Unicode.Scalar(UInt32(n)), n >= 0x80 else { return nil }
      output.insert(scalar, at: i)
      i += 1
    }
    var text = ""
    text.unicodeScalars.append(contentsOf: output)
    return text
  }

  /// A digit's value: `a`–`z` (or `A`–`Z`) 0–25, `0`–`9` 26–35.
  private static func digitValue(_ byte: UInt8) -> Int? {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a"))
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A"))
    case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 26
    default: nil
    }
  }

  /// RFC 3492 §6.1: the bias after a character.
  private static func adapt(_ delta: Int, count: Int, first: Bool) -> Int {
    var delta = first ? delta / damp : delta / 2
    delta += delta / count
    var k = 0
    while delta > ((base - tMin) * tMax) / 2 {
      delta /= base - tMin
      k += base
    }
    return k + (base - tMin + 1) * delta / (delta + skew)
  }
}
