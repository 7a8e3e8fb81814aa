//===--- StackWinBlockTests.swift - STACK WIN checked in blocks, as by bytes --===//
//
// CSymbolLines' symbol_stack_win_fields may only accept what StackWinFields
// (byte by byte, the reference) accepts, with the same type, address and size.
// Records are drawn from dump_syms' shapes and their near misses (tabs, double
// blanks, 17-digit numbers, a missing field, a type of 5, a wrapping range, a
// flag with nothing after it).
//
//===----------------------------------------------------------------------===//

import CSymbolLines
import CrashTestSupport
import Testing

@testable import BreakpadSymbols

@Suite("STACK WIN records checked in blocks")
struct StackWinBlockTests {
  typealias Fields = (type: UInt64, address: UInt64, size: UInt64)

  /// The block check's answer and the byte reader's for the fields `line` (what follows
  /// `STACK WIN`), in a file padded so that the block check may read 32 bytes.
  static func answers(_ line: String) -> (block: Fields?, bytes: Fields?) {
    let bytes = Array(("STACK WIN" + line + "\n" + String(repeating: "#", count: 40)).utf8)
    let end = 9 + line.utf8.count
    return bytes.withUnsafeBufferPointer { buffer in
      let base = buffer.baseAddress!
      var type: UInt64 = 0
      var address: UInt64 = 0
      var size: UInt64 = 0
      let accepted = symbol_stack_win_fields(base, 9, Int64(end), Int64(buffer.count), &type, &address, &size) != 0
      var cursor = RecordCursor(base: base, start: 9, end: end)
      let reference = try? StackWinFields.parse(&cursor).get()
      return (accepted ? (type, address, size) : nil, reference)
    }
  }

  @Test("dump_syms' records are taken by the block check, with the byte reader's numbers", arguments: [
    " 4 41b0 86 13 0 8 0 e0 0 1 $T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =",
    " 0 1000 10 0 0 0 0 0 0 0 1", " 4 7c80b529 a 0 0 0 0 0 0 0 0", " 3 FFFFFFFF 0 0 0 0 0 0 0 1 x",
    " 4 1 2 3 4 5 6 7 8 1 prog", " 0 1 2 3 4 5 6 7 8 0 1 trailing",
  ])
  func usual(line: String) throws {
    let (block, bytes) = Self.answers(line)
    let taken = try #require(block)
    let reference = try #require(bytes)
    #expect(taken == reference)
  }

  @Test("near misses are left to the byte reader", arguments: [
    " 5 1000 10 0 0 0 0 0 0 1 p", " 4\t1000 10 0 0 0 0 0 0 0 1 p", " 4  1000 10 0 0 0 0 0 0 0 1 p",
    " 4 1000 10 0 0 0 0 0 0 1", " 4 1000 10 0 0 0 0 0 0 0", " 4 1000 10 0 0 0 0 0 0 1  p", " 4 1000 10 0 0 0 0 0 0 1 \rp",
    " 4 ffffffffffffffff 1 0 0 0 0 0 0 1 p", " 4 10000000000000000 1 0 0 0 0 0 0 1 p", " 4 1000 10 0 0 x 0 0 0 1 p",
    " 4 1000 10 0 0 0 0 0 0 0 1x", "4 1000 10 0 0 0 0 0 0 1 p", " 4 1000 10 0 0 0 0 0 0 0 11111111111111111",
  ])
  func nearMisses(line: String) {
    #expect(Self.answers(line).block == nil)
  }

  @Test("on random records the block check never accepts what the byte reader refuses")
  func random() {
    var generator = SplitMix(seed: 0x57AC)
    let alphabet = Array("0123456789abcdefABCDEFxyz$=+  \t\t\r-".utf8)
    var accepted = 0
    for _ in 0..<100_000 {
      var fields = (0..<11).map { index -> [UInt8] in
        let digits = Array((index == 0 ? "01234567" : index == 9 ? "0001" : "0123456789abcdefABCDEF").utf8)
        // Mostly the short numbers dump_syms writes (ten must fit 32 bytes), now and then 16 or 17.
        let long = generator.next() % 16 == 0
        let length = index == 0 || index == 9 ? 1 : long ? Int(16 + generator.next() % 2) : Int(generator.next() % 3 + 1)
        return (0..<length).map { _ in digits[Int(generator.next() % UInt64(digits.count))] }
      }
      if fields[9].allSatisfy({ $0 == UInt8(ascii: "0") }) == false { fields[10] = Array("$T0 $ebp = $eip".utf8) }
      if generator.next() % 4 == 0 { fields.remove(at: Int(generator.next() % UInt64(fields.count))) }
      var line = [UInt8(ascii: " ")] + Array(fields.joined(separator: [UInt8(ascii: " ")]))
      for _ in 0..<Int(generator.next() % 3) {
        line[Int(generator.next() % UInt64(line.count))] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
      }
      while line.last == UInt8(ascii: "\r") { line.removeLast() }
      let text = String(decoding: line, as: UTF8.self)
      let (block, bytes) = Self.answers(text)
      if let block {
        accepted += 1
        #expect(bytes.map { $0 == block } == true, "\(text.debugDescription)")
      }
    }
    #expect(accepted > 10_000)
  }
}
