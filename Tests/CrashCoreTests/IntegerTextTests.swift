//===--- IntegerTextTests.swift - Integers as text, digit by digit -----------===//
//
// This package's modules format integers through IntegerText's concrete
// overloads; the text must be the standard library's, in every radix, for
// every width and sign, and at the extremes.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Testing

@Suite("Integers as text")
struct IntegerTextTests {
  /// The standard library's text (generic, so the package overloads are not chosen).
  static func standard<T: BinaryInteger>(_ value: T, radix: Int = 10, uppercase: Bool = false) -> String {
    String(value, radix: radix, uppercase: uppercase)
  }

  static func standardInterpolation<T: BinaryInteger>(_ value: T) -> String { "\(value)" }

  static let samples: [UInt64] = {
    var values: [UInt64] = [0, 1, 9, 10, 15, 16, 35, 36, 255, 256, 65535, 1 << 31, (1 << 32) - 1, 1 << 32, .max, .max - 1]
    var generator = SystemRandomNumberGenerator()
    for shift in 0..<64 { values.append(generator.next() >> UInt64(shift)) }
    return values
  }()

  @Test("Unsigned values in every radix, both cases, as the standard library writes them")
  func unsignedEveryRadix() {
    for radix in 2...36 {
      for value in Self.samples {
        for uppercase in [false, true] {
          #expect(String(value, radix: radix, uppercase: uppercase) == Self.standard(value, radix: radix, uppercase: uppercase))
          let narrow = UInt32(truncatingIfNeeded: value)
          #expect(String(narrow, radix: radix, uppercase: uppercase) == Self.standard(narrow, radix: radix, uppercase: uppercase))
        }
      }
    }
  }

  @Test("Signed values, negative ones and the minimum included")
  func signedValues() {
    var values: [Int64] = [0, -1, 1, .min, .max, .min + 1, -255, -16]
    values += Self.samples.map { Int64(bitPattern: $0) }
    for value in values {
      for radix in [2, 8, 10, 16, 36] {
        #expect(String(value, radix: radix) == Self.standard(value, radix: radix))
        #expect(String(Int(value), radix: radix) == Self.standard(Int(value), radix: radix))
        let narrow = Int8(truncatingIfNeeded: value)
        #expect(String(narrow, radix: radix) == Self.standard(narrow, radix: radix))
      }
      #expect("\(value)" == Self.standardInterpolation(value))
      #expect(String(Int32(truncatingIfNeeded: value)) == Self.standard(Int32(truncatingIfNeeded: value)))
    }
    #expect("\(Int16.min) \(UInt16.max) \(UInt8.max) \(Int.min)" == "-32768 65535 255 -9223372036854775808")
  }

  @Test("Zero-padded hexadecimal for addresses")
  func paddedHex() {
    #expect(HexFormat.digits(0, width: 8) == "00000000")
    #expect(HexFormat.digits(0x1f, width: 4) == "001f")
    #expect(HexFormat.digits(0xdead_beef_0000_0001, width: 8) == "deadbeef00000001")
    #expect(HexFormat.digits(0, width: 0) == "0")
    #expect(HexFormat.prefixed(0x25) == "0x25")
    #expect(Address(0x7ff6_0000_1000).description == "0x00007ff600001000")
  }
}
