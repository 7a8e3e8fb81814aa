//===--- JSONParserTests.swift - JSON text in, ordered values out -----------===//

import CrashAnalysis
import Testing

@Suite("JSON parser")
struct JSONParserTests {
  @Test("integers are read exactly, up to Int's limits; beyond them and with a fraction, as doubles")
  func numbers() throws {
    let value = try JSONValue.parse(
      "[0, -0, -5, 7, 123456789012345678, -123456789012345678, 9223372036854775807, -9223372036854775808,"
        + " 9223372036854775808, 1.5, -2e3, 10E-1]")
    #expect(
      value
        == .array([
          .int(0), .int(0), .int(-5), .int(7), .int(123_456_789_012_345_678), .int(-123_456_789_012_345_678),
          .int(Int.max), .int(Int.min), .double(9_223_372_036_854_775_808), .double(1.5), .double(-2000), .double(1),
        ]))
  }

  @Test("malformed numbers and blanks are refused with the offset", arguments: ["[01]", "[-]", "[1.]", "[1e]", "[- 1]", "[1\u{0B}]"])
  func malformed(text: String) {
    #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
  }

  @Test("blanks between tokens: space, tab, line feed and carriage return, and no other")
  func blanks() throws {
    #expect(try JSONValue.parse(" \t\r\n{ \"a\" :\t[ 1 ,\r\n2 ] }\n") == .object([("a", .array([.int(1), .int(2)]))]))
  }

  @Test("escapes decode to their characters, surrogate pairs to one scalar, runs between them kept")
  func escapes() throws {
    let text = #"["plain", "a\"b\\c\/d", "\b\f\n\r\t", "x\u0041y\u00e9\u20ac\ud83d\ude00z", "\u0000", "tab\there", "é\n€"]"#
    let expected: [JSONValue] = [
      .string("plain"), .string("a\"b\\c/d"), .string("\u{08}\u{0C}\n\r\t"), .string("xAyé€😀z"), .string("\u{0}"),
      .string("tab\there"), .string("é\n€"),
    ]
    #expect(try JSONValue.parse(text) == .array(expected))
    // What the writer escapes, the parser gives back.
    let awkward = "line\nbreak \"quoted\" back\\slash \u{01}\u{1F} é€😀 \t" + String(repeating: "\\", count: 40)
    #expect(try JSONValue.parse(JSONValue.array([.string(awkward)]).serialized(indent: 0)) == .array([.string(awkward)]))
  }

  @Test(
    "malformed escapes and strings are refused",
    arguments: [
      #"["\x"]"#, #"["\u12"]"#, #"["\u12g4"]"#, #"["\ud800"]"#, #"["\ud800\u0041"]"#, #"["\udc00"]"#, #"["a\"#,
      #"["a\n"#, "[\"a\\n\u{01}\"]", #"["\u"]"#,
    ])
  func malformedEscapes(text: String) {
    #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
  }
}
