//===--- JSONParser.swift - Reading JSON that came from another machine -----===//
//
// `analyse merge` reads the JSON Lines of workers on other machines, and
// `analyse worker` reads requests: small, untrusted documents; source maps are
// large ones, whose original sources (`sourcesContent`) nobody here reads. This
// parser reads RFC 8259 JSON into a JSONValue, strictly (no comments, no
// trailing commas, no leading zeros, escapes checked, surrogates paired), with
// a depth limit so nesting cannot exhaust the stack; members a caller names as
// omitted are checked as JSON but not kept. Errors carry the byte offset.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Why a JSON text could not be read.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What was wrong.
  public var reason: String
  /// The byte offset where it was found.
  public var offset: Int

  /// `not JSON at byte 12: expected ':'`.
  public var description: String { "not JSON at byte \(offset): \(reason)" }
}

extension JSONValue {
  /// The deepest nesting of arrays and objects accepted.
  public static let maximumDepth = 64

  /// Parses one JSON text (surrounding white space allowed).
  public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
    var copy = text
    return try copy.withUTF8 { bytes in
      Result { () throws(JSONParseError) -> JSONValue in
        var parser = JSONParser(bytes: bytes)
        return try parser.document()
      }
    }.get()
  }

  /// Parses one JSON text from UTF-8 bytes.
  public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
    try bytes.withUnsafeBufferPointer { buffer in
      Result { () throws(JSONParseError) -> JSONValue in
        var parser = JSONParser(bytes: buffer)
        return try parser.document()
      }
    }.get()
  }

  /// Parses one JSON text from UTF-8 bytes in memory the caller holds, leaving out the
  /// values of object members named in `omittedMembers` (at any depth): they are checked
  /// as JSON, but no string or array of theirs is built.
  public static func parse(
    _ bytes: UnsafeRawBufferPointer, omittingMembers omittedMembers: [String]
  ) throws(JSONParseError) -> JSONValue {
    var parser = JSONParser(bytes: bytes.assumingMemoryBound(to: UInt8.self))
    parser.omittedMembers = omittedMembers
    return try parser.document()
  }

  /// Parses one JSON text from UTF-8 bytes, leaving out the values of the members named in
  /// `omittedMembers`, as `parse(_:omittingMembers:)` over memory the caller holds does.
  public static func parse(_ bytes: [UInt8], omittingMembers omittedMembers: [String]) throws(JSONParseError) -> JSONValue {
    try bytes.withUnsafeBytes { buffer in
      Result { () throws(JSONParseError) -> JSONValue in try parse(buffer, omittingMembers: omittedMembers) }
    }.get()
  }

  /// The member `key` of an object (the first, when repeated), or nil.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  /// The string, when this is one.
  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The integer, when this is one.
  public var intValue: Int? {
    if case .int(let value) = self { return value }
    return nil
  }
}

private struct JSONParser {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0
  var depth = 0
  /// Member names whose values are checked and dropped.
  var omittedMembers: [String] = []

  init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  mutating func document() throws(JSONParseError) -> JSONValue {
    skipBlanks()
    let value = try self.value()
    skipBlanks()
    guard position == bytes.count else { throw fail("text after the value") }
    return value
  }

  private func fail(_ reason: String) -> JSONParseError { JSONParseError(reason: reason, offset: position) }

