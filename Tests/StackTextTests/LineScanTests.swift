//===--- LineScanTests.swift - The paste stage's word-at-a-time scan ---------===//

import CrashTestSupport
@testable import StackText
import Testing

@Suite("One pass over a pasted line: non-ASCII bytes and backslashes")
struct LineScanTests {
  @Test("eight bytes at a time equals a plain search on 20,000 seeded texts of 0 to 40 bytes")
  func agreesWithPlainCount() {
    var random = SeededBytes(seed: 0x2545_F491_4F6C_DD1D, count: 0)
    // The bytes looked for, their neighbours, bytes that differ from them only in the high bit,
    // a NUL (the zero-byte test's own case) and ordinary text.
    let alphabet: [UInt8] = Array("\\!\"[]ab0 ".utf8) + [0xDC, 0xA1, 0x00, 0x7F, 0x80, 0xFF]
    let plain: [UInt8] = Array("ab0 :+".utf8)
    var failures: [[UInt8]] = []
    for round in 0..<20_000 {
      let length = Int(random.nextWord() % 41)
      // Most texts are plain (the scan must not miss a byte of them); some hold one mark.
      let pool = round % 4 == 0 ? alphabet : plain
      var text = (0..<length).map { _ in pool[Int(random.nextWord() % UInt64(pool.count))] }
      if round % 4 == 1, length > 0 {
        text[Int(random.nextWord() % UInt64(length))] = random.nextWord() % 2 == 0 ? 0x5C : 0xC3
      }
      let scan = text.withUnsafeBufferPointer { LineScan($0) }
      if scan.hasHighByte != text.contains(where: { $0 >= 0x80 }) || scan.hasBackslash != text.contains(0x5C) {
        failures.append(text)
      }
    }
    #expect(failures.isEmpty, "\(failures.count) texts differ; first: \(failures.first ?? [])")
  }
}
