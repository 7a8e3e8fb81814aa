//===--- DrWatsonLog.swift - The structure of a drwtsn32.log ----------------===//
//
// DrWtsn32 (NT 3.5x–2000) writes, per crash (strings from drwatson/messages.mc):
//
//   Application exception occurred:
//           App: exe\emsmta.dbg (pid=203)
//           When: 3/4/1997 @ 12:3:5.789
//           Exception number: c0000005 (access violation)
//   *----> System Information <----*      Computer Name: …  Processor Type: …
//   *----> Task List <----*               203 emsmta.exe
//   *----> Module List <----*             (00400000 - 00540000) exe\emsmta.dbg
//   *----> State Dump for Thread Id 0xa4 <----*
//           registers, `function: name`, disassembly with `FAULT ->`
//   *----> Stack Back Trace <----*        FramePtr ReturnAd Param#1 … rows
//   *----> Raw Stack Dump <----*          0012f8c8  fe 2f 2f 0e … - …  ascii
//   *----> Symbol Table <----*
//
// Variants seen: `*----< Stack Back Trace >----*`, `*---- Stack Back Trace ----*`,
// a state-dump line without the stars, `State Dump Of Thread ID`, and the
// header fields run together on one line when a page re-flowed the log.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The sections of a Dr. Watson log.
enum DrWatsonSection: Equatable {
  case systemInformation
  case taskList
  case moduleList
  case stateDump(threadID: UInt32?)
  case stackBackTrace
  case rawStackDump
  case symbolTable
  case other(String)

  /// Recognises a section banner (`*----> Task List <----*`) or a bare
  /// `State Dump for Thread Id 0x…` line.
  static func recognise(_ line: TextLine) -> DrWatsonSection? {
    guard let first = line.tokens.first else { return nil }
    // Every banner starts with `*` or `-`, a bare header with `State`: most lines stop here.
    let lead = line.bytes[first.lowerBound]
    guard lead == ASCII.star || lead == ASCII.minus || lead | 0x20 == 0x73 else { return nil }
    let start = line.bytes[first]
    // `*----> Task List <----*`, `*----< … >----*`, `*---- … ----*`, `-----Stack Back Trace------`.
    let isBanner =
      (start.first == ASCII.star && start.count >= 3 && start.dropFirst().first == ASCII.minus)
      || (start.count >= 3 && start.prefix(3).allSatisfy { $0 == ASCII.minus } && line.bytes.last == ASCII.minus)
    if !isBanner {
      // `State Dump for Thread Id 0xb4` without the banner.
      guard line.starts(with: "State Dump") else { return nil }
    }
    // The title: the line without the banner's stars, dashes, arrows and blanks.
    let bytes = line.bytes
    var lower = line.contentStart
    var upper = bytes.count
    func isDecoration(_ byte: UInt8) -> Bool {
      byte == ASCII.star || byte == ASCII.minus || byte == ASCII.lessThan || byte == ASCII.greaterThan || byte == ASCII.space
    }
    while lower < upper && isDecoration(bytes[lower]) { lower += 1 }
    while upper > lower && isDecoration(bytes[upper - 1]) { upper -= 1 }
    let title = bytes[lower..<upper]
    if Bytes.hasPrefix(title, "state dump") {
      // The thread id is the last word: `0xa4` or `a4`.
      var start = upper
      while start > lower && bytes[start - 1] != ASCII.space { start -= 1 }
      var digits = bytes[start..<upper]
      if Bytes.hasPrefix(digits, "0x") { digits = digits.dropFirst(2) }
      let id = digits.count <= 8 ? HexNumber.digits(digits).map { UInt32($0) } : nil
      return .stateDump(threadID: id)
    }
    guard isBanner else { return nil }
    if Bytes.equalsIgnoringCase(title, "system information") { return .systemInformation }
    if Bytes.equalsIgnoringCase(title, "task list") { return .taskList }
    if Bytes.equalsIgnoringCase(title, "module list") { return .moduleList }
    if Bytes.equalsIgnoringCase(title, "stack back trace") { return .stackBackTrace }
    if Bytes.equalsIgnoringCase(title, "raw stack dump") { return .rawStackDump }
    if Bytes.equalsIgnoringCase(title, "symbol table") { return .symbolTable }
    return title.isEmpty ? nil : .other(Bytes.string(title))
  }
}

