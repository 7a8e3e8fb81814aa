//===--- ByteSearchTests.swift - Case-insensitive search against a plain one ===//

import CrashTestSupport
@testable import StackText
import Testing

@Suite("Case-insensitive byte search")
struct ByteSearchTests {
  @Test("firstIndex equals a plain lower-casing search on 20,000 seeded texts, for letter and non-letter needles")
  func agreesWithPlainSearch() {
    var random = SeededBytes(seed: 0x8EBC_6AF0_9C88_C6E3, count: 0)
    // Letters in both cases, the bytes a 0x20 fold would confuse with them (`@`, `[`, `` ` ``,
    // `{`), digits, blanks and high bytes.
    let alphabet: [UInt8] = Array("aAbBxX@[`{0: ".utf8) + [0xC1, 0xE1]
    let needles: [StaticString] = ["ab", "AB:", "x", "@a", "[x", ": ", "0x", "`b"]
    var failures: [String] = []
    for _ in 0..<20_000 {
      let length = Int(random.nextWord() % 24)
      let text = (0..<length).map { _ in alphabet[Int(random.nextWord() % UInt64(alphabet.count))] }
      for needle in needles {
        let pattern = (0..<needle.utf8CodeUnitCount).map { ASCII.lowercased(needle.utf8Start[$0]) }
        let lowered = text.map(ASCII.lowercased)
        let expected = lowered.count < pattern.count
          ? nil : (0...(lowered.count - pattern.count)).first { Array(lowered[$0..<($0 + pattern.count)]) == pattern }
        if Bytes.firstIndex(of: needle, in: text[...]) != expected { failures.append("\(text) \(needle)") }
      }
    }
    #expect(failures.isEmpty, "\(failures.count) searches differ; first: \(failures.first ?? "")")
  }
}
