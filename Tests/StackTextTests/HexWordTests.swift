//===--- HexWordTests.swift - The fast hex reader agrees with the plain one -===//

import CrashTestSupport
@testable import StackText
import Testing

@Suite("Hex words")
struct HexWordTests {
  /// Hex digits, the bytes next to each range, masks, blanks and non-ASCII.
  static let alphabet: [UInt8] = Array("0123456789abcdefABCDEF/:@G`gxX -".utf8) + [0x00, 0x7F, 0x80, 0xB0, 0xC6, 0xE6, 0xFF]

  @Test("8- and 16-digit words read eight digits at a time equal the byte-at-a-time reading, over 200,000 seeded words")
  func swarAgreesWithBytewise() {
    var random = SeededBytes(seed: 0x2545_F491_4F6C_DD1D, count: 0)
    func next() -> UInt64 { random.nextWord() }
    var mismatches: [[UInt8]] = []
    var parsed = 0
    for round in 0..<200_000 {
      let length = round % 2 == 0 ? 8 : 16
      // Mostly hex digits, so that most words parse and every digit position is exercised.
      let word: [UInt8] = (0..<length).map { _ in
        let pick = next()
        return pick % 4 == 0 ? Self.alphabet[Int(pick >> 8) % Self.alphabet.count] : Self.alphabet[Int(pick >> 8) % 22]
      }
      word.withUnsafeBufferPointer { buffer in
        let fast = HexNumber.word(buffer[...])
        let plain = HexNumber.word(Array(word)[...])
        if fast != plain { mismatches.append(word) }
        if fast?.value != nil { parsed += 1 }
      }
    }
    #expect(mismatches.isEmpty, "first mismatch: \(mismatches.first.map { String(decoding: $0, as: UTF8.self) } ?? "")")
    #expect(parsed > 10_000)
  }

  @Test("boundary words: every digit value in every position, and the bytes just outside each range")
  func boundaries() {
    for position in 0..<8 {
      for digit in Array("0123456789abcdefABCDEF".utf8) {
        var word = Array("00000000".utf8)
        word[position] = digit
        let value = word.withUnsafeBufferPointer { HexNumber.word($0[...])?.value }
        let expected = UInt64(String(decoding: word, as: UTF8.self), radix: 16)
        #expect(value == expected)
      }
      for outside in Array("/:@G`g".utf8) + [0x80, 0xFF] {
        var word = Array("12345678".utf8)
        word[position] = outside
        #expect(word.withUnsafeBufferPointer { HexNumber.word($0[...], allowMasked: false) } == nil)
      }
    }
    let wide = Array("FFFFFFFF80100000".utf8)
    #expect(wide.withUnsafeBufferPointer { HexNumber.word($0[...])?.value } == 0xFFFF_FFFF_8010_0000)
    let masked = Array("8059XXXX".utf8)
    #expect(masked.withUnsafeBufferPointer { HexNumber.word($0[...]) } == HexWord(value: nil, digits: 8))
  }
}