/// The fields of Dr. Watson's crash header.
enum DrWatsonHeader {
  /// Whether the line opens a Dr. Watson crash record.
  static func isStart(_ line: TextLine) -> Bool {
    line.starts(with: "Application exception occurred")
  }

  private static let beforeApp: [StaticString] = ["When:", "Exception number:"]
  private static let beforeWhen: [StaticString] = ["App:", "Application:", "Exception number:"]
  private static let beforeNumber: [StaticString] = ["App:", "Application:", "When:"]

  /// Reads `App:`, `When:` and `Exception number:` wherever they are on the line
  /// (labels matched ignoring ASCII case; strings built only for the values).
  static func fields(_ line: TextLine, into application: inout ApplicationInfo, exception: inout CrashException?) {
    let text = line.bytes[line.contentStart...]
    if let app = value(after: "App:", in: text, before: beforeApp)
      ?? value(after: "Application:", in: text, before: beforeApp)
    {
      var name = app
      if let pid = Bytes.firstIndex(of: "(pid=", in: app) {
        let digits = app[(pid + 5)...].prefix(while: ASCII.isDigit)
        application.processID = decimal(digits)
        name = Bytes.trimmingBlanks(app[..<pid])
      }
      if !name.isEmpty { application.name = Bytes.string(name) }
    }
    if let when = value(after: "When:", in: text, before: beforeWhen) {
      application.when = Bytes.string(when)
    }
    if let number = value(after: "Exception number:", in: text, before: beforeNumber) {
      let digits = number.prefix(while: ASCII.isHexDigit)
      if digits.count <= 8, let code = HexNumber.digits(digits) {
        var description: String?
        if let open = number.firstIndex(of: ASCII.openParen), let close = number.lastIndex(of: ASCII.closeParen),
          open < close
        {
          description = Bytes.string(number[(open + 1)..<close])
        }
        exception = CrashException(
          code: ExceptionCode(rawValue: UInt32(code)), description: description, lines: LineRange(line: line.number))
      }
    }
    application.lines = (application.lines ?? LineRange(line: line.number)).including(line.number)
  }

  /// The text after `label` up to the first of `others` after it, trimmed; nil when absent or empty.
  private static func value(after label: StaticString, in text: ByteSlice, before others: [StaticString]) -> ByteSlice? {
    guard let found = Bytes.firstIndex(of: label, in: text) else { return nil }
    let start = found + label.utf8CodeUnitCount
    var end = text.endIndex
    for other in others {
      if let next = Bytes.firstIndex(of: other, in: text[start..<end]) { end = next }
    }
    let value = Bytes.trimmingBlanks(text[start..<end])
    return value.isEmpty ? nil : value
  }


  /// Decimal digits as a 32-bit number; nil for none or a larger value.
  private static func decimal(_ digits: ByteSlice) -> UInt32? {
    guard !digits.isEmpty, digits.count <= 10 else { return nil }
    return UInt32(exactly: digits.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - ASCII.zero) })
  }
}

/// The `FAULT ->` line and the `function:` label of a state dump.
enum FaultLine {
  /// Parses `FAULT ->0041b2a9 8b54c8fc mov edx,[eax+ecx*8-0x4]` and the Alpha
  /// `Fault  ->603049ac: 2c510000 ldq_u t1,0(a1)`, anywhere on the line.
  static func parse(_ line: TextLine) -> FaultInstruction? {
    // Every form has an arrow (`->`, `-->`); look for it before the word.
    guard line.contains(byte: ASCII.greaterThan), Bytes.contains(line.bytes[...], "->"),
      let marker = Bytes.firstIndex(of: "fault", in: line.bytes[...])
    else {
      return nil
    }
    var index = marker + 5
    while index < line.bytes.count && line.bytes[index] == ASCII.space { index += 1 }
    guard index + 1 < line.bytes.count, line.bytes[index] == ASCII.minus else { return nil }
    while index < line.bytes.count && (line.bytes[index] == ASCII.minus || line.bytes[index] == ASCII.greaterThan) { index += 1 }
    while index < line.bytes.count && line.bytes[index] == ASCII.space { index += 1 }
    var end = index
    while end < line.bytes.count && ASCII.isHexDigit(line.bytes[end]) { end += 1 }
    guard end - index >= 6, end - index <= 16, let address = HexNumber.digits(line.bytes[index..<end]) else { return nil }
    var rest = end
    if rest < line.bytes.count && line.bytes[rest] == ASCII.colon { rest += 1 }
    let tail = Bytes.trimmingBlanks(line.bytes[rest...])
    // Drop the opcode bytes: the first word of hex digits.
    var disassembly: String?
    if let blank = tail.firstIndex(of: ASCII.space), tail[..<blank].allSatisfy(ASCII.isHexDigit) {
      disassembly = Bytes.string(Bytes.trimmingBlanks(tail[blank...]))
    } else if !tail.isEmpty {
      disassembly = Bytes.string(tail)
    }
    return FaultInstruction(address: Address(address), disassembly: disassembly, lines: LineRange(line: line.number))
  }

