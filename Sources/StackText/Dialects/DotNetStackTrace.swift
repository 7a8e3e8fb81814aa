//===--- DotNetStackTrace.swift - .NET's unhandled exception and its stack ----===//
//
// A .NET program that dies of an exception it does not catch leaves its stack
// in text in two places support tickets carry:
//
//   The .NET Runtime's event 1026 (Application log):
//     Application: ledgersvc.exe
//     Framework Version: v4.0.30319                (.NET 5 on: CoreCLR Version: …, .NET Version: …)
//     Description: The process was terminated due to an unhandled exception.
//     Exception Info: System.NullReferenceException
//        at Ledger.Store.Balance(System.String, Boolean)
//        at Ledger.Program.Main(System.String[])
//   The console (Exception.ToString() after the runtime's words):
//     Unhandled exception. System.InvalidOperationException: Sequence contains no elements
//        at System.Linq.ThrowHelper.ThrowNoElementsException()
//        at Ledger.Store.Latest() in C:\src\Ledger\Store.cs:line 42
//     --- End of stack trace from previous location ---
//
// (.NET Framework's console says `Unhandled Exception:`.) An inner exception is
// printed first after ` ---> `, its frames first, then `--- End of inner
// exception stack trace ---` and the outer one's; event 1026 of .NET Framework
// gives each exception its own `Exception Info:` block, innermost first. Either
// way the first frame printed is where the first exception was thrown: each
// block is a thread, the first the crashed one. A frame is the method with its
// argument types, and `in FILE:line N` when the program's symbols were at hand;
// managed frames have no address and name no processor. The exception is the
// CLR's (0xe0434352, EXCEPTION_COMPLUS) with the exception's type and message.
//
// .NET Framework with a language pack prints its words in that language (the
// resources Word_At and StackTrace_InFileLineNumber): `   bei Ledger.Store.Latest()
// in C:\src\Store.cs:Zeile 42` after `Unbehandelte Ausnahme: System.…`; French `à` …
// `dans …:ligne`, Spanish `en` … `en …:línea`, Russian `в` … `в …:строка`, and so on
// (DotNetLocalizedWords). A row is read whatever the word before its file and line.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A .NET exception's text, gathered line by line.
struct DotNetStackTraceCollector {
  private struct Block {
    var exception: String
    var rows: [(function: String, source: SourceLine?, line: Int)] = []
    var lines: LineRange
  }

  private var application: (name: String, line: Int)?
  private var blocks: [Block] = []
  /// The most frames kept for one exception, and exceptions.
  var maximumFrames = 4096
  var maximumBlocks = 64

  /// Whether an exception is being read.
  private(set) var isCollecting = false

  /// The exception a line opens: `Exception Info: System.NullReferenceException`, `Unhandled
  /// exception. System.InvalidOperationException: …`, `Unhandled Exception: System.…`.
  static func opening(_ line: TextLine) -> String? {
    guard line.tokens.count >= 3 else { return nil }
    if line.tokenEquals(0, "Exception"), line.tokenEquals(1, "Info:") { return capped(line.text(fromToken: 2)) }
    if line.tokenEquals(0, "Unhandled"), line.tokenEquals(1, "exception.") || line.tokenEquals(1, "Exception:") {
      return capped(line.text(fromToken: 2))
    }
    // A language pack's `Unhandled Exception:` (`Unbehandelte Ausnahme:`, `Exception non gérée :`):
    // the exception's type is the first word after the label's colon.
    guard DotNetLocalizedWords.opensUnhandled(line) else { return nil }
    for index in 1..<min(line.tokens.count, 6) where line.token(index - 1).last == ASCII.colon {
      return isExceptionType(line.string(index)) ? capped(line.text(fromToken: index)) : nil
    }
    return nil
  }

