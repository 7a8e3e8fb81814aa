//===--- ValgrindReport.swift - Valgrind's error reports --------------------===//
//
// What Valgrind's tools (Memcheck, Helgrind, DRD) print, every line behind the
// process's id (`==12345==`; `--12345--` for notes, `**12345**` for Valgrind's
// own trouble):
//
//   ==12345== Invalid read of size 4
//   ==12345==    at 0x108668: ledger_close (ledger.c:42)
//   ==12345==    by 0x1086A0: main (main.c:10)
//   ==12345==  Address 0x4a4a040 is 0 bytes inside a block of size 40 free'd
//   ==12345==    at 0x483CA3F: free (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
//   ==12345==    by 0x108660: ledger_drop (ledger.c:37)
//   ==12345==
//   ==12345== Process terminating with default action of signal 11 (SIGSEGV)
//   ==12345==  Access not within mapped region at address 0x0
//   ==12345==    at 0x108668: ledger_close (ledger.c:42)
//
// (coregrind/m_errormgr.c, m_stacktrace.c, m_signals.c.) An error's heading is
// written one blank after the id, the notes that belong to it (`Address 0x… is
// … free'd`, `Block was alloc'd at`, `Uninitialised value was created by …`,
// Helgrind's `This conflicts with a previous write …`) two, and frames four:
// `at`/`by`, the pc, the function (`???` when unknown, `(below main)` for the
// C library's start) and where: `(file:line)` or `(in /path/object)`. Each
// stack is a thread: an error's own under its heading, a note's under the note.
// The crashed one is the stack of `Process terminating with default action of
// signal N`, whose signal and address are the report's exception; without one,
// the first error's (a leak's only when nothing else was found). The tool and
// the first error are kept as the `Memory error` property. Lines of the
// program's own output between Valgrind's are left to the other readers.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A Valgrind report, gathered line by line.
struct ValgrindReportCollector {
  private struct Stack {
    var label: String
    var frames: [StackFrame] = []
    var lines: LineRange
    /// Under an error's heading (not a note's), and which kind.
    var isErrorStack: Bool
    var isFatal: Bool
    var isLeak: Bool
  }

  /// The heading the next stack belongs to.
  private struct Heading {
    var text: String
    var line: Int
    var isFatal: Bool
    var isLeak: Bool
    var used = false
  }

  private var stacks: [Stack] = []
  private var isInStack = false
  /// The last error heading, and the last note after it: a stack goes to the heading while
  /// the heading has none (`Access not within mapped region…` sits between a fatal signal's
  /// heading and its stack), else to the note.
  private var heading: Heading?
  private var note: Heading?
  private var processID: Substring = ""
  private var tool: String?
  private var firstError: String?
  private var fatal: (signal: UInt32, text: String, address: UInt64?, line: Int)?
  private var architecture: (value: Architecture, object: String)?
  var maximumFrames = 4096
  var maximumStacks = 4096

  /// Whether a report is being read.
  private(set) var isCollecting = false

  /// The process id of a `==12345==`, `--12345--` or `**12345**` first word, or nil.
  @inline(__always)
  static func processID(_ line: TextLine) -> Substring? {
    guard let first = line.tokens.first, first.count >= 5 else { return nil }
    let bytes = line.bytes
    let mark = bytes[first.lowerBound]
    guard mark == UInt8(ascii: "=") || mark == UInt8(ascii: "-") || mark == UInt8(ascii: "*"),
      bytes[first.lowerBound + 1] == mark, bytes[first.upperBound - 1] == mark, bytes[first.upperBound - 2] == mark
    else { return nil }
    let digits = bytes[(first.lowerBound + 2)..<(first.upperBound - 2)]
    guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy(ASCII.isDigit) else { return nil }
    return line.string(0).dropFirst(2).dropLast(2)
  }

