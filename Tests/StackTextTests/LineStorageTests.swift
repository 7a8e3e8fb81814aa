//===--- LineStorageTests.swift - The one-pass normaliser against a reference ===//

import CrashTestSupport
@testable import StackText
import Testing

@Suite("Line normalising and tokenising")
struct LineStorageTests {
  /// Letters, digits, blanks, every kind of control byte and non-ASCII bytes, including the
  /// 0x80–0xA0 bytes the eight-at-a-time scan reports for a closer look. No `&` or `<`:
  /// lines with markup take the entity decoder, which has tests of its own.
  static let alphabet: [UInt8] =
    Array("abcdefXYZ0189!+-_:()[]\\".utf8) + [0x20, 0x20, 0x20, 0x09, 0x00, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0xA0, 0xA1, 0xC3, 0xFF]

  /// What normalising means, written plainly: control bytes become blanks, trailing blanks
  /// go, tokens are the runs of non-blank bytes; the flags say whether a NUL, an ESC, and a
  /// backslash or a byte of 0x80 or more were in the line.
  static func reference(_ raw: [UInt8]) -> (bytes: [UInt8], tokens: [Range<Int>], flags: NormalizationFlags) {
    let bytes = raw.map { $0 <= 0x20 || $0 == 0x7F ? 0x20 : $0 }
    let count = (bytes.lastIndex { $0 != 0x20 } ?? -1) + 1
    var tokens: [Range<Int>] = []
    var index = 0
    while index < count {
      if bytes[index] == 0x20 {
        index += 1
        continue
      }
      let start = index
      while index < count && bytes[index] != 0x20 { index += 1 }
      tokens.append(start..<index)
    }
    var flags: NormalizationFlags = []
    if raw.contains(0) { flags.insert(.hadNUL) }
    if raw.contains(0x1B) { flags.insert(.hadEscape) }
    if raw.contains(where: { $0 >= 0x80 || $0 == 0x5C }) { flags.insert(.hadBackslashOrHighByte) }
    return (Array(bytes[..<count]), tokens, flags)
  }

  /// Checks `storage.refill` of `raw` against the reference; returns whether they agree.
  static func agrees(_ raw: [UInt8], number: Int, storage: LineStorage) -> Bool {
    let line = raw.withUnsafeBufferPointer { buffer in
      storage.refill(from: RawLine(number: number, offset: 0, bytes: buffer, wasTruncated: false, endedWithoutNewline: false))
    }
    let expected = reference(raw)
    var leads = TokenLeads()
    var wordLeads = TokenLeads()
    for token in expected.tokens {
      let bit = TokenLeads.bit(expected.bytes[token.lowerBound])
      leads.bits |= bit
      let bytes = expected.bytes[token]
      let second = bytes.dropFirst().first
      let third = bytes.dropFirst(2).first
      let isWord = second.map { !ASCII.isHexDigit($0) } ?? true || third.map { !ASCII.isHexDigit($0) } ?? false
      if isWord { wordLeads.bits |= bit }
    }
    return Array(line.bytes) == expected.bytes && Array(line.tokens) == expected.tokens
      && line.flags == expected.flags && line.tokenLeads == leads && line.wordLeads == wordLeads
  }

  @Test("Dr. Watson raw stack dump lines, tokenised by position where their shape allows, equal the reference; 20,000 seeded lines damaged in every column")
  func dumpLinesAgreeWithReference() {
    var random = SeededBytes(seed: 0x2545_F491_4F6C_DD1D, count: 0)
    let hexDigits = Array("0123456789abcdefABCDEF".utf8)
    let damage: [UInt8] = Array("gxX-.G*s".utf8) + [0x20, 0x09, 0x00, 0x0D, 0x7F, 0xC3]
    let storage = LineStorage()
    var failures: [[UInt8]] = []
    for number in 1...20_000 {
      var text: [UInt8] = (0..<8).map { _ in hexDigits[Int(random.nextWord() % 16)] } + [0x20, 0x20]
      for index in 0..<16 {
        let word = random.nextWord()
        text.append(hexDigits[Int(word % UInt64(hexDigits.count))])
        text.append(hexDigits[Int((word >> 8) % UInt64(hexDigits.count))])
        text += index == 7 ? Array(" - ".utf8) : [0x20]
      }
      text += Array(" ./..|).....stack".utf8)
      // Most lines are damaged: a byte replaced, removed or added, or the line cut short.
      let word = random.nextWord()
      let at = Int((word >> 8) % 64)
      switch word % 6 {
      case 0: break
      case 1, 2: text[at] = damage[Int((word >> 16) % UInt64(damage.count))]
      case 3: text.remove(at: at)
      case 4: text.insert(damage[Int((word >> 16) % UInt64(damage.count))], at: at)
      default: text.removeLast(Int((word >> 8) % UInt64(text.count)))
      }
      if !Self.agrees(text, number: number, storage: storage) { failures.append(text) }
    }
    #expect(failures.isEmpty, "\(failures.count) lines differ; first: \(failures.first ?? [])")
  }

