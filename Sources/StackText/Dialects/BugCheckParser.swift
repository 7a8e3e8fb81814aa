//===--- BugCheckParser.swift - STOP errors in text -------------------------===//
//
// Forms (formats.md §4):
//   *** STOP: 0x0000000A (0x00000000,0x00000002,0x00000000,0x80100000)
//   STOP 0x0A (Ox14,0x2,0x0,0xf1583318)             no colon, short code, O for 0
//   STOP: 0X00002B (0xDE05CFA4,0x00000003,0Xfffffff0,0xf657c000)
//   *** STOP: 0x0000000A (0xXXXXXXXX,0x00000002,…)  masked parameters
//   STOP 0x0000000A (0x00000006, 0x00000002, …)     blanks in the list
//   Bugcheck 0000001e : c0000005 801704a7 00000001 00000001        (kd)
//   *** Fatal System Error: 0x0000006b  (parameters may follow on the next line)
// The name (IRQL_NOT_LESS_OR_EQUAL) follows on the same line or the next one.
// A STOP mentioned without parameters ("Stop 0x0A in Tcpip.sys") is prose.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Recognises STOP lines; holds one back for a line to see whether the name follows.
struct BugCheckParser {
  private var pending: BugCheck?

  /// Offers a line. A completed bug check is passed to `emit`. Returns whether the
  /// line was consumed (a STOP line, or the name line of a pending one).
  mutating func consume(_ line: TextLine, emit: (BugCheck) -> Void) -> Bool {
    if var check = pending {
      pending = nil
      if check.parameters.isEmpty, let parameters = Self.parameterList(line.bytes(fromToken: 0)) {
        check.parameters = parameters.values
        check.lines = check.lines?.including(line.number)
        pending = check
        return true
      }
      if line.tokens.count == 1, let name = Self.symbolicName(line.token(0)) {
        check.name = name
        check.lines = check.lines?.including(line.number)
        emit(check)
        return true
      }
      emit(check)
    }
    guard let check = Self.parse(line) else { return false }
    if check.name != nil && !(check.parameters.isEmpty) {
      emit(check)
    } else {
      pending = check
    }
    return true
  }

  /// Emits a bug check held back for its name.
  mutating func finish(emit: (BugCheck) -> Void) {
    if let pending { emit(pending) }
    pending = nil
  }

  /// Parses one line. Read as bytes: strings are built only for the name.
  static func parse(_ line: TextLine) -> BugCheck? {
    guard mayHoldBugCheck(line) else { return nil }
    let content = line.bytes[line.contentStart...]
    if Bytes.hasPrefix(content, "Bugcheck ") {
      // kd: `Bugcheck 0000001e : c0000005 801704a7 00000001 00000001`
      let words = content.dropFirst(9).split(separator: ASCII.space)
      guard words.count >= 6, words[1].count == 1, words[1].first == ASCII.colon,
        let code = HexNumber.digits(words[0]), code <= UInt64(UInt32.max)
      else { return nil }
      var parameters: [UInt64?] = []
      for word in words[2..<6] {
        guard let value = HexNumber.digits(word) else { return nil }
        parameters.append(value)
      }
      return BugCheck(code: UInt32(code), parameters: parameters, lines: LineRange(line: line.number))
    }
    if let marker = Bytes.firstIndex(of: "Fatal System Error:", in: content) {
      // The parameters, when printed, follow on the next line.
      let rest = Bytes.trimmingBlanks(line.bytes[(marker + 19)...])
      guard let code = number(rest.prefix { $0 != ASCII.space && $0 != ASCII.openParen }) else { return nil }
      return BugCheck(code: UInt32(truncatingIfNeeded: code), parameters: [], lines: LineRange(line: line.number))
    }
    guard let stop = Bytes.firstIndex(of: "STOP", in: content) else { return nil }
    // The word STOP, not the end of another word.
    if stop > content.startIndex, ASCII.isLetter(line.bytes[stop - 1]) { return nil }
    var rest = line.bytes[(stop + 4)...]
    if rest.first == ASCII.colon { rest = rest.dropFirst() }
    rest = Bytes.trimmingBlanks(rest)
    let codeText = rest.prefix { $0 != ASCII.space && $0 != ASCII.openParen }
    guard Bytes.hasPrefix(codeText, "0x"), let code = number(codeText), code <= UInt64(UInt32.max) else { return nil }
    rest = Bytes.trimmingBlanks(rest.dropFirst(codeText.count))
    guard let (parameters, after) = parameterList(rest) else { return nil }
    let trailing = after.prefix { $0 != ASCII.space }
    return BugCheck(
      code: UInt32(code), parameters: parameters, name: symbolicName(trailing), lines: LineRange(line: line.number))
  }

