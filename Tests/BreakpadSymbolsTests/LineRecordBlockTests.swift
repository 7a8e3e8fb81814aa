//===--- LineRecordBlockTests.swift - The block check agrees with the bytes --===//
//
// CSymbolLines checks a line record 32 bytes at a time and may only accept what
// LineRecordScanner (byte by byte, the reference) accepts, ending it at the same
// offset. Lines are drawn from the record's alphabet and its near misses (CR, a
// 16-digit field, a letter among decimal digits, missing and extra fields).
//
//===----------------------------------------------------------------------===//

import CSymbolLines
import CrashTestSupport
import Testing

@testable import BreakpadSymbols

@Suite("Line records checked in blocks")
struct LineRecordBlockTests {
  /// The block check's answer and the byte reader's, for `line` followed by `tail`.
  static func answers(_ line: String, tail: String = String(repeating: "1 2 3 4\n", count: 5)) -> (block: Int64, bytes: Int?) {
    let bytes = Array((line + tail).utf8)
    return bytes.withUnsafeBufferPointer { buffer in
      let base = buffer.baseAddress!
      var lastLineBreak = buffer.count - 1
      while lastLineBreak >= 0 && buffer[lastLineBreak] != 0x0A { lastLineBreak -= 1 }
      return (
        symbol_line_record_end(base, 0, Int64(buffer.count)),
        LineRecordScanner.validRecordEnd(base, from: 0, count: buffer.count, lastLineBreak: lastLineBreak)
      )
    }
  }

  @Test("usual records are taken by the block check, at the byte reader's end", arguments: [
    "1000 a 52 27\n", "12fc 3 1234 0\r\n", "ABCDEF 10\t7 3\n", "1 1 1 1 \t \r\n", "fffffffffffffff 1 0 0\n",
  ])
  func usual(line: String) {
    let (block, bytes) = Self.answers(line)
    #expect(block == Int64(line.utf8.count))
    #expect(bytes == line.utf8.count)
  }

  @Test("near misses are left to the byte reader", arguments: [
    "1000 a 52\n", "1000 a 52 27 9\n", " 1000 a 52 27\n", "1000 a 5x 27\n", "1000\ra 52 27\n", "1000 a 52 2\r7\n",
    "ffffffffffffffff 1 0 0\n", "1 ffffffffffffffff 0 0\n", "1000 a 52 27", "FUNC 1000 10 0 main\n",
    "1000 a 1234567890123456789 0\n", "1000 a 52 27 and then some more text that is long\n",
  ])
  func nearMisses(line: String) {
    #expect(Self.answers(line).block == -1)
  }

  @Test("on random lines the block check never accepts what the byte reader refuses")
  func random() {
    var generator = SplitMix(seed: 0x5EED)
    let alphabet = Array("0123456789abcdefABCDEFxyz  \t\t\r\n-".utf8)
    var accepted = 0
    for _ in 0..<100_000 {
      // Mostly well-formed records, then a few bytes changed.
      var fields = (0..<4).map { index -> [UInt8] in
        let digits = Array((index < 2 ? "0123456789abcdef" : "0123456789").utf8)
        return (0..<Int(generator.next() % 17 + 1)).map { _ in digits[Int(generator.next() % UInt64(digits.count))] }
      }
      if generator.next() % 4 == 0 { fields.removeLast() }
      var line = Array(fields.joined(separator: [UInt8(ascii: " ")]))
      for _ in 0..<Int(generator.next() % 3) where !line.isEmpty {
        line[Int(generator.next() % UInt64(line.count))] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
      }
      line.append(UInt8(ascii: "\n"))
      let (block, bytes) = Self.answers(String(decoding: line, as: UTF8.self))
      if block >= 0 {
        accepted += 1
        #expect(bytes == Int(block), "\(String(decoding: line, as: UTF8.self).debugDescription)")
      }
    }
    #expect(accepted > 10_000)
  }
}
