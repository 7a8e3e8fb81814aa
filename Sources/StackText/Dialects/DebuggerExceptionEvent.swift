//===--- DebuggerExceptionEvent.swift - WinDbg's line for an exception --------===//
//
// When the debuggee raises an exception, WinDbg, cdb, ntsd and kd print one line
// before the registers (dbgeng's event output):
//
//   (1a2c.1b3c): Access violation - code c0000005 (first chance)
//   (7f18.3c8c): Access violation - code c0000005 (first/second chance not available)
//   Access violation - code c0000005 (!!! second chance !!!)
//   (1a2c.1b3c): C++ EH exception - code e06d7363 (first chance)
//
// The prefix is the process and thread id in hex (kd prints none). A pasted
// session may hold several: a second-chance one is the crash, else the last.
//
// Visual Studio says the same in its exception dialog and Output window:
//
//   Unhandled exception at 0x00007FF6A1B2C3D4 in ledger.exe: 0xC0000005: Access violation
//   reading location 0x0000000000000010.
//   Exception thrown at 0x00007FFB1C2D3E4F (ntdll.dll) in ledger.exe: 0xC0000374: A heap has
//   been corrupted (parameters: 0x00007FFB1C34C7F0).
//   First-chance exception at 0x7c812afb (kernel32.dll) in ledger.exe: Microsoft C++
//   exception: std::bad_alloc at memory location 0x0012f8d0..
//
// with the pc (`at 0x…`), the module it is in when not the program, and the code
// (a C++ exception's is 0xE06D7363, which the dialog names instead of printing).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// One exception line of a debugger session.
struct DebuggerExceptionEvent {
  var code: UInt32
  var description: String
  var threadID: UInt32?
  /// Whether the debugger said `second chance` (the program did not handle it).
  var isSecondChance: Bool
  var line: Int

  /// The line's exception, or nil.
  static func parse(_ line: TextLine) -> DebuggerExceptionEvent? {
    let count = line.tokens.count
    guard count >= 5, count <= 24 else { return nil }
    var index = 0
    var threadID: UInt32?
    let first = line.token(0)
    if first.first == ASCII.openParen {
      // `(1a2c.1b3c):`
      guard first.count >= 6, Bytes.hasSuffix(first, "):"), let dot = first.firstIndex(of: UInt8(ascii: ".")) else { return nil }
      let process = first[(first.startIndex + 1)..<dot]
      let thread = first[(dot + 1)..<(first.endIndex - 2)]
      guard (1...8).contains(process.count), (1...8).contains(thread.count), HexNumber.digits(process) != nil,
        let value = HexNumber.digits(thread)
      else { return nil }
      threadID = UInt32(truncatingIfNeeded: value)
      index = 1
    }
    // `… - code c0000005 (…chance…)`
    guard let dash = (index + 1..<count - 3).first(where: { line.tokenEquals($0, "-") && line.tokenEquals($0 + 1, "code") })
    else {
      return nil
    }
    let digits = line.token(dash + 2)
    guard digits.count == 8, let code = HexNumber.digits(digits), line.token(dash + 3).first == ASCII.openParen else {
      return nil
    }
    let chance = line.text(fromToken: dash + 3)
    guard chance.hasSuffix("chance)") || chance.hasSuffix("chance !!!)") || chance.hasSuffix("not available)") else { return nil }
    let isSecondChance = line.tokenEquals(dash + 4, "second")
    let words = TextLimits.singleLine(TextLimits.capped(line.text(fromToken: index, throughToken: dash - 1), maximumBytes: 128))
    return DebuggerExceptionEvent(
      code: UInt32(truncatingIfNeeded: code), description: words + (isSecondChance ? " (second chance)" : ""), threadID: threadID,
      isSecondChance: isSecondChance, line: line.number)
  }

  /// The pc, when the line printed it (Visual Studio's `at 0x…`).
  var address: UInt64?

  /// Visual Studio's `Unhandled exception at 0x… in APP: 0xC0000005: …`, `Exception thrown at
  /// 0x… (MODULE) in APP: …`, `First-chance exception at …`, or nil.
  static func parseVisualStudio(_ line: TextLine) -> DebuggerExceptionEvent? {
    let count = line.tokens.count
    guard count >= 6, count <= 64 else { return nil }
    let isUnhandled = line.tokenEquals(0, "Unhandled") && line.tokenEquals(1, "exception")
    guard
      isUnhandled || (line.tokenEquals(0, "Exception") && line.tokenEquals(1, "thrown"))
        || (line.tokenEquals(0, "First-chance") && line.tokenEquals(1, "exception")),
      line.tokenEquals(2, "at"), Bytes.hasPrefix(line.token(3), "0x"), line.token(3).count <= 18,
      let address = HexNumber.digits(line.token(3).dropFirst(2))
    else { return nil }
    var index = 4
    if line.token(index).first == ASCII.openParen { index += 1 }  // `(ntdll.dll)`
    guard line.tokenEquals(index, "in") else { return nil }
    // The program's name ends with a colon (`ledger.exe:`); a name with blanks runs on to it.
    while index < count, line.token(index).last != ASCII.colon { index += 1 }
    index += 1
    guard index < count else { return nil }
    var code: UInt64?
    let codeToken = line.token(index)
    if codeToken.count == 11, Bytes.hasPrefix(codeToken, "0x"), codeToken.last == ASCII.colon {
      code = HexNumber.digits(codeToken.dropFirst(2).dropLast())
      index += 1
    } else if line.tokenEquals(index, "Microsoft"), line.tokenEquals(index + 1, "C++") {
      code = 0xE06D_7363
    }
    guard let code, index < count else { return nil }
    var words = line.text(fromToken: index)
    while let last = words.last, last == "." { words.removeLast() }
    return DebuggerExceptionEvent(
      code: UInt32(truncatingIfNeeded: code), description: TextLimits.singleLine(TextLimits.capped(words, maximumBytes: 256)),
      threadID: nil, isSecondChance: isUnhandled, line: line.number, address: address)
  }

  /// The event that says more: a second-chance one over a first-chance one, else the later.
  func outranks(_ other: DebuggerExceptionEvent) -> Bool { isSecondChance || !other.isSecondChance }

  /// As the report's exception.
  var exception: CrashException {
    CrashException(
      code: ExceptionCode(rawValue: code), description: description, address: address.map { Address($0) }, threadID: threadID,
      lines: LineRange(line: line))
  }
}
