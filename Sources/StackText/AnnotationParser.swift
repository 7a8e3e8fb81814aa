//===--- AnnotationParser.swift - FPO data, [omap], argument lists, lines ---===//
//
// Grammar (formats.md §2.1 and §7), after the location:
//   '(FPO: [' p ',' l ',' r '])'              '(FPO: [EBP 0x' H '] [' p ',' l ',' r '])'
//   '(FPO: [' p ',' l '] TrapFrame @ ' H ')'  '(FPO: [Non-Fpo])'  '(FPO: Non-FPO [p,l,r])'
//   '(FPO: [SEH])'  '(UKNOWN FPO TYPE)'  '(No FPO)'  '[omap]'  '[Stdcall: ' n ']'
//   '[ file.c @ 254 ]'  '(' arg {',' arg} ')'  with arg = '0x' hex | '{...}' | '...'
// Groups may be unterminated when the listing was cut (`(FPO: [Non-Fpo]`); the
// text still parses. Anything else is kept as `.other`.
//
//===----------------------------------------------------------------------===//

import CrashCore

enum AnnotationParser {
  /// Parses the annotation text of a row into `result`.
  static func parse(_ bytes: [UInt8], into result: inout ParsedSymbolText) {
    for group in groups(bytes) {
      let text = String(String(decoding: group, as: UTF8.self).trimmingBlanks())
      guard !text.isEmpty else { continue }
      if let annotation = fpo(text) {
        result.annotations.append(annotation)
      } else if let line = sourceLine(text) {
        result.sourceLine = line
      } else if text.lowercased() == "[omap]" {
        result.annotations.append(.omap)
      } else if let bytes = stdcall(text) {
        result.annotations.append(.stdcall(bytes))
      } else if let (arguments, values) = argumentList(text) {
        result.annotations.append(.argumentList(arguments))
        result.argumentValues = values
      } else {
        result.annotations.append(.other(text))
      }
    }
  }

  /// Splits the text into top-level bracket groups and the text between them.
  static func groups(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var result: [ArraySlice<UInt8>] = []
    var index = 0
    var plainStart = 0
    while index < bytes.count {
      let byte = bytes[index]
      guard byte == ASCII.openParen || byte == ASCII.openBracket else {
        index += 1
        continue
      }
      if index > plainStart { result.append(bytes[plainStart..<index]) }
      var depth = 0
      var end = index
      while end < bytes.count {
        let current = bytes[end]
        if current == ASCII.openParen || current == ASCII.openBracket { depth += 1 }
        if current == ASCII.closeParen || current == ASCII.closeBracket {
          depth -= 1
          if depth == 0 { break }
        }
        end += 1
      }
      let groupEnd = min(end + 1, bytes.count)
      result.append(bytes[index..<groupEnd])
      index = groupEnd
      plainStart = index
    }
    if plainStart < bytes.count { result.append(bytes[plainStart...]) }
    return result
  }

  /// `(FPO: …)`, `(UKNOWN FPO TYPE)`, `(No FPO)`.
  static func fpo(_ text: String) -> FrameAnnotation? {
    let lower = text.lowercased()
    if lower.hasPrefix("(uknown fpo") || lower.hasPrefix("(unknown fpo") { return .unknownFPOType }
    if lower.hasPrefix("(no fpo") { return .noFPO }
    guard lower.hasPrefix("(fpo") else { return nil }
    var body = Substring(lower.dropFirst(4))
    if body.hasPrefix(":") { body = body.dropFirst() }
    if body.contains("[seh]") { return .sehFrame }
    var summary = FPOSummary()
    // The last `[p,l,r]` (or `[p,l]`) group; brackets may have been lost in a wrap.
    if let numbers = lastNumberGroup(body) {
      summary.parameterDwords = numbers.first
      summary.localDwords = numbers.count > 1 ? numbers[1] : nil
      summary.savedRegisters = numbers.count > 2 ? numbers[2] : nil
    }
    if let ebp = body.rangeIgnoringCase(of: "ebp") {
      summary.savedEBP = lenientHex(body[ebp.upperBound...].prefix { $0 != "]" && $0 != "[" }).map { Address($0) }
    }
    if body.contains("non-fpo") || body.contains("non- fpo") {
      return .nonFPO(summary.parameterDwords == nil ? nil : summary)
    }
    let nothingRead = summary.parameterDwords == nil && summary.savedEBP == nil
    if let at = body.rangeIgnoringCase(of: "trapframe @") ?? body.rangeIgnoringCase(of: "trapframe@") {
      let tail = body[at.upperBound...].trimmingPrefixBlanks()
      let digits = tail.prefix { $0.isHexDigit }
      if let address = HexNumber.digits(ArraySlice(digits.utf8)) {
        return .trapFrame(summary, Address(address))
      }
    }
    // `(FPO: [EB` cut off: keep the text; it still says the frame is x86 FPO data.
    if nothingRead { return .other(text) }
    return .fpo(summary)
  }

