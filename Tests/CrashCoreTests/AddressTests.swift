//===--- AddressTests.swift - Addresses and their hexadecimal forms ---------===//

import CrashCore
import Testing

@Suite("Address")
struct AddressTests {
  @Test("32-bit addresses print eight digits, wider ones sixteen")
  func description() {
    #expect(Address(0x0040_1000).description == "0x00401000")
    #expect(Address(0xFFFF_FFFF).description == "0xffffffff")
    #expect(Address(0x1_0000_0000).description == "0x0000000100000000")
  }

  @Test("arithmetic refuses to wrap")
  func checkedArithmetic() {
    #expect(Address(0x10).subtracting(0x11) == nil)
    #expect(Address(0x10).subtracting(0x10) == Address(0))
    #expect(Address(UInt64.max).adding(1) == nil)
    #expect(Address(0x1000).adding(0x24) == Address(0x1024))
  }

  @Test("hex formatting pads and prefixes")
  func hexFormat() {
    #expect(HexFormat.digits(0x25, width: 8) == "00000025")
    #expect(HexFormat.digits(0x1_2345_6789, width: 8) == "123456789")
    #expect(HexFormat.prefixed(0x25) == "0x25")
  }
}