  /// `s`, `b`, `f` (`stop`, `bugcheck`, `fatal`) and `*`, as constants (`TokenLeads.of` would
  /// be evaluated lazily on every line).
  static let wordLeads = TokenLeads(bits: 1 << 18 | 1 << 1 | 1 << 5)
  static let otherLeads = TokenLeads(bits: 1 << 26)

  /// A token-level filter: some token starts with `stop`, `bugcheck` or `fatal`.
  /// Runs on every line, so it neither scans bytes twice nor allocates.
  static func mayHoldBugCheck(_ line: TextLine) -> Bool {
    // `stop`, `bugcheck` and `fatal` are words (`TokenLeads.startsWord`); `***STOP` starts
    // with stars.
    guard line.wordLeads.intersects(wordLeads) || line.tokenLeads.intersects(otherLeads) else { return false }
    for range in line.tokens {
      let lead = ASCII.lowercased(line.bytes[range.lowerBound])
      guard lead == 0x73 || lead == 0x62 || lead == 0x66 || lead == ASCII.star else { continue }
      var start = range.lowerBound
      while start < range.upperBound && line.bytes[start] == ASCII.star { start += 1 }
      let token = line.bytes[start..<range.upperBound]
      if Bytes.hasPrefix(token, "stop") || Bytes.hasPrefix(token, "bugcheck") || Bytes.hasPrefix(token, "fatal") {
        return true
      }
    }
    return false
  }

  /// `(p1,p2,p3,p4)` with commas and/or blanks; returns the values and the text after `)`.
  static func parameterList(_ text: ByteSlice) -> (values: [UInt64?], after: ByteSlice)? {
    guard text.first == ASCII.openParen, let close = text.firstIndex(of: ASCII.closeParen) else { return nil }
    let items = text[(text.startIndex + 1)..<close].split(whereSeparator: { $0 == ASCII.comma || $0 == ASCII.space })
    guard (1...5).contains(items.count) else { return nil }
    var values: [UInt64?] = []
    for item in items {
      if Bytes.hasPrefix(item, "0x") && item.dropFirst(2).allSatisfy({ $0 | 0x20 == ASCII.lowerX }) {
        values.append(nil)  // 0xXXXXXXXX: masked by the article
      } else if let value = number(item) {
        values.append(value)
      } else {
        return nil
      }
    }
    return (values, Bytes.trimmingBlanks(text[(close + 1)...]))
  }

  /// `0x0A`, `0X00002B`, `Ox14` (letter O for zero), or bare hex.
  static func number(_ text: some ByteCollection) -> UInt64? {
    var digits = text[...]
    if Bytes.hasPrefix(digits, "0x") || Bytes.hasPrefix(digits, "ox") { digits = digits.dropFirst(2) }
    guard !digits.isEmpty, digits.count <= 16 else { return nil }
    return HexNumber.digits(digits)
  }

  /// `IRQL_NOT_LESS_OR_EQUAL`: upper case letters, digits and underscores, one underscore at least.
  static func symbolicName(_ word: some ByteCollection) -> String? {
    guard word.count >= 4, word.contains(ASCII.underscore),
      word.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ASCII.isDigit($0) || $0 == ASCII.underscore })
    else { return nil }
    return Bytes.string(word)
  }

}
