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
    return nil
  }

  /// Whether `line` may open an exception, or name event 1026's application (its first byte,
  /// then its first words, looked at).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 2, let first = line.tokens.first else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "A"): return line.tokenEquals(0, "Application:")
    case UInt8(ascii: "E"): return line.tokens.count >= 3 && line.tokenEquals(0, "Exception") && line.tokenEquals(1, "Info:")
    case UInt8(ascii: "U"): return line.tokens.count >= 3 && line.tokenEquals(0, "Unhandled")
    default: return false
    }
  }

  /// `   at Ledger.Store.Latest() in C:\src\Ledger\Store.cs:line 42`: the method and its place.
  static func row(_ line: TextLine) -> (function: String, source: SourceLine?)? {
    guard line.tokens.count >= 2, line.tokenEquals(0, "at") else { return nil }
    var text = Substring(line.text(fromToken: 1))
    // A method has its argument list: `Main(System.String[])`, `<.ctor>b__1_0(Object unused)`.
    guard let open = text.firstIndex(of: "("), open > text.startIndex, let close = text.lastIndex(of: ")"), open < close else {
      return nil
    }
    var source: SourceLine?
    if let marker = text[close...].firstRange(of: " in "), let lineMarker = text[marker.upperBound...].ranges(of: ":line ").last,
      let number = Int(text[lineMarker.upperBound...].trimmingBlanks())
    {
      source = SourceLine(file: capped(String(text[marker.upperBound..<lineMarker.lowerBound])), line: number)
      text = text[..<marker.lowerBound]
    }
    return (capped(String(text.trimmingBlanks())), source)
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
