//===--- PythonTraceback.swift - A Python exception's traceback -------------===//
//
// What Python prints for an exception nobody caught, and what logs, CI runs and
// bug reports carry, is the traceback module's text (Lib/traceback.py; the
// interpreter's own copy in Python/traceback.c prints the same lines):
//
//   Traceback (most recent call last):
//     File "/srv/ledger/main.py", line 12, in <module>
//       main()
//     File "/srv/ledger/ledger.py", line 3, in balance
//       return account.total / account.count
//              ~~~~~~~~~~~~~~^~~~~~~~~~~~~~~
//   ZeroDivisionError: division by zero
//
// Frames are printed oldest first: the last is where the exception was raised.
// Under each frame, indented deeper, the source line and (3.11 on) its carets;
// `[Previous line repeated 996 more times]` after a recursion. The exception's
// line, back at the header's indentation, ends the traceback: `Name: message`
// or a bare `Name` (`KeyboardInterrupt`), the name qualified or not
// (`requests.exceptions.ConnectionError`). A syntax error's frame has no
// function (`  File "x.py", line 1`).
//
// Chained exceptions print the earlier one first and a sentence between them:
// `The above exception was the direct cause of the following exception:` (the
// later one raised `from` the earlier: the earlier is its cause) or `During
// handling of the above exception, another exception occurred:` (the later one
// is a new failure; the earlier is context). Each exception is a thread of its
// frames, innermost first; the crashed one is the last printed or, through
// direct-cause links, the cause it was raised from, as the Java reader takes
// the root cause. A Python exception is no signal: the report keeps the last
// exception as the `Python exception` property (and the crashed one's as
// `Python root cause` when they differ), not as an exception.
//
// A frame is its function, file and line, with no module, as faulthandler's
// frames are (PythonFaultHandler.swift), so the same crash has one signature
// from both.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A Python frame line, as the traceback module and faulthandler print it.
enum PythonFrameLine {
  /// `File "/srv/ledger/main.py", line 12, in <module>` (traceback), `… line 12 in <module>`
  /// (faulthandler), `File "x.py", line 1` (a syntax error): the frame, from its first word on.
  static func parse(_ line: TextLine) -> StackFrame? {
    guard line.tokens.count >= 4, line.tokenEquals(0, "File") else { return nil }
    let text = line.text(fromToken: 1)
    guard text.hasPrefix("\""), let close = text.dropFirst().firstIndex(of: "\"") else { return nil }
    let file = text[text.index(after: text.startIndex)..<close]
    var rest = text[text.index(after: close)...]
    guard rest.hasPrefix(", line ") else { return nil }
    rest = rest.dropFirst(7)
    let digits = rest.prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty, digits.count <= 9, let number = Int(digits) else { return nil }
    rest = rest.dropFirst(digits.count)
    if rest.hasPrefix(",") { rest = rest.dropFirst() }
    var function: String?
    if rest.hasPrefix(" in ") {
      let name = rest.dropFirst(4)
      guard !name.isEmpty, !name.contains(" ") || name.hasPrefix("<") else { return nil }
      function = TextLimits.capped(String(name), maximumBytes: 256)
    } else if !rest.isEmpty {
      return nil
    }
    return StackFrame(
      index: 0, symbol: FrameSymbol(module: nil, function: function, printedText: text),
      sourceLine: SourceLine(file: TextLimits.capped(String(file), maximumBytes: 1024), line: number), trust: .text,
      lines: LineRange(line: line.number))
  }
}

/// A Python traceback, gathered line by line.
struct PythonTracebackCollector {
  /// How an exception follows the one before it.
  private enum Link { case none, directCause, duringHandling, subException }

  private struct Block {
    var link: Link
    /// Oldest first, as printed.
    var frames: [StackFrame] = []
    var exception: String?
    var lines: LineRange
    /// The frames' indentation (the first `File` line's), below which a line is the exception's.
    var frameIndent: Int?
    /// Lines read since the last frame (its source line, its carets).
    var linesSinceFrame = 0
    /// Printed by IPython (IPythonTraceback.swift): its frame lines, numbered source, arrows.
    var isIPython = false
  }

  private var blocks: [Block] = []
  /// The sentence between two chained exceptions, waiting for the next `Traceback` line.
  private var pendingLink: Link = .none
  var maximumFrames = 4096
  var maximumBlocks = 64

  /// Whether a traceback is being read.
  private(set) var isCollecting = false

