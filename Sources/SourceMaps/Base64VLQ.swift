//===--- Base64VLQ.swift - The numbers of a source map's `mappings` ----------===//
//
// Each field of a mapping segment is a variable-length quantity written in
// base64 digits (ECMA-426, "Mappings structure"): a digit carries five bits of
// value and, in its sixth, whether another digit follows; the first digit's
// lowest value bit is the sign. Values are 32-bit: a longer run of digits, or a
// value outside Int32, is damage, as is any byte that is no base64 digit.
//
//===----------------------------------------------------------------------===//

/// Reads base64 VLQ values from the bytes of a `mappings` string.
struct Base64VLQReader {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0

  /// Why a value could not be read, and at which byte.
  struct Failure: Error {
    var offset: Int
    var reason: String
  }

  init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// The base64 digit's value, or -1 for a byte that is none.
  @inline(__always)
  static func digit(_ byte: UInt8) -> Int32 {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int32(byte - UInt8(ascii: "A"))
    case UInt8(ascii: "a")...UInt8(ascii: "z"): Int32(byte - UInt8(ascii: "a")) + 26
    case UInt8(ascii: "0")...UInt8(ascii: "9"): Int32(byte - UInt8(ascii: "0")) + 52
    case UInt8(ascii: "+"): 62
    case UInt8(ascii: "/"): 63
    default: -1
    }
  }

  /// Whether the next byte ends a segment (`,`), a line (`;`) or the string.
  var atSegmentEnd: Bool {
    position == bytes.count || bytes[position] == UInt8(ascii: ",") || bytes[position] == UInt8(ascii: ";")
  }

  /// Reads one value.
  mutating func next() throws(Failure) -> Int32 {
    let start = position
    var magnitude: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard position < bytes.count else { throw Failure(offset: start, reason: "a value cut off at the end") }
      let digit = Self.digit(bytes[position])
      guard digit >= 0 else {
        throw Failure(offset: position, reason: "byte 0x\(String(bytes[position], radix: 16)) is no base64 digit")
      }
      position += 1
      magnitude |= UInt64(digit & 0x1F) << shift
      if digit & 0x20 == 0 { break }
      shift += 5
      // Seven digits carry 35 bits: more than any 32-bit value needs.
      guard shift < 35 else { throw Failure(offset: start, reason: "a value longer than 32 bits") }
    }
    let isNegative = magnitude & 1 == 1
    magnitude >>= 1
    guard magnitude <= UInt64(Int32.max) + (isNegative ? 1 : 0) else {
      throw Failure(offset: start, reason: "a value outside 32 bits")
    }
    return isNegative ? Int32(truncatingIfNeeded: 0 &- Int64(magnitude)) : Int32(magnitude)
  }
}