  /// `[ mnode.cpp @ 984 ]`, `[D:\nt\private\…\thread.c @ 1753]`.
  static func sourceLine(_ text: String) -> SourceLine? {
    guard text.hasPrefix("["), let at = text.lastIndex(of: "@") else { return nil }
    let file = text[text.index(after: text.startIndex)..<at].trimmingBlanks()
    let number = text[text.index(after: at)...].filter(\.isNumber)
    guard !file.isEmpty, let line = Int(number), line > 0 else { return nil }
    return SourceLine(file: String(file), line: line)
  }

  /// `[Stdcall: 0]`.
  static func stdcall(_ text: String) -> Int? {
    let lower = text.lowercased()
    guard lower.hasPrefix("[stdcall") else { return nil }
    return Int(lower.filter(\.isNumber))
  }

  /// `(0x0207F7D8, 0x02080000)`, `({...})`, `(...)`, `({...}, {...})`.
  static func argumentList(_ text: String) -> ([String], [UInt64?])? {
    guard text.hasPrefix("(") else { return nil }
    var body = text.dropFirst()
    if body.hasSuffix(")") { body = body.dropLast() }
    let arguments = body.split(separator: ",").map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
    var values: [UInt64?] = []
    for argument in arguments {
      if let value = HexNumber.prefixed(ArraySlice(argument.utf8)) {
        values.append(value)
      } else if argument.allSatisfy({ $0 == "." }) {
        continue  // `(...)`: the debugger did not show the arguments
      } else if argument.allSatisfy({ $0 == "." || $0 == "{" || $0 == "}" }) {
        values.append(nil)  // `{...}`: a structure passed by value
      } else {
        return nil
      }
    }
    return (arguments.map(String.init), values)
  }

  /// The numbers of the last `[n,n(,n)]` group in the text.
  private static func lastNumberGroup(_ text: Substring) -> [Int]? {
    var found: [Int]?
    var rest = text
    while let open = rest.firstIndex(of: "[") {
      let afterOpen = rest.index(after: open)
      let close = rest[afterOpen...].firstIndex(where: { $0 == "]" || $0 == "[" }) ?? rest.endIndex
      if let numbers = numberList(rest[afterOpen..<close]) { found = numbers }
      rest = rest[close...]
      if rest.first == "]" { rest = rest.dropFirst() }
    }
    return found
  }

  /// `2,0,2` → [2, 0, 2]; nil unless every comma-separated field is a decimal number.
  private static func numberList(_ text: Substring) -> [Int]? {
    let fields = text.split(separator: ",").map { $0.trimmingBlanks() }
    guard !fields.isEmpty, fields.count <= 3 else { return nil }
    let numbers = fields.compactMap { Int($0) }
    return numbers.count == fields.count ? numbers : nil
  }

  /// `0x0104e4c4`, `00057e40`, `x60da1d10` (a digit lost in a wrap), blanks inside.
  private static func lenientHex(_ text: Substring) -> UInt64? {
    var digits = text.filter { $0 != " " && $0 != ")" }[...]
    if digits.hasPrefix("0x") { digits = digits.dropFirst(2) } else if digits.hasPrefix("x") { digits = digits.dropFirst() }
    return HexNumber.digits(ArraySlice(digits.utf8))
  }
}

extension StringProtocol where SubSequence == Substring {
  /// The text without leading and trailing blanks.
  func trimmingBlanks() -> Substring {
    let scalars = self[...]
    guard let first = scalars.firstIndex(where: { $0 != " " }),
      let last = scalars.lastIndex(where: { $0 != " " })
    else { return scalars[scalars.endIndex...] }
    return scalars[first...last]
  }

  /// The text without leading blanks.
  func trimmingPrefixBlanks() -> Substring {
    let scalars = self[...]
    return scalars[(scalars.firstIndex(where: { $0 != " " }) ?? scalars.endIndex)...]
  }
}