  private mutating func skipBlanks() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x09, 0x0A, 0x0D: position += 1
      default: return
      }
    }
  }

  private mutating func expect(_ word: StaticString) throws(JSONParseError) {
    let count = word.utf8CodeUnitCount
    guard bytes.count - position >= count else { throw fail("expected \(word)") }
    for index in 0..<count where bytes[position + index] != word.utf8Start[index] { throw fail("expected \(word)") }
    position += count
  }

  private mutating func value() throws(JSONParseError) -> JSONValue {
    guard position < bytes.count else { throw fail("unexpected end") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return try object()
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"):
      try expect("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expect("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expect("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    default: throw fail("unexpected character")
    }
  }

  private mutating func enter() throws(JSONParseError) {
    depth += 1
    guard depth <= JSONValue.maximumDepth else { throw fail("nested deeper than \(JSONValue.maximumDepth) levels") }
  }

  private mutating func object() throws(JSONParseError) -> JSONValue {
    try enter()
    defer { depth -= 1 }
    position += 1
    var members: [(String, JSONValue)] = []
    // Room for a report's or a compiled rule's members at once: growing from one member by
    // doubling took four allocations an object.
    members.reserveCapacity(8)
    skipBlanks()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipBlanks()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
      let key = try string()
      skipBlanks()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
      position += 1
      skipBlanks()
      if !omittedMembers.isEmpty, omittedMembers.contains(key) {
        try skipValue()
        members.append((key, .null))
      } else {
        members.append((key, try value()))
      }
      skipBlanks()
      guard position < bytes.count else { throw fail("unexpected end in an object") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        continue
      }
      guard bytes[position] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
      position += 1
      return .object(members)
    }
  }

  private mutating func array() throws(JSONParseError) -> JSONValue {
    try enter()
    defer { depth -= 1 }
    position += 1
    var values: [JSONValue] = []
    skipBlanks()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      return .array(values)
    }
    while true {
      skipBlanks()
      values.append(try value())
      skipBlanks()
      guard position < bytes.count else { throw fail("unexpected end in an array") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        continue
      }
      guard bytes[position] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
      position += 1
      return .array(values)
    }
  }

  /// Reads past one value, checking it as `value()` does, and builds nothing of it.
  private mutating func skipValue() throws(JSONParseError) {
    guard position < bytes.count else { throw fail("unexpected end") }
    switch bytes[position] {
    case UInt8(ascii: "\""): try skipString()
    case UInt8(ascii: "["), UInt8(ascii: "{"):
      try enter()
      defer { depth -= 1 }
      let isObject = bytes[position] == UInt8(ascii: "{")
      let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
      position += 1
      skipBlanks()
      if position < bytes.count, bytes[position] == close {
        position += 1
        return
      }
      while true {
        skipBlanks()
        if isObject {
          guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
          try skipString()
          skipBlanks()
          guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
          position += 1
          skipBlanks()
        }
        try skipValue()
        skipBlanks()
        guard position < bytes.count else { throw fail("unexpected end") }
        if bytes[position] == UInt8(ascii: ",") {
          position += 1
          continue
        }
        guard bytes[position] == close else { throw fail(isObject ? "expected ',' or '}'" : "expected ',' or ']'") }
        position += 1
        return
      }
    default: _ = try value()
    }
  }

  /// Reads past a string, checking its escapes and control characters, building nothing.
  private mutating func skipString() throws(JSONParseError) {
    position += 1
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        position += 1
        return
      }
      if byte < 0x20 { throw fail("a control character in a string") }
      guard byte == UInt8(ascii: "\\") else {
        position += 1
        continue
      }
      position += 1
      guard position < bytes.count else { break }
      let escape = bytes[position]
      position += 1
      switch escape {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
        continue
      case UInt8(ascii: "u"): _ = try unicodeEscape()
      default: throw fail("an invalid escape")
      }
    }
    throw fail("an unterminated string")
  }

  private mutating func number() throws(JSONParseError) -> JSONValue {
    let start = position
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    func digits() -> Int {
      let first = position
      while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
      return position - first
    }
    let integerStart = position
    let integerDigits = digits()
    guard integerDigits > 0 else { throw fail("a number needs digits") }
    if integerDigits > 1, bytes[integerStart] == 0x30 { throw fail("leading zero") }
    var isInteger = true
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      position += 1
      isInteger = false
      guard digits() > 0 else { throw fail("a fraction needs digits") }
    }
    if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
      position += 1
      isInteger = false
      if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
      guard digits() > 0 else { throw fail("an exponent needs digits") }
    }
    // Integers of up to 18 digits (every one a report or a compiled rule holds) without a String.
    if isInteger, integerDigits <= 18 {
      var magnitude = 0
      for index in integerStart..<position { magnitude = magnitude &* 10 &+ Int(bytes[index] &- 0x30) }
      return .int(integerStart > start ? -magnitude : magnitude)
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    if isInteger, let value = Int(text) { return .int(value) }
    guard let value = Double(text), value.isFinite else { throw fail("number out of range") }
    return .double(value)
  }

  private mutating func string() throws(JSONParseError) -> String {
    position += 1
    let start = position
    // Most strings hold no escape: one decode of their bytes. Appending them scalar by
    // scalar cost some 300 instructions a byte; a byte loop asking three questions, 14 over a
    // compiled catalog's 40 KB. The closing quote is found with memchr, and the bytes before it
    // asked for a backslash (memchr again) and a control character.
    let byteCount = bytes.count
    if let base = bytes.baseAddress, position < byteCount, let found = memchr(base + position, 0x22, byteCount - position) {
      let quote = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
      let text = UnsafeBufferPointer(rebasing: bytes[start..<quote])
      if memchr(base + start, 0x5C, quote - start) == nil, !text.contains(where: { $0 < 0x20 }) {
        position = quote + 1
        return String(decoding: text, as: UTF8.self)
      }
    }
    while position < byteCount {
      let byte = bytes[position]
      if byte < 0x20 { throw fail("a control character in a string") }
      if byte == UInt8(ascii: "\\") { break }
      if byte == UInt8(ascii: "\"") { break }
      position += 1
    }
    if position < byteCount, bytes[position] == UInt8(ascii: "\"") {
      position += 1
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(position - 1)]), as: UTF8.self)
    }
    guard position < bytes.count else { throw fail("an unterminated string") }
    // With escapes: the text as UTF-8 (escapes encoded) in a buffer as long as the string's
    // bytes (no escape decodes to more bytes than it is written with), decoded once at the
    // closing quote. Appending the runs between escapes to an array cost a hundred
    // instructions a run.
    var end = position
    while end < bytes.count && bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
    guard end < bytes.count else { throw fail("an unterminated string") }
    let text = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: end - start)
    defer { text.deallocate() }
    var count = position - start
    if count > 0 { _ = text.initialize(fromContentsOf: bytes[start..<position]) }
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        position += 1
        return String(decoding: UnsafeBufferPointer(rebasing: text[..<count]), as: UTF8.self)
      }
      if byte < 0x20 { throw fail("a control character in a string") }
      guard byte == UInt8(ascii: "\\") else {
        // A run up to the next escape, quote or control character, copied at once.
        let runStart = position
        while position < end, bytes[position] >= 0x20, bytes[position] != UInt8(ascii: "\\") { position += 1 }
        (text.baseAddress! + count).initialize(from: bytes.baseAddress! + runStart, count: position - runStart)
        count += position - runStart
        continue
      }
      position += 1
      guard position < bytes.count else { break }
      let escape = bytes[position]
      position += 1
      let scalar: Unicode.Scalar
      switch escape {
      case UInt8(ascii: "\""): scalar = "\""
      case UInt8(ascii: "\\"): scalar = "\\"
      case UInt8(ascii: "/"): scalar = "/"
      case UInt8(ascii: "b"): scalar = "\u{08}"
      case UInt8(ascii: "f"): scalar = "\u{0C}"
      case UInt8(ascii: "n"): scalar = "\n"
      case UInt8(ascii: "r"): scalar = "\r"
      case UInt8(ascii: "t"): scalar = "\t"
      case UInt8(ascii: "u"): scalar = try unicodeEscape()
      default: throw fail("an invalid escape")
      }
      for unit in UTF8.encode(scalar)! {
        text[count] = unit
        count += 1
      }
    }
    throw fail("an unterminated string")
  }

  /// The scalar of a `\\u` escape whose `u` was read: four hex digits, or a surrogate pair.
  private mutating func unicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
    var unit = try hex4()
    if (0xD800...0xDBFF).contains(unit) {
      guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
      else { throw fail("an unpaired surrogate") }
      position += 2
      let low = try hex4()
      guard (0xDC00...0xDFFF).contains(low) else { throw fail("an unpaired surrogate") }
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
    } else if (0xDC00...0xDFFF).contains(unit) {
      throw fail("an unpaired surrogate")
    }
    guard let scalar = Unicode.Scalar(unit) else { throw fail("an invalid escape") }
    return scalar
  }

  private mutating func hex4() throws(JSONParseError) -> UInt32 {
    guard bytes.count - position >= 4 else { throw fail("a short \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt32
      switch byte {
      case 0x30...0x39: digit = UInt32(byte - 0x30)
      case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
      case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
      default: throw fail("a bad \\u escape")
      }
      value = value << 4 | digit
      position += 1
    }
    return value
  }
}