  /// Whether `line` may open a report: its first word is `==12345==` with text after it.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    line.tokens.count >= 2 && line.bytes[line.tokens[0].lowerBound] == UInt8(ascii: "=") && processID(line) != nil
  }

  /// Takes a line; false for one that is not Valgrind's (the report goes on after it).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    guard let id = Self.processID(line) else { return false }
    if isCollecting, id != processID { finish(emit: emit, emitThread: emitThread) }
    if !isCollecting {
      guard line.bytes[line.tokens[0].lowerBound] == UInt8(ascii: "=") else { return false }
      isCollecting = true
      processID = id
    }
    // A line with nothing after the id separates one error from the next.
    guard line.tokens.count >= 2 else {
      isInStack = false
      return true
    }
    let indent = line.tokens[1].lowerBound - line.tokens[0].upperBound
    if line.tokens.count >= 3, line.tokenEquals(1, "at") || line.tokenEquals(1, "by"),
      Bytes.hasPrefix(line.token(2), "0x"), line.token(2).last == ASCII.colon
    {
      frame(line)
      return true
    }
    isInStack = false
    message(line, indent: indent)
    return true
  }

  /// `at 0x108668: ledger_close (ledger.c:42)`, `by 0x4E5BB96: (below main) (libc-start.c:310)`,
  /// `at 0x483CA3F: free (in /usr/…/vgpreload_memcheck-amd64-linux.so)`, `by 0x400544: ???`.
  private mutating func frame(_ line: TextLine) {
    let pcToken = line.token(2).dropFirst(2).dropLast()
    let pc = pcToken.count <= 16 ? HexNumber.digits(pcToken) : nil
    var rest = line.tokens.count > 3 ? Substring(line.text(fromToken: 3)) : ""
    var source: SourceLine?
    var objectPath: String?
    if rest.hasSuffix(")"), let open = Parentheses.openingOfLastGroup(in: rest), open > rest.startIndex {
      let inside = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
      if inside.hasPrefix("in ") {
        objectPath = TextLimits.capped(String(inside.dropFirst(3)), maximumBytes: 1024)
        rest = rest[..<open].trimmingBlanks()
      } else if let colon = inside.lastIndex(of: ":"), let number = Int(inside[inside.index(after: colon)...]), number > 0 {
        source = SourceLine(file: TextLimits.capped(String(inside[..<colon]), maximumBytes: 1024), line: number)
        rest = rest[..<open].trimmingBlanks()
      }
    }
    let function = rest.isEmpty || rest == "???" ? nil : TextLimits.capped(String(rest), maximumBytes: 1024)
    if let objectPath, architecture == nil, let found = Self.architecture(ofObject: objectPath) {
      architecture = (found, GDBBacktraceCollector.fileName(objectPath))
    }
    let module = objectPath.map { ModuleName.stem(GDBBacktraceCollector.fileName($0)) }
    let symbol = FrameSymbol(
      module: module, function: function, address: function == nil && module == nil ? pc.map { Address($0) } : nil,
      printedText: line.text(fromToken: 1))
    if !isInStack {
      isInStack = true
      guard stacks.count < maximumStacks else { return }
      var label = "stack"
      var lines = LineRange(line: line.number)
      var isError = false
      var isFatal = false
      var isLeak = false
      if var current = heading, !current.used {
        label = current.text
        lines = LineRange(line: current.line)
        isError = true
        isFatal = current.isFatal
        isLeak = current.isLeak
        current.used = true
        heading = current
      } else if var current = note, !current.used {
        label = current.text
        lines = LineRange(line: current.line)
        current.used = true
        note = current
      }
      stacks.append(
        Stack(label: label, lines: lines, isErrorStack: isError, isFatal: isFatal, isLeak: isLeak))
    }
    guard !stacks.isEmpty else { return }
    let last = stacks.count - 1
    if stacks[last].frames.count < maximumFrames {
      stacks[last].frames.append(
        StackFrame(
          index: stacks[last].frames.count, instruction: pc.map { Address($0) }, symbol: symbol, sourceLine: source, trust: .text,
          lines: LineRange(line: line.number)))
    }
    stacks[last].lines = stacks[last].lines.including(line.number)
  }

  /// A line of text: the banner, an error's heading, a note, a summary.
  private mutating func message(_ line: TextLine, indent: Int) {
    let text = TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 1), maximumBytes: 512))
    if tool == nil, line.tokens.count >= 4, line.string(1).hasSuffix(","), line.tokenEquals(2, "a") {
      // `Memcheck, a memory error detector`.
      tool = String(line.string(1).dropLast())
      return
    }
    // Helgrind's `Locks held: none` under a heading details it.
    if line.tokens.count >= 3, line.tokenEquals(1, "Locks"), line.tokenEquals(2, "held:") { return }
    if indent <= 1, !Self.isNote(text) {
      let isFatal = line.tokens.count >= 8 && line.tokenEquals(1, "Process") && line.tokenEquals(2, "terminating")
      let isLeak = text.contains(" lost in loss record ")
      heading = Heading(text: text, line: line.number, isFatal: isFatal, isLeak: isLeak)
      note = nil
      if isFatal, fatal == nil, let signal = Self.signal(in: text) { fatal = (signal.number, signal.name, nil, line.number) }
      if firstError == nil, !isFatal, !isLeak, Self.isErrorHeading(text) { firstError = text }
    } else {
      // `Access not within mapped region at address 0x0`, `Bad permissions for mapped region at address 0x…`.
      if var found = fatal, found.address == nil, heading?.isFatal == true, heading?.used == false,
        let at = text.ranges(of: " at address 0x").last
      {
        found.address = HexNumber.digits(Array(text.utf8[at.upperBound...].prefix { ASCII.isHexDigit($0) })[...])
        found.text += ", " + text[..<at.lowerBound]
        fatal = found
        return
      }
      note = Heading(text: text, line: line.number, isFatal: false, isLeak: false)
    }
  }

  /// Whether a line is one of an error's notes by its words: markdown and some mail clients fold
  /// the indentation that says so (`==4879== Address 0x4b9bfc0 is 0 bytes inside …`).
  private static func isNote(_ text: String) -> Bool {
    let notes = ["Address 0x", "Block was ", "Access not within", "Bad permissions for", "General Protection Fault",
      "Uninitialised value was created", "This conflicts with", "If you believe", "overflow in your", "possible), you",
      "main thread stack", "The main thread stack size", "Stack overflow in thread"]
    return notes.contains { text.hasPrefix($0) }
  }

  /// Whether a heading names an error, not a summary or the tool's own lines.
  private static func isErrorHeading(_ text: String) -> Bool {
    let summaries = ["HEAP SUMMARY", "LEAK SUMMARY", "ERROR SUMMARY", "Command:", "Copyright", "Using Valgrind", "Parent PID",
      "For lists of", "For counts of", "Rerun with", "All heap blocks", "in use at exit", "total heap usage", "To see them"]
    return !summaries.contains { text.hasPrefix($0) }
  }

  /// `Process terminating with default action of signal 11 (SIGSEGV)`: 11 and `SIGSEGV`.
  private static func signal(in text: String) -> (number: UInt32, name: String)? {
    guard let range = text.ranges(of: "of signal ").last else { return nil }
    let rest = text[range.upperBound...]
    guard let number = UInt32(rest.prefix { $0.isASCII && $0.isNumber }) else { return nil }
    var name = "signal \(number)"
    if let open = rest.firstIndex(of: "("), let close = rest.firstIndex(of: ")"), open < close {
      name = String(rest[rest.index(after: open)..<close])
    }
    return (number, name)
  }

  /// The processor a Valgrind object's name gives (`vgpreload_memcheck-amd64-linux.so`).
  private static func architecture(ofObject path: String) -> Architecture? {
    guard path.contains("valgrind") || path.contains("vgpreload") else { return nil }
    if path.contains("-amd64-") { return .amd64 }
    if path.contains("-x86-") { return .x86 }
    if path.contains("-arm64-") { return .arm64 }
    if path.contains("-arm-") { return .arm }
    return nil
  }

  /// Ends the report: the exception of a fatal signal, the first error, each stack as a thread.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      stacks = []
      heading = nil
      note = nil
      isInStack = false
      tool = nil
      firstError = nil
      fatal = nil
      architecture = nil
      processID = ""
      isCollecting = false
    }
    guard isCollecting, !stacks.isEmpty else { return }
    let crashed =
      stacks.firstIndex { $0.isFatal } ?? stacks.firstIndex { $0.isErrorStack && !$0.isLeak }
      ?? stacks.firstIndex { $0.isErrorStack } ?? 0
    if let fatal {
      emit(
        .exception(
          CrashException(
            code: ExceptionCode(rawValue: fatal.signal), description: fatal.text, address: fatal.address.map { Address($0) },
            lines: LineRange(line: fatal.line))))
    }
    if let error = firstError ?? (stacks[crashed].isErrorStack ? stacks[crashed].label : nil) {
      emit(.systemProperty(SystemProperty(key: "Memory error", value: (tool.map { $0 + ": " } ?? "") + error)))
    }
    let evidence =
      architecture.map { ["Valgrind's object \($0.object) is built for \($0.value.displayName)"] }
      ?? ["Valgrind's frames name no processor"]
    for (index, stack) in stacks.enumerated() {
      emitThread(
        CrashThread(
          architecture: architecture?.value ?? .unknown, architectureEvidence: evidence, frames: stack.frames, format: .valgrind,
          lines: stack.lines, label: stack.label, isCrashed: index == crashed))
    }
  }
}
