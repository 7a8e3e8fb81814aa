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
  static func parse(_ bytes: ArraySlice<UInt8>, into result: inout ParsedSymbolText) {
    forEachGroup(bytes) { group in
      let text = Bytes.trimmingBlanks(group)
      guard !text.isEmpty else { return }
      if let annotation = fpo(text) {
        result.annotations.append(annotation)
      } else if let line = sourceLine(text) {
        result.sourceLine = line
      } else if Bytes.equalsIgnoringCase(text, "[omap]") {
        result.annotations.append(.omap)
      } else if let bytes = stdcall(text) {
        result.annotations.append(.stdcall(bytes))
      } else if let (arguments, values) = argumentList(text) {
        result.annotations.append(.argumentList(arguments))
        result.argumentValues = values
      } else {
        result.annotations.append(.other(Bytes.string(text)))
      }
    }
  }

  /// Calls `body` with each top-level bracket group of the text and each run of text
  /// between them, in order.
  static func forEachGroup(_ bytes: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>) -> Void) {
    var index = bytes.startIndex
    var plainStart = index
    while index < bytes.endIndex {
      let byte = bytes[index]
      guard byte == ASCII.openParen || byte == ASCII.openBracket else {
        index += 1
        continue
      }
      if index > plainStart { body(bytes[plainStart..<index]) }
      var depth = 0
      var end = index
      while end < bytes.endIndex {
        let current = bytes[end]
        if current == ASCII.openParen || current == ASCII.openBracket { depth += 1 }
        if current == ASCII.closeParen || current == ASCII.closeBracket {
          depth -= 1
          if depth == 0 { break }
        }
        end += 1
      }
      let groupEnd = min(end + 1, bytes.endIndex)
      body(bytes[index..<groupEnd])
      index = groupEnd
      plainStart = index
    }
    if plainStart < bytes.endIndex { body(bytes[plainStart...]) }
  }

  /// `(FPO: …)`, `(UKNOWN FPO TYPE)`, `(No FPO)`.
  static func fpo(_ text: ArraySlice<UInt8>) -> FrameAnnotation? {
    guard text.first == ASCII.openParen else { return nil }
    if Bytes.hasPrefix(text, "(uknown fpo") || Bytes.hasPrefix(text, "(unknown fpo") { return .unknownFPOType }
    if Bytes.hasPrefix(text, "(no fpo") { return .noFPO }
    guard Bytes.hasPrefix(text, "(fpo") else { return nil }
    var body = text.dropFirst(4)
    if body.first == ASCII.colon { body = body.dropFirst() }
    if Bytes.contains(body, "[seh]") { return .sehFrame }
    var summary = FPOSummary()
    // The last `[p,l,r]` (or `[p,l]`) group; brackets may have been lost in a wrap.
    if let numbers = lastNumberGroup(body) {
      summary.parameterDwords = numbers.first
      summary.localDwords = numbers.count > 1 ? numbers.second : nil
      summary.savedRegisters = numbers.count > 2 ? numbers.third : nil
    }
    if let ebp = Bytes.firstIndex(of: "ebp", in: body) {
      let value = body[(ebp + 3)...].prefix { $0 != ASCII.closeBracket && $0 != ASCII.openBracket }
      summary.savedEBP = lenientHex(value).map { Address($0) }
    }
    let nothingRead = summary.parameterDwords == nil && summary.savedEBP == nil
    if Bytes.contains(body, "non-fpo") || Bytes.contains(body, "non- fpo") {
      return .nonFPO(summary.parameterDwords == nil ? nil : summary)
    }
    if let at = Bytes.firstIndex(of: "trapframe", in: body) {
      var index = at + 9
      while index < body.endIndex && (body[index] == ASCII.space || body[index] == ASCII.at) { index += 1 }
      let digits = body[index...].prefix(while: ASCII.isHexDigit)
      if let address = HexNumber.digits(digits) {
        return .trapFrame(summary, Address(address))
      }
    }
    // `(FPO: [EB` cut off: keep the text; it still says the frame is x86 FPO data.
    if nothingRead { return .other(Bytes.string(text)) }
    return .fpo(summary)
  }

  /// `[ mnode.cpp @ 984 ]`, `[D:\nt\private\…\thread.c @ 1753]`.
  static func sourceLine(_ text: ArraySlice<UInt8>) -> SourceLine? {
    guard text.first == ASCII.openBracket, let at = text.lastIndex(of: ASCII.at) else { return nil }
    var fileStart = text.startIndex + 1
    var fileEnd = at
    while fileStart < fileEnd && text[fileStart] == ASCII.space { fileStart += 1 }
    while fileEnd > fileStart && text[fileEnd - 1] == ASCII.space { fileEnd -= 1 }
    let digits = text[(at + 1)...].filter(ASCII.isDigit)
    guard fileEnd > fileStart, !digits.isEmpty, digits.count <= 9,
      let line = Int(String(decoding: digits, as: UTF8.self)), line > 0
    else { return nil }
    return SourceLine(file: Bytes.string(text[fileStart..<fileEnd]), line: line)
  }

  /// `[Stdcall: 0]`.
  static func stdcall(_ text: ArraySlice<UInt8>) -> Int? {
    guard Bytes.hasPrefix(text, "[stdcall") else { return nil }
    let digits = text.filter(ASCII.isDigit)
    guard !digits.isEmpty, digits.count <= 9 else { return nil }
    return Int(String(decoding: digits, as: UTF8.self))
  }

  /// `(0x0207F7D8, 0x02080000)`, `({...})`, `(...)`, `({...}, {...})`.
  static func argumentList(_ text: ArraySlice<UInt8>) -> ([String], [UInt64?])? {
    guard text.first == ASCII.openParen else { return nil }
    var body = text.dropFirst()
    if body.last == ASCII.closeParen { body = body.dropLast() }
    var arguments: [String] = []
    var values: [UInt64?] = []
    for piece in body.split(separator: ASCII.comma) {
      var start = piece.startIndex
      var end = piece.endIndex
      while start < end && piece[start] == ASCII.space { start += 1 }
      while end > start && piece[end - 1] == ASCII.space { end -= 1 }
      let argument = piece[start..<end]
      guard !argument.isEmpty else { continue }
      if let value = HexNumber.prefixed(argument) {
        values.append(value)
      } else if argument.allSatisfy({ $0 == ASCII.period }) {
        arguments.append(Bytes.string(argument))
        continue  // `(...)`: the debugger did not show the arguments
      } else if argument.allSatisfy({ $0 == ASCII.period || $0 == ASCII.openBrace || $0 == ASCII.closeBrace }) {
        values.append(nil)  // `{...}`: a structure passed by value
      } else {
        return nil
      }
      arguments.append(Bytes.string(argument))
    }
    return (arguments, values)
  }

  /// `kp`'s argument list, `(type name = value, …)`: the arguments as printed (blanks
  /// collapsed, nested parentheses kept whole) and the values (`0x…` hex, `0n…` or plain
  /// digits decimal; nil for anything else).
  static func typedArgumentList(_ text: ArraySlice<UInt8>) -> ([String], [UInt64?]) {
    var body = text.dropFirst()
    if body.last == ASCII.closeParen { body = body.dropLast() }
    var arguments: [String] = []
    var values: [UInt64?] = []
    var current: [UInt8] = []
    var depth = 0
    func finish() {
      let words = current.split(separator: ASCII.space).map { Bytes.string($0) }
      current.removeAll(keepingCapacity: true)
      guard !words.isEmpty else { return }
      arguments.append(words.joined(separator: " "))
      guard let equals = words.firstIndex(of: "="), equals + 1 < words.count else {
        values.append(nil)
        return
      }
      let value = Array(words[equals + 1].utf8)[...]
      if let hex = HexNumber.prefixed(value) {
        values.append(hex)
      } else if Bytes.hasPrefix(value, "0n") {
        values.append(UInt64(Bytes.string(value.dropFirst(2))))
      } else {
        values.append(UInt64(Bytes.string(value)))
      }
    }
    for byte in body {
      if byte == ASCII.openParen { depth += 1 }
      if byte == ASCII.closeParen { depth -= 1 }
      if byte == ASCII.comma && depth == 0 {
        finish()
        continue
      }
      current.append(byte == ASCII.tab ? ASCII.space : byte)
    }
    finish()
    return (arguments, values)
  }

  /// One to three numbers of an FPO group (`[2,0,2]`, `[0,0]`), held without an array.
  struct NumberGroup {
    var first = 0
    var second = 0
    var third = 0
    var count = 0
  }

  /// The numbers of the last `[n,n(,n)]` group in the text.
  private static func lastNumberGroup(_ text: ArraySlice<UInt8>) -> NumberGroup? {
    var found: NumberGroup?
    var index = text.startIndex
    while index < text.endIndex {
      guard text[index] == ASCII.openBracket else {
        index += 1
        continue
      }
      var end = index + 1
      while end < text.endIndex && text[end] != ASCII.closeBracket && text[end] != ASCII.openBracket { end += 1 }
      if let numbers = numberList(text[(index + 1)..<end]) { found = numbers }
      index = end
    }
    return found
  }

  /// `2,0,2` → 2, 0, 2; nil unless there are one to three comma-separated fields and each
  /// is a decimal number of at most 9 digits (blanks inside ignored).
  private static func numberList(_ text: ArraySlice<UInt8>) -> NumberGroup? {
    var group = NumberGroup()
    var value = 0
    var digits = 0
    func closeField() -> Bool {
      guard digits > 0, group.count < 3 else { return false }
      switch group.count {
      case 0: group.first = value
      case 1: group.second = value
      default: group.third = value
      }
      group.count += 1
      value = 0
      digits = 0
      return true
    }
    for byte in text {
      if byte == ASCII.comma {
        guard closeField() else { return nil }
      } else if ASCII.isDigit(byte) {
        digits += 1
        guard digits <= 9 else { return nil }
        value = value * 10 + Int(byte - ASCII.zero)
      } else if byte != ASCII.space {
        return nil
      }
    }
    return closeField() ? group : nil
  }

  /// `0x0104e4c4`, `00057e40`, `x60da1d10` (a digit lost in a wrap), blanks inside.
  private static func lenientHex(_ text: ArraySlice<UInt8>) -> UInt64? {
    var digits = text.filter { $0 != ASCII.space && $0 != ASCII.closeParen }[...]
    if Bytes.hasPrefix(digits, "0x") {
      digits = digits.dropFirst(2)
    } else if Bytes.hasPrefix(digits, "x") {
      digits = digits.dropFirst()
    }
    return HexNumber.digits(digits)
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