  /// `function: wcscpy`, `Function: !<No Symbol>`, `function:ESE!GetLogicalAddress`.
  static func functionLabel(_ line: TextLine) -> String? {
    guard line.starts(with: "function:") else { return nil }
    let text = Bytes.trimmingBlanks(line.bytes[(line.contentStart + 9)...])
    return text.isEmpty ? nil : Bytes.string(text)
  }
}

/// `(00400000 - 00540000) ..\..\BIN\MTACHECK.EXE` and ntsd's `ModLoad: base end path`.
enum ModuleListLine {
  /// A cheap test that must hold for `parse` to succeed: `(` or `ModLoad:` first.
  @inline(__always)
  static func mayBe(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first else { return false }
    return line.bytes[first.lowerBound] == ASCII.openParen || line.tokenEquals(0, "ModLoad:")
  }

  /// Parses a module-list line.
  static func parse(_ line: TextLine) -> CodeModule? {
    guard let first = line.tokens.first else { return nil }
    let bytes = line.bytes
    if bytes[first.lowerBound] == ASCII.openParen {
      // (base - end) path
      var index = first.lowerBound + 1
      func skipBlanks() { while index < bytes.count && bytes[index] == ASCII.space { index += 1 } }
      func hexWord() -> UInt64? {
        let start = index
        while index < bytes.count && ASCII.isHexDigit(bytes[index]) && index - start < 16 { index += 1 }
        return HexNumber.word(bytes[start..<index], allowMasked: false)?.value
      }
      skipBlanks()
      guard let base = hexWord() else { return nil }
      skipBlanks()
      guard index < bytes.count, bytes[index] == ASCII.minus else { return nil }
      index += 1
      skipBlanks()
      guard let end = hexWord() else { return nil }
      skipBlanks()
      guard index < bytes.count, bytes[index] == ASCII.closeParen else { return nil }
      index += 1
      skipBlanks()
      return module(base: base, end: end, path: bytes[index...], line: line.number)
    }
    if line.tokenEquals(0, "ModLoad:"), line.tokens.count >= 3,
      let base = HexNumber.word(line.token(1))?.value, let end = HexNumber.word(line.token(2))?.value
    {
      return module(base: base, end: end, path: line.bytes(fromToken: 3), line: line.number)
    }
    return nil
  }

  private static func module(base: UInt64, end: UInt64, path pathBytes: ByteSlice, line: Int) -> CodeModule {
    // The name is the last non-empty component of the path (separators `\` and `/`).
    var nameEnd = pathBytes.endIndex
    while nameEnd > pathBytes.startIndex && isSeparator(pathBytes[nameEnd - 1]) { nameEnd -= 1 }
    var nameStart = nameEnd
    while nameStart > pathBytes.startIndex && !isSeparator(pathBytes[nameStart - 1]) { nameStart -= 1 }
    let name = Bytes.string(pathBytes[nameStart..<nameEnd])
    let path = Bytes.string(pathBytes)
    let size = end >= base ? end - base : nil
    return CodeModule(
      name: name.isEmpty ? "(unnamed)" : name, path: path.isEmpty ? nil : path, base: Address(base), size: size,
      lines: LineRange(line: line))
  }

