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
      if check.parameters.isEmpty, let parameters = Self.parameterList(Substring(line.trimmedText)) {
        check.parameters = parameters.0
        check.lines = check.lines?.including(line.number)
        pending = check
        return true
      }
      if line.tokens.count == 1, let name = Self.symbolicName(line.string(0)) {
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

  /// Parses one line.
  static func parse(_ line: TextLine) -> BugCheck? {
    guard mayHoldBugCheck(line) else { return nil }
    // The markers are found in the bytes; strings are built only for a line that has one.
    let content = line.bytes[line.contentStart...]
    if Bytes.hasPrefix(content, "Bugcheck ") {
      // kd: `Bugcheck 0000001e : c0000005 801704a7 00000001 00000001`
      let words = Bytes.string(content.dropFirst(9)).split(separator: " ")
      guard words.count >= 2, words[1] == ":", let code = UInt32(words[0], radix: 16) else { return nil }
      let parameters = words.dropFirst(2).prefix(4).map { UInt64($0, radix: 16) }
      guard parameters.count == 4, parameters.allSatisfy({ $0 != nil }) else { return nil }
      return BugCheck(code: code, parameters: parameters, lines: LineRange(line: line.number))
    }
    if let marker = Bytes.firstIndex(of: "Fatal System Error:", in: content) {
      let rest = Substring(Bytes.string(line.bytes[(marker + 19)...])).trimmingBlanks()
      guard let code = number(rest.prefix { !$0.isWhitespace && $0 != "(" }) else { return nil }
      let parameters = parameterList(rest)?.0 ?? []
      return BugCheck(code: UInt32(truncatingIfNeeded: code), parameters: parameters, lines: LineRange(line: line.number))
    }
    guard let stop = Bytes.firstIndex(of: "STOP", in: content) else { return nil }
    // The word STOP, not the end of another word.
    if stop > content.startIndex, ASCII.isLetter(line.bytes[stop - 1]) { return nil }
    let text = Bytes.string(line.bytes[(stop + 4)...])
    var rest = text[...]
    if rest.hasPrefix(":") { rest = rest.dropFirst() }
    rest = rest.trimmingBlanks()
    let codeText = rest.prefix { !$0.isWhitespace && $0 != "(" }
    guard codeText.lowercased().hasPrefix("0x"), let code = number(codeText), code <= UInt64(UInt32.max) else { return nil }
    rest = rest.dropFirst(codeText.count).trimmingBlanks()
    guard let (parameters, after) = parameterList(rest) else { return nil }
    let trailing = after.split(separator: " ").first.map(String.init)
    return BugCheck(
      code: UInt32(code), parameters: parameters, name: trailing.flatMap(symbolicName), lines: LineRange(line: line.number))
  }

  private static let leads = TokenLeads.of("stop", "bugcheck", "fatal", "*")

  /// A token-level filter: some token starts with `stop`, `bugcheck` or `fatal`.
  /// Runs on every line, so it neither scans bytes twice nor allocates.
  static func mayHoldBugCheck(_ line: TextLine) -> Bool {
    guard line.tokenLeads.intersects(leads) else { return false }
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
  static func parameterList(_ text: Substring) -> ([UInt64?], Substring)? {
    guard text.hasPrefix("("), let close = text.firstIndex(of: ")") else { return nil }
    let inside = text[text.index(after: text.startIndex)..<close]
    let items = inside.split(whereSeparator: { $0 == "," || $0 == " " })
    guard (1...5).contains(items.count) else { return nil }
    var values: [UInt64?] = []
    for item in items {
      let lower = item.lowercased()
      if lower.hasPrefix("0x") && lower.dropFirst(2).allSatisfy({ $0 == "x" }) {
        values.append(nil)  // 0xXXXXXXXX: masked by the article
      } else if let value = number(item) {
        values.append(value)
      } else {
        return nil
      }
    }
    return (values, text[text.index(after: close)...].trimmingBlanks())
  }

  /// `0x0A`, `0X00002B`, `Ox14` (letter O for zero), or bare hex.
  static func number(_ text: Substring) -> UInt64? {
    var digits = text.lowercased()[...]
    if digits.hasPrefix("0x") || digits.hasPrefix("ox") { digits = digits.dropFirst(2) }
    guard !digits.isEmpty, digits.count <= 16 else { return nil }
    return UInt64(digits, radix: 16)
  }

  /// `IRQL_NOT_LESS_OR_EQUAL`: upper case letters, digits and underscores, one underscore at least.
  static func symbolicName(_ word: String) -> String? {
    guard word.count >= 4, word.contains("_"),
      word.allSatisfy({ ($0.isLetter && $0.isUppercase) || $0.isNumber || $0 == "_" })
    else { return nil }
    return word
  }
}
