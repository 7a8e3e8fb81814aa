//===--- RawStackDumpLineTests.swift - Dump lines against a plain reader ---===//

import CrashTestSupport
@testable import StackText
import Testing

@Suite("Raw stack dump lines")
struct RawStackDumpLineTests {
  /// What reading a dump line means, written plainly: the address, then two-digit hex tokens
  /// (a lone `-` skipped) up to the first other token, at most sixteen, at least four.
  static func reference(_ line: TextLine) -> (address: UInt64, bytes: [UInt8])? {
    guard line.tokens.count >= 3, let address = HexNumber.word(line.token(0), allowMasked: false)?.value else { return nil }
    var bytes: [UInt8] = []
    for index in 1..<line.tokens.count {
      let token = Array(line.token(index))
      if token == [ASCII.minus] { continue }
      guard token.count == 2, token.allSatisfy(ASCII.isHexDigit), let value = UInt8(String(decoding: token, as: UTF8.self), radix: 16) else { break }
      bytes.append(value)
      if bytes.count == 16 { break }
    }
    return bytes.count >= 4 ? (address, bytes) : nil
  }

  @Test("20,000 seeded dump lines, in Dr. Watson's layout and damaged in every column, read as the plain reader reads them")
  func agreesWithReference() {
    var random = SeededBytes(seed: 0xD1B5_4A32_D192_ED03, count: 0)
    let hexDigits = Array("0123456789abcdefABCDEF".utf8)
    let damage = Array("gxX-. G".utf8)
    let storage = LineStorage()
    var failures: [String] = []
    for number in 1...20_000 {
      var text = Array(String(random.nextWord() & 0xFFFF_FFFF, radix: 16).utf8)
      while text.count < 8 { text.insert(ASCII.zero, at: 0) }
      text += Array("  ".utf8)
      for index in 0..<16 {
        let word = random.nextWord()
        text.append(hexDigits[Int(word % UInt64(hexDigits.count))])
        text.append(hexDigits[Int((word >> 8) % UInt64(hexDigits.count))])
        text += index == 7 ? Array(" - ".utf8) : [ASCII.space]
      }
      text += Array(" ./..|).........".utf8)
      // Most lines are damaged somewhere: a digit, a blank, the dash, or cut short.
      let word = random.nextWord()
      switch word % 5 {
      case 0: break
      case 1: text[10 + Int((word >> 8) % 50)] = damage[Int((word >> 16) % UInt64(damage.count))]
      case 2: text.remove(at: 10 + Int((word >> 8) % 50))
      case 3: text.insert(ASCII.space, at: 10 + Int((word >> 8) % 50))
      default: text.removeLast(Int((word >> 8) % UInt64(text.count - 9)))
      }
      let line = text.withUnsafeBufferPointer { buffer in
        storage.refill(from: RawLine(number: number, offset: 0, bytes: buffer, wasTruncated: false, endedWithoutNewline: false))
      }
      let parsed = RawStackDumpLine.parse(line)
      let expected = Self.reference(line)
      let bytes = parsed.map { parsed in (0..<parsed.count).map { parsed.bytes[$0] } }
      if parsed?.address != expected?.address || bytes != expected?.bytes {
        failures.append(String(decoding: text, as: UTF8.self))
      }
    }
    #expect(failures.isEmpty, "\(failures.count) lines differ; first: \(failures.first ?? "")")
  }
}