  /// `System.NullReferenceException`, `Ledger.LedgerException:`: a dotted name ending `Exception`.
  private static func isExceptionType(_ word: String) -> Bool {
    let name = word.hasSuffix(":") ? word.dropLast() : Substring(word)
    return name.contains(".") && name.hasSuffix("Exception") && name.utf8.count <= 256
      && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "`" }
  }

  /// Whether the line's first byte is one an opening line starts with (`A`, `E`, `U`, a
  /// language pack's `N`, `O` or a letter beyond ASCII): asked in place before `mayOpen`.
  @inline(__always)
  static func mayLead(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 2 else { return false }
    let lead = line.bytes[line.tokens[0].lowerBound]
    return lead == UInt8(ascii: "A") || lead == UInt8(ascii: "E") || lead == UInt8(ascii: "U") || lead == UInt8(ascii: "N")
      || lead == UInt8(ascii: "O") || lead >= 0xC3
  }

  /// Whether `line` may open an exception, or name event 1026's application (its first byte,
  /// then its first words, looked at).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 2, let first = line.tokens.first else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "A"): return line.tokenEquals(0, "Application:")
    case UInt8(ascii: "E"):
      return line.tokens.count >= 3 && (line.tokenEquals(0, "Exception") && line.tokenEquals(1, "Info:") || mayBeLocalizedOpening(line))
    case UInt8(ascii: "U"): return line.tokens.count >= 3 && (line.tokenEquals(0, "Unhandled") || mayBeLocalizedOpening(line))
    case UInt8(ascii: "N"), UInt8(ascii: "O"), 0xC3...0xF0: return mayBeLocalizedOpening(line)
    default: return false
    }
  }

  /// Whether a line may be a language pack's `Unhandled Exception:` line: its first word is as
  /// long as a label's, one of its first four words ends with a colon (the label's end), the next
  /// ends `Exception` or `Exception:` — a few bytes looked at before the labels are compared.
  @inline(__always)
  private static func mayBeLocalizedOpening(_ line: TextLine) -> Bool {
    let count = line.tokens.count
    guard count >= 3, line.tokens[0].count < 64,
      DotNetLocalizedWords.unhandledLeadLengths & 1 << UInt64(line.tokens[0].count) != 0
    else { return false }
    let bytes = line.bytes
    for index in 0..<min(4, count - 1) where bytes[line.tokens[index].upperBound - 1] == ASCII.colon {
      let next = line.tokens[index + 1]
      var end = next.upperBound
      if bytes[end - 1] == ASCII.colon { end -= 1 }
      return end - next.lowerBound > 9 && bytes[end - 1] == UInt8(ascii: "n") && bytes[end - 9] == UInt8(ascii: "E") && opening(line) != nil
    }
    return false
  }

  /// `   at Ledger.Store.Latest() in C:\src\Ledger\Store.cs:line 42` (or a language pack's
  /// `bei … in …:Zeile 42.`, `à … dans …:ligne 42`): the method and its place.
  static func row(_ line: TextLine) -> (function: String, source: SourceLine?)? {
    guard line.tokens.count >= 2 else { return nil }
    let isEnglish = line.tokenEquals(0, "at")
    guard isEnglish || DotNetLocalizedWords.isAtWord(line) else { return nil }
    var text = Substring(line.text(fromToken: 1))
    // A method has its argument list: `Main(System.String[])`, `<.ctor>b__1_0(Object unused)`.
    guard let open = text.firstIndex(of: "("), open > text.startIndex, let close = text.lastIndex(of: ")"), open < close else {
      return nil
    }
    let rest = text[text.index(after: close)...]
    var source: SourceLine?
    if let place = place(rest) {
      source = place
      text = text[...close]
    } else if !isEnglish, !rest.allSatisfy({ $0 == " " }) {
      return nil
    }
    // A pack's word is a common word (`in`, `en`, `w`): its row must be a type's method.
    if !isEnglish, !text[..<open].contains(".") { return nil }
    return (capped(String(text.trimmingBlanks())), source)
  }

  /// ` in C:\src\Store.cs:line 42`, ` dans C:\src\Store.cs:ligne 42`, ` in …:Zeile 42.`: the file
  /// and line after a word of any language.
  private static func place(_ rest: Substring) -> SourceLine? {
    guard rest.first == " ", let colon = rest.lastIndex(of: ":"), let blank = rest[colon...].firstIndex(of: " "),
      rest[rest.index(after: colon)..<blank].allSatisfy(\.isLetter),
      let fileStart = rest.dropFirst().firstIndex(of: " "), fileStart < colon
    else { return nil }
    var digits = rest[rest.index(after: blank)...].trimmingBlanks()
    if digits.hasSuffix(".") { digits = digits.dropLast() }
    guard let number = Int(digits), number > 0 else { return nil }
    return SourceLine(file: capped(String(rest[rest.index(after: fileStart)..<colon])), line: number)
  }

  /// Takes a line; false for a line it does not read (which ends the exception).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if line.tokens.count >= 2, line.tokenEquals(0, "Application:"), !isCollecting {
      // Event 1026's first line: kept for the exception that may follow.
      application = (Self.capped(line.text(fromToken: 1)), line.number)
      return false
    }
    if let exception = Self.opening(line) {
      isCollecting = true
      if blocks.count < maximumBlocks { blocks.append(Block(exception: exception, lines: LineRange(line: line.number))) }
      return true
    }
    guard isCollecting, !blocks.isEmpty else { return false }
    // Blank lines part event 1026's blocks: the next line says whether the text goes on.
    if line.isBlank { return false }
    let last = blocks.count - 1
    if let row = Self.row(line) {
      if blocks[last].rows.count < maximumFrames { blocks[last].rows.append((row.function, row.source, line.number)) }
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    // `--- End of stack trace from previous location ---`, `--- End of inner exception stack
    // trace ---`, ` ---> System.IO.IOException: …` (an inner exception's line) go on.
    if line.tokens.count >= 2, line.tokenEquals(0, "---") || line.tokenEquals(0, "--->") {
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    if blocks[last].rows.isEmpty, !line.isBlank, blocks[last].lines.last == line.number - 1 {
      // A message that goes on over lines before the first frame.
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// Ends the exception: the application, the exception, and a thread for each block.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      blocks = []
      application = nil
      isCollecting = false
    }
    guard isCollecting, let first = blocks.first(where: { !$0.rows.isEmpty }) else { return }
    if let application { emit(.application(ApplicationInfo(name: application.name, lines: LineRange(line: application.line)))) }
    emit(
      .exception(
        CrashException(
          code: ExceptionCode(rawValue: 0xE043_4352), description: TextLimits.singleLine(first.exception), lines: first.lines)))
    var crashedGiven = false
    for block in blocks where !block.rows.isEmpty {
      var frames: [StackFrame] = []
      for (index, row) in block.rows.enumerated() {
        frames.append(
          StackFrame(
            index: index, symbol: FrameSymbol(module: nil, function: row.function, printedText: "at " + row.function),
            sourceLine: row.source, trust: .text, lines: LineRange(line: row.line)))
      }
      emitThread(
        CrashThread(
          architecture: .unknown, architectureEvidence: [".NET's managed frames have no address and name no processor"],
          frames: frames, format: .dotnet, lines: block.lines, label: block.exception, isCrashed: !crashedGiven))
      crashedGiven = true
    }
  }

  private static func capped(_ text: String) -> String { TextLimits.singleLine(TextLimits.capped(text, maximumBytes: 512)) }
}
