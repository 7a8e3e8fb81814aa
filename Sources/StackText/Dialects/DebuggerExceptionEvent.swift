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
    guard let dash = (index + 1..<count - 3).first(where: { line.tokenEquals($0, "-") && line.tokenEquals($0 + 1, "code") }) else {
      return nil
    }
    let digits = line.token(dash + 2)
    guard digits.count == 8, let code = HexNumber.digits(digits), line.token(dash + 3).first == ASCII.openParen else { return nil }
    let chance = line.text(fromToken: dash + 3)
    guard chance.hasSuffix("chance)") || chance.hasSuffix("chance !!!)") || chance.hasSuffix("not available)") else { return nil }
    let isSecondChance = line.tokenEquals(dash + 4, "second")
    let words = TextLimits.singleLine(TextLimits.capped(line.text(fromToken: index, throughToken: dash - 1), maximumBytes: 128))
    return DebuggerExceptionEvent(
      code: UInt32(truncatingIfNeeded: code), description: words + (isSecondChance ? " (second chance)" : ""), threadID: threadID,
      isSecondChance: isSecondChance, line: line.number)
  }

  /// The event that says more: a second-chance one over a first-chance one, else the later.
  func outranks(_ other: DebuggerExceptionEvent) -> Bool { isSecondChance || !other.isSecondChance }

  /// As the report's exception.
  var exception: CrashException {
    CrashException(code: ExceptionCode(rawValue: code), description: description, threadID: threadID, lines: LineRange(line: line))
  }
}
