//===--- TextLimitsTests.swift - Caps and scrubbing of input text -------------===//

import CrashCore
import Testing

@Suite("Text limits")
struct TextLimitsTests {
  @Test("a long name is cut on a character boundary, marker included in the cap")
  func capped() {
    #expect(TextLimits.capped("short") == "short")
    let long = String(repeating: "é", count: 10_000)  // two bytes each
    let cut = TextLimits.capped(long)
    #expect(cut.utf8.count <= TextLimits.maximumNameBytes)
    #expect(cut.hasSuffix(TextLimits.cutMarker))
    #expect(!cut.contains("\u{FFFD}"), "no split sequence")
    let exact = String(repeating: "a", count: TextLimits.maximumNameBytes)
    #expect(TextLimits.capped(exact) == exact)
  }

  @Test("a C string is read only as far as the cap needs")
  func cString() {
    let text = String(repeating: "x", count: 20_000)
    let value = text.withCString { TextLimits.capped(cString: $0) }
    #expect(value.utf8.count == TextLimits.maximumNameBytes && value.hasSuffix(TextLimits.cutMarker))
    #expect("abc".withCString { TextLimits.capped(cString: $0) } == "abc")
  }

  @Test("one line for record files; visible escapes for terminals")
  func scrubbing() {
    #expect(TextLimits.singleLine("x\nFUNC 0 1 0 EVIL\r\u{2028}y") == "x?FUNC 0 1 0 EVIL??y")
    #expect(TextLimits.printable("a\u{1B}[2Jb\tc\nd\u{9B}e") == "a\\x1b[2Jb\tc\nd\\x9be")
    #expect(TextLimits.printable("plain text, ünïcode") == "plain text, ünïcode")
  }
}