  @Test("the fixed part of a dump line is recognised only in Dr. Watson's exact shape")
  func dumpLineShape() {
    func matches(_ text: String) -> Bool {
      let bytes = Array(text.utf8)
      return bytes.withUnsafeBufferPointer { DumpLineLayout.matches($0.baseAddress!, count: $0.count) }
    }
    #expect(matches("0012f8c8  fe 2f 2f 0e 7c 29 2e 0e - 00 00 00 00 ec f8 10 0d  ./..|)..........   "))
    #expect(matches("0012F8C8  FE 2F 2F 0E 7C 29 2E 0E - 00 00 00 00 EC F8 10 0D"))
    #expect(!matches("0012f8c8  fe 2f 2f 0e 7c 29 2e 0e - 00 00 00 00 ec f8 10 0d0  ./.."))
    #expect(!matches("0012f8c8  fe 2f 2f 0e 7c 29 2e 0e   00 00 00 00 ec f8 10 0d  ./.."))
    #expect(!matches("0012f8c8 fe 2f 2f 0e 7c 29 2e 0e - 00 00 00 00 ec f8 10 0d  ./..."))
    #expect(!matches("0012f8c8  fe 2f 2f 0e 7c 29 2e 0e - 00 00 00 00 ec f8 10 0g  ./.."))
    #expect(!matches("0012f8c8  fe 2f 2f 0e 7c 29 2e 0e - 00 00 00 00 ec f8 10"))
    #expect(!matches("0012f8c8\t fe 2f 2f 0e 7c 29 2e 0e - 00 00 00 00 ec f8 10 0d  ./.."))
  }

  @Test("bytes, tokens, token lead sets and the NUL, escape and pasted flags equal the plain reference on 50,000 seeded lines of 0 to 80 bytes")
  func agreesWithReference() {
    var random = SeededBytes(seed: 0x9E37_79B9_7F4A_7C15, count: 0)
    func next() -> UInt64 { random.nextWord() }
    let storage = LineStorage()
    var failures: [[UInt8]] = []
    for number in 1...50_000 {
      let length = Int(next() % 81)
      let raw = (0..<length).map { _ in Self.alphabet[Int(next() % UInt64(Self.alphabet.count))] }
      if !Self.agrees(raw, number: number, storage: storage) { failures.append(raw) }
    }
    #expect(failures.isEmpty, "first failing line: \(failures.first ?? [])")
  }

  @Test("lines of words and blanks only (the eight-at-a-time token path), with a rare tab or high byte, equal the reference; 50,000 seeded lines of 0 to 120 bytes")
  func plainLinesAgreeWithReference() {
    var random = SeededBytes(seed: 0xD1B5_4A32_D192_ED03, count: 0)
    let letters = Array("abcdefghxyzABCDEFX0123456789!+-_:()[]`.,'~".utf8)
    let storage = LineStorage()
    var failures: [[UInt8]] = []
    for number in 1...50_000 {
      let length = Int(random.nextWord() % 121)
      var raw: [UInt8] = []
      while raw.count < length {
        let word = random.nextWord()
        switch word % 64 {
        case 0: raw.append(0x09)
        case 1: raw.append(0xC3)
        case 2...20: raw += Array(repeating: 0x20, count: Int((word >> 8) % 3) + 1)
        default: raw.append(letters[Int((word >> 8) % UInt64(letters.count))])
        }
      }
      if !Self.agrees(raw, number: number, storage: storage) { failures.append(raw) }
    }
    #expect(failures.isEmpty, "\(failures.count) lines differ; first: \(failures.first ?? [])")
  }

  @Test("the recognisers' lead-set constants are the sets of their words' first letters")
  func leadSetConstants() {
    #expect(
      ArchitectureEvidence.proseLeads
        == TokenLeads.of("alpha", "mips", "powerpc", "exchange", "stack", "trace", "arm64", "amd64"))
    #expect(ArchitectureEvidence.xLead == TokenLeads.of("x64", "x86_64"))
    #expect(BugCheckParser.wordLeads == TokenLeads.of("stop", "bugcheck", "fatal"))
    #expect(BugCheckParser.otherLeads == TokenLeads.of("*"))
    #expect(StackTextDecoder.causedLead == TokenLeads.of("caused"))
  }
}
