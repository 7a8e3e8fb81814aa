//===--- LineScanTests.swift - The paste stage's word-at-a-time scan ---------===//

import CrashTestSupport
@testable import StackText
import Testing

@Suite("Backslash and non-ASCII scan of a pasted line")
struct LineScanTests {
  @Test("eight bytes at a time equals a plain scan on 20,000 seeded texts of 0 to 40 bytes")
  func agreesWithPlainScan() {
    var random = SeededBytes(seed: 0x2545_F491_4F6C_DD1D, count: 0)
    // A backslash, its neighbours, a byte that differs from it only in the high bit, a NUL
    // (the zero-byte test's own case) and ordinary text.
    let alphabet: [UInt8] = Array("\\[]ab0 !".utf8) + [0x5B, 0x5D, 0xDC, 0x00, 0x7F, 0x80, 0xFF]
    var failures: [[UInt8]] = []
    for round in 0..<20_000 {
      let length = Int(random.nextWord() % 41)
      // Most texts are plain (the case the scan must not miss a byte of); some hold one mark.
      let plain: [UInt8] = Array("ab0 !".utf8)
      let pool = round % 4 == 0 ? alphabet : plain
      var text = (0..<length).map { _ in pool[Int(random.nextWord() % UInt64(pool.count))] }
      if round % 4 == 1, length > 0 { text[Int(random.nextWord() % UInt64(length))] = round % 8 == 1 ? 0x5C : 0xC3 }
      let expected = text.contains { $0 == 0x5C || $0 >= 0x80 }
      let found = text.withUnsafeBufferPointer { buffer in
        buffer.baseAddress.map { LineScan.hasBackslashOrHighByte($0, buffer.count) } ?? false
      }
      if found != expected { failures.append(text) }
    }
    #expect(failures.isEmpty, "\(failures.count) texts differ; first: \(failures.first ?? [])")
  }
}
