//===--- PythonFaultHandler.swift - Python's faulthandler after a fatal signal ---===//
//
// When a Python process dies of a fault (most often in an extension module),
// faulthandler (on with `-X faulthandler`, `PYTHONFAULTHANDLER`, pytest and
// many tools) prints each thread's Python frames, most recent first:
//
//   Fatal Python error: Segmentation fault
//
//   Thread 0x00007f2a8c9ff640 (most recent call first):
//     File "/usr/lib/python3.11/threading.py", line 324 in wait
//
//   Current thread 0x00007f2a94c1b740 (most recent call first):
//     File "/srv/ledger/ledger/native.py", line 41 in balance
//     File "/srv/ledger/main.py", line 12 in <module>
//
//   Current thread's C stack trace (most recent call first):
//     Binary file "/srv/ledger/_ledger.so", at ledger_balance+0x17 [0x7f2a93e012b7]
//
//   Extension modules: numpy.core._multiarray_umath, _ledger (total: 2)
//
// (Modules/faulthandler.c and Python/traceback.c; Windows prints `Windows fatal
// exception: access violation` instead of the first line; Python 3.14 adds the
// C stack.) The current thread crashed; a thread's id is its pthread_t, not the
// kernel's id, so it only labels. A Python frame is the function with its file
// and line; a C frame is the binary's file with the nearest symbol and the pc.
// Blank lines between rows (as web pages copy them) are passed over.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// faulthandler's text, gathered line by line.
struct PythonFaultHandlerCollector {
  private struct Thread {
    var label: String
    var isCurrent: Bool
    var frames: [StackFrame] = []
    var lines: LineRange
  }

  private var error: (code: UInt32, text: String, line: Int)?
  private var threads: [Thread] = []
  var maximumFrames = 4096
  var maximumThreads = 4096

  /// Whether the text is being read.
  private(set) var isCollecting = false