  private static func isSeparator(_ byte: UInt8) -> Bool { byte == ASCII.backslash || byte == ASCII.slash }
}

/// `0012f8c8  fe 2f 2f 0e 7c 29 2e 0e - 00 00 00 00 ec f8 10 0d  ./..|)..........`
enum RawStackDumpLine {
  /// One dump line's address and bytes (at most 16, held inline).
  struct Parsed {
    var address: UInt64 = 0
    var bytes = InlineArray<16, UInt8>(repeating: 0)
    var count = 0
  }

  /// The address and bytes of one dump line; nil when the line is not one (at least four
  /// bytes after an 8- or 16-digit address).
  static func parse(_ line: TextLine) -> Parsed? {
    guard line.tokens.count >= 3, let address = HexNumber.word(line.token(0), allowMasked: false)?.value else { return nil }
    var parsed = Parsed(address: address)
    if hasDrWatsonLayout(line), readDrWatsonLayout(line, into: &parsed) { return parsed }
    parsed.count = 0
    for index in 1..<line.tokens.count {
      let range = line.tokens[index]
      if range.count == 1 && line.bytes[range.lowerBound] == ASCII.minus { continue }
      guard range.count == 2, let high = ASCII.hexValue(line.bytes[range.lowerBound]),
        let low = ASCII.hexValue(line.bytes[range.lowerBound + 1])
      else { break }
      parsed.bytes[parsed.count] = high << 4 | low
      parsed.count += 1
      if parsed.count == 16 { break }
    }
    return parsed.count >= 4 ? parsed : nil
  }

  /// Whether tokens 1–17 are exactly sixteen two-byte tokens around a `-` in Dr. Watson's
  /// columns (what the general loop would read, when the pairs are hex).
  private static func hasDrWatsonLayout(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 18 else { return false }
    let first = line.tokens[1].lowerBound
    for index in 0..<16 {
      let start = first + DumpLineLayout.pairOffset(index)
      guard line.tokens[index < 8 ? index + 1 : index + 2] == start..<(start + 2) else { return false }
    }
    return line.tokens[9] == (first + 24)..<(first + 25) && line.bytes[first + 24] == ASCII.minus
  }

  /// Reads the sixteen pairs of Dr. Watson's layout four at a time (`HexSWAR`): the pairs
  /// are random data, and a branch per digit would guess wrong a third of the time. False
  /// when a pair is not hex (the general loop then decides).
  private static func readDrWatsonLayout(_ line: TextLine, into parsed: inout Parsed) -> Bool {
    guard let base = line.bytes.baseAddress else { return false }
    let first = base + line.tokens[1].lowerBound
    for group in 0..<4 {
      guard let value = HexSWAR.eightDigits(inWord: DumpLineLayout.pairDigits(first, group: group)) else { return false }
      for pair in 0..<4 { parsed.bytes[group * 4 + pair] = UInt8(truncatingIfNeeded: value >> UInt64(24 - 8 * pair)) }
    }
    parsed.count = 16
    return true
  }
}

/// WinDbg's per-thread header in `~*kb` output: `.120  id: f0f0f0f0.a1c   Suspend: 1 Teb 7ff72000 Unfrozen`.
enum DebuggerThreadHeader {
  /// The thread id and the header text, or nil when the line is not such a header.
  static func parse(_ line: TextLine) -> (id: UInt32, label: String)? {
    guard line.tokens.count >= 3 else { return nil }
    var index = 0
    if line.tokenEquals(0, ".") || line.tokenEquals(0, "#") { index = 1 }
    // Cheap filter first: the word after the number is `Id:`.
    guard line.tokenEquals(index + 1, "id:") else { return nil }
    var number = Substring(line.string(index))
    if number.hasPrefix(".") || number.hasPrefix("#") { number = number.dropFirst() }
    guard !number.isEmpty, number.allSatisfy(\.isNumber), line.tokenEquals(index + 1, "id:"), index + 2 < line.tokens.count
    else { return nil }
    let ids = line.string(index + 2).split(separator: ".")
    guard ids.count == 2, let thread = UInt32(ids[1], radix: 16) else { return nil }
    return (thread, line.trimmedText)
  }
}
