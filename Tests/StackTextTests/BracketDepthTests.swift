//===--- BracketDepthTests.swift - Bracket counting against a plain count ---===//

import CrashTestSupport
@testable import StackText
import Testing

@Suite("Bracket depth of symbol text")
struct BracketDepthTests {
  @Test("eight bytes at a time equals a plain count on 20,000 seeded texts of 0 to 40 bytes, as lines and as arrays")
  func agreesWithPlainCount() {
    var random = SeededBytes(seed: 0xA076_1D64_78BD_642F, count: 0)
    // The brackets, other bytes, and bytes that differ from a bracket only in the high bit.
    let alphabet: [UInt8] = Array("()[]{}<>ab0 +!".utf8) + [0xA8, 0xA9, 0xDB, 0xDD]
    var failures: [[UInt8]] = []
    for _ in 0..<20_000 {
      let length = Int(random.nextWord() % 41)
      let text = (0..<length).map { _ in alphabet[Int(random.nextWord() % UInt64(alphabet.count))] }
      let expected = text.reduce(0) { depth, byte in
        depth + (byte == 0x28 || byte == 0x5B ? 1 : 0) - (byte == 0x29 || byte == 0x5D ? 1 : 0)
      }
      let fromArray = SymbolLineShape.bracketDepth(text[...])
      let fromLine = text.withUnsafeBufferPointer { SymbolLineShape.bracketDepth($0[...]) }
      if fromArray != expected || fromLine != expected { failures.append(text) }
    }
    #expect(failures.isEmpty, "\(failures.count) texts differ; first: \(failures.first ?? [])")
  }
}
