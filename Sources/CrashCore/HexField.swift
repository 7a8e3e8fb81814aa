//===--- HexField.swift - A hexadecimal field read from bytes ------------------===//
//
// Symbol-file headers (`INFO RETURN_SITE 1021c7b0`) and command-line addresses
// are runs of hex digits; read from their bytes, not through String.
//
//===----------------------------------------------------------------------===//

/// Hexadecimal numbers written as ASCII digits.
package enum HexField {
  /// The value of 1–16 hex digits (either case, no prefix), or nil for anything else.
  package static func value(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> UInt64? { parse(digits) }

  /// The value of 1–16 hex digits (either case, no prefix), or nil for anything else.
  package static func value(_ digits: ArraySlice<UInt8>) -> UInt64? { parse(digits) }

  // One concrete entry point per caller's type, each specialised here: the generic function
  // called from another module ran unspecialised (each byte through the iterator's witness
  // table, 1,700 instructions a field, and the runtime's conformance lookups once a run), and
  // `@inlinable` on it did not make the callers specialise it.
  private static func parse(_ digits: some Collection<UInt8>) -> UInt64? {
    guard !digits.isEmpty, digits.count <= 16 else { return nil }
    var value: UInt64 = 0
    for byte in digits {
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
}