  /// Whether `line` may open faulthandler's text (its first words looked at).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    let count = line.tokens.count
    guard count >= 3 else { return false }
    return (line.tokenEquals(0, "Fatal") && line.tokenEquals(1, "Python") && line.tokenEquals(2, "error:"))
      || (line.tokenEquals(0, "Windows") && line.tokenEquals(1, "fatal") && line.tokenEquals(2, "exception:"))
      || threadHeader(line) != nil
  }

  /// `Current thread 0x… (most recent call first):`, `Thread 0x… (most recent call first):`,
  /// `Current thread's C stack trace (most recent call first):`: the label and whether current.
  static func threadHeader(_ line: TextLine) -> (label: String, isCurrent: Bool)? {
    let count = line.tokens.count
    guard count >= 5, line.tokenEquals(count - 1, "first):"), line.tokenEquals(count - 4, "(most") else { return nil }
    let label = line.text(fromToken: 0, throughToken: count - 5)
    if line.tokenEquals(0, "Current") { return (label, true) }
    return line.tokenEquals(0, "Thread") ? (label, false) : nil
  }

  /// Takes a line; false for one it does not read (which ends the text).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if line.tokens.count >= 3, line.tokenEquals(1, "Python") || line.tokenEquals(1, "fatal"), let found = Self.error(line) {
      if isCollecting, error != nil || !threads.isEmpty { finish(emit: emit, emitThread: emitThread) }
      isCollecting = true
      error = found
      return true
    }
    if let header = Self.threadHeader(line) {
      isCollecting = true
      if threads.count < maximumThreads {
        threads.append(Thread(label: TextLimits.capped(header.label, maximumBytes: 256), isCurrent: header.isCurrent, lines: LineRange(line: line.number)))
      }
      return true
    }
    guard isCollecting else { return false }
    if line.isBlank { return false }
    if let frame = Self.frame(line) {
      if var thread = threads.popLast() {
        if thread.frames.count < maximumFrames {
          var frame = frame
          frame.index = thread.frames.count
          thread.frames.append(frame)
        }
        thread.lines = thread.lines.including(line.number)
        threads.append(thread)
      }
      return true
    }
    if line.tokens.count >= 2, line.tokenEquals(0, "Extension"), line.tokenEquals(1, "modules:") {
      finish(emit: emit, emitThread: emitThread)
      return true
    }
    // `  <no Python frame>`, `  ...` (a thread cut at 100 frames), `  Garbage-collecting`.
    if line.contentStart > 0, line.tokens.count <= 3 { return true }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// `Fatal Python error: Segmentation fault`, `Windows fatal exception: access violation`.
  private static func error(_ line: TextLine) -> (code: UInt32, text: String, line: Int)? {
    let isPosix = line.tokenEquals(0, "Fatal") && line.tokenEquals(2, "error:")
    let isWindows = line.tokenEquals(0, "Windows") && line.tokenEquals(2, "exception:")
    guard isPosix || isWindows else { return nil }
    let what = line.text(fromToken: 3).lowercased()
    let code: UInt32
    if isWindows {
      if what.hasPrefix("access violation") {
        code = 0xC000_0005
      } else if what.hasPrefix("stack overflow") {
        code = 0xC000_00FD
      } else if what.hasPrefix("code 0x"), let value = UInt32(what.dropFirst(7).prefix { $0.isHexDigit }, radix: 16) {
        code = value
      } else {
        code = 0
      }
    } else {
      switch what {
      case "segmentation fault": code = 11
      case "aborted": code = 6
      case "bus error": code = 7
      case "floating point exception", "floating-point exception": code = 8
      case "illegal instruction": code = 4
      default: code = 6  // Py_FatalError's own messages abort.
      }
    }
    return (code, TextLimits.capped(line.text(fromToken: 0), maximumBytes: 256), line.number)
  }

  /// `  File "/srv/ledger/main.py", line 12 in <module>`, and Python 3.14's C frames
  /// `  Binary file "/srv/ledger/_ledger.so", at ledger_balance+0x17 [0x7f2a93e012b7]`.
  private static func frame(_ line: TextLine) -> StackFrame? {
    let count = line.tokens.count
    guard count >= 2 else { return nil }
    let lines = LineRange(line: line.number)
    if line.tokenEquals(0, "File") { return PythonFrameLine.parse(line) }
    if line.tokenEquals(0, "Binary"), line.tokenEquals(1, "file"), count >= 3 {
      let text = line.text(fromToken: 2)
      guard text.hasPrefix("\""), let close = text.dropFirst().firstIndex(of: "\"") else { return nil }
      let path = String(text[text.index(after: text.startIndex)..<close])
      var rest = text[text.index(after: close)...]
      var pc: UInt64?
      if let open = rest.lastIndex(of: "["), rest.hasSuffix("]") {
        let inside = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
        if inside.hasPrefix("0x") { pc = UInt64(inside.dropFirst(2), radix: 16) }
        rest = rest[..<open]
      }
      var symbol = FrameSymbol(module: ModuleName.stem(GDBBacktraceCollector.fileName(path)), printedText: text)
      if let at = rest.firstRange(of: ", at ") {
        let name = rest[at.upperBound...].trimmingBlanks()
        if let plus = name.lastIndex(of: "+"), name[name.index(after: plus)...].hasPrefix("0x"),
          let offset = UInt64(name[name.index(plus, offsetBy: 3)...], radix: 16)
        {
          symbol.function = TextLimits.capped(String(name[..<plus]), maximumBytes: 256)
          symbol.offset = offset
        } else if !name.isEmpty {
          symbol.function = TextLimits.capped(String(name), maximumBytes: 256)
        }
      }
      if symbol.function == nil, let pc { symbol.address = Address(pc) }
      return StackFrame(index: 0, instruction: pc.map { Address($0) }, symbol: symbol, trust: .text, lines: lines)
    }
    return nil
  }

  /// Ends the text: the exception and each thread; the current one crashed.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      error = nil
      threads = []
      isCollecting = false
    }
    guard isCollecting else { return }
    let withFrames = threads.filter { !$0.frames.isEmpty }
    if let error, error.code != 0 || !withFrames.isEmpty {
      emit(
        .exception(
          CrashException(code: ExceptionCode(rawValue: error.code), description: TextLimits.singleLine(error.text), lines: LineRange(line: error.line))))
    }
    // The current thread's C stack (Python 3.14) says where the fault was; else its Python frames.
    let crashedIndex =
      withFrames.firstIndex { $0.isCurrent && $0.label.hasSuffix("C stack trace") } ?? withFrames.firstIndex(where: \.isCurrent) ?? 0
    for (index, thread) in withFrames.enumerated() {
      emitThread(
        CrashThread(
          architecture: .unknown, architectureEvidence: ["faulthandler's frames name no processor"], frames: thread.frames,
          format: .pythonFaultHandler, lines: thread.lines, label: thread.label,
          isCrashed: index == crashedIndex))
    }
  }
}