  /// Whether `line` may open a traceback: its last word is `last):` (a count and a few bytes),
  /// or IPython's `last)`.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 5, let last = line.tokens.last else { return false }
    if last.count == 5 { return IPythonTracebackLine.isHeader(line) }
    return last.count == 6 && line.tokenEquals(line.tokens.count - 1, "last):") && isHeader(line)
  }

  /// `Traceback (most recent call last):`, after anything (a log's prefix, `+ Exception Group`).
  private static func isHeader(_ line: TextLine) -> Bool {
    let count = line.tokens.count
    return count >= 5 && line.tokenEquals(count - 1, "last):") && line.tokenEquals(count - 2, "call")
      && line.tokenEquals(count - 3, "recent") && line.tokenEquals(count - 4, "(most")
      && line.tokenEquals(count - 5, "Traceback")
  }

  /// The sentence that chains two exceptions, or nil.
  private static func link(_ line: TextLine) -> Link? {
    let count = line.tokens.count
    guard count >= 8, line.tokenEquals(count - 1, "exception:") || line.tokenEquals(count - 1, "occurred:") else { return nil }
    if line.tokenEquals(0, "The"), line.tokenEquals(1, "above"), line.tokenEquals(count - 2, "following") {
      return .directCause
    }
    if line.tokenEquals(0, "During"), line.tokenEquals(1, "handling") { return .duringHandling }
    return nil
  }

  /// An exception group's rule before each sub-exception, `+-+---------------- 1 ----------------`,
  /// and its closing one: a first word of `+` and `-` only, then numbers and rules.
  private static func isGroupRule(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, first.count >= 4, line.bytes[first.lowerBound] == UInt8(ascii: "+") else { return false }
    for index in line.tokens.indices {
      let word = line.string(index)
      let isRule = word.utf8.allSatisfy { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
      guard isRule || (index > 0 && (word.utf8.allSatisfy(ASCII.isDigit) || word == "...")) else { return false }
    }
    return true
  }

  /// `ZeroDivisionError: division by zero`, `KeyboardInterrupt`, `ledger.errors.Closed: …`:
  /// the first word a dotted name (with its colon when a message follows).
  private static func exception(_ line: TextLine) -> String? {
    guard line.tokens.count >= 1 else { return nil }
    let first = line.string(0)
    let name = first.hasSuffix(":") ? first.dropLast() : Substring(first)
    guard !name.isEmpty, name.utf8.count <= 256, line.tokens.count == 1 || first.hasSuffix(":"),
      let lead = name.first, lead.isLetter || lead == "_", !name.hasSuffix("."),
      name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
    else { return nil }
    return capped(line.text(fromToken: 0))
  }

  /// Takes a line; false for one it does not read (which ends the traceback).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    let isIPythonHeader = IPythonTracebackLine.isHeader(line)
    if isIPythonHeader || Self.isHeader(line) {
      if isCollecting, pendingLink == .none { finish(emit: emit, emitThread: emitThread) }
      isCollecting = true
      if blocks.count < maximumBlocks {
        blocks.append(Block(link: pendingLink, lines: LineRange(line: line.number), isIPython: isIPythonHeader))
      }
      pendingLink = .none
      return true
    }
    guard isCollecting, !blocks.isEmpty else { return false }
    let last = blocks.count - 1
    if blocks[last].exception != nil {
      // Between two exceptions of a chain: blank lines and the sentence.
      if line.isBlank { return true }
      if let link = Self.link(line) {
        pendingLink = link
        return true
      }
      if Self.isGroupRule(line) {
        pendingLink = .subException
        return true
      }
      // IPython's rule before the next exception's header.
      if blocks[last].isIPython, IPythonTracebackLine.isRule(line) { return true }
      // `and 3 more exceptions` after a group's last shown sub-exception.
      if pendingLink == .subException, line.tokens.count == 4, line.tokenEquals(0, "and"), line.tokenEquals(2, "more") { return true }
      finish(emit: emit, emitThread: emitThread)
      return false
    }
    if line.isBlank { return true }
    if blocks[last].isIPython, let consumed = consumeIPython(line, block: last) { return consumed }
    if var frame = PythonFrameLine.parse(line) {
      if blocks[last].frames.count < maximumFrames {
        frame.index = blocks[last].frames.count
        blocks[last].frames.append(frame)
      }
      if blocks[last].frameIndent == nil { blocks[last].frameIndent = line.contentStart }
      blocks[last].linesSinceFrame = 0
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    // The source line and carets under a frame, `[Previous line repeated N more times]`.
    if let indent = blocks[last].frameIndent, line.contentStart > indent
      || (line.contentStart == indent && line.tokenEquals(0, "[Previous"))
    {
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    // Indentation lost (text copied from a rendered page): the line right after a frame is its
    // source unless it names a standard exception; carets are carets.
    if let indent = blocks[last].frameIndent, line.contentStart == indent, !blocks[last].frames.isEmpty,
      Self.isCaretLine(line) || (blocks[last].linesSinceFrame == 0 && !Self.namesStandardException(line))
    {
      blocks[last].linesSinceFrame += 1
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    if let exception = Self.exception(line) {
      blocks[last].exception = exception
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// A line of IPython's layout: a frame, its numbered source or arrow, a note; nil for any other
  /// (the exception's line).
  private mutating func consumeIPython(_ line: TextLine, block last: Int) -> Bool? {
    if var frame = IPythonTracebackLine.frame(line) {
      if blocks[last].frames.count < maximumFrames {
        frame.index = blocks[last].frames.count
        blocks[last].frames.append(frame)
      }
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    if let number = IPythonTracebackLine.arrowLineNumber(line) {
      // The running line: the frame's line where its frame line printed none.
      if let frame = blocks[last].frames.indices.last, let source = blocks[last].frames[frame].sourceLine, source.line == 0 {
        blocks[last].frames[frame].sourceLine = SourceLine(file: source.file, line: number)
      }
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    if IPythonTracebackLine.isContext(line) {
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    return nil
  }

  /// 3.11's carets under a source line: `~~~~^^^^`.
  private static func isCaretLine(_ line: TextLine) -> Bool {
    line.tokens.indices.allSatisfy { index in line.token(index).allSatisfy { $0 == UInt8(ascii: "^") || $0 == UInt8(ascii: "~") } }
  }

  /// Whether the line names an exception the way the standard library's do (`…Error:`,
  /// `…Exception`, `KeyboardInterrupt`, `SystemExit: 1`, `StopIteration`, a qualified name).
  private static func namesStandardException(_ line: TextLine) -> Bool {
    guard exception(line) != nil else { return false }
    let first = line.string(0)
    let name = first.hasSuffix(":") ? first.dropLast() : Substring(first)
    return name.contains(".") || name.hasSuffix("Error") || name.hasSuffix("Exception") || name.hasSuffix("Interrupt")
      || name.hasSuffix("Exit") || name.hasSuffix("Iteration") || name.hasSuffix("Warning") || name.hasSuffix("Group")
  }

  /// Ends the traceback: the last exception as a property, each exception a thread, innermost
  /// frame first; the crashed one is the last, the cause it was raised from, or a group's
  /// first sub-exception.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      blocks = []
      pendingLink = .none
      isCollecting = false
    }
    // The exception that ended the program: the last one printed outside a group.
    guard isCollecting, let ended = blocks.lastIndex(where: { !$0.frames.isEmpty && $0.link != .subException }) else { return }
    var crashed = ended
    if let leaf = blocks.indices.first(where: { isLeafSubException($0, after: ended) }) {
      crashed = leaf
    } else {
      while crashed > 0, blocks[crashed].link == .directCause, !blocks[crashed - 1].frames.isEmpty { crashed -= 1 }
    }
    if let exception = blocks[ended].exception {
      emit(.systemProperty(SystemProperty(key: "Python exception", value: exception)))
    }
    if crashed != ended, let cause = blocks[crashed].exception {
      emit(.systemProperty(SystemProperty(key: "Python root cause", value: cause)))
    }
    for (index, block) in blocks.enumerated() where !block.frames.isEmpty {
      var frames = [StackFrame]()
      frames.reserveCapacity(block.frames.count)
      for (position, frame) in block.frames.reversed().enumerated() {
        var frame = frame
        frame.index = position
        frames.append(frame)
      }
      emitThread(
        CrashThread(
          architecture: .unknown, architectureEvidence: ["Python frames name no processor"], frames: frames,
          format: .pythonTraceback, lines: block.lines, label: block.exception ?? "Traceback",
          isCrashed: index == crashed))
    }
  }

  /// Whether block `index` is a sub-exception of the group `group` (or of one nested in it)
  /// with frames, and no group itself (`ExceptionGroup`, `BaseExceptionGroup`, the backport's
  /// `exceptiongroup.ExceptionGroup`).
  private func isLeafSubException(_ index: Int, after group: Int) -> Bool {
    guard index > group, blocks[group + 1...index].allSatisfy({ $0.link == .subException }), !blocks[index].frames.isEmpty else {
      return false
    }
    return !(blocks[index].exception?.contains("ExceptionGroup") ?? false)
  }

  private static func capped(_ text: String) -> String { TextLimits.singleLine(TextLimits.capped(text, maximumBytes: 512)) }
}
