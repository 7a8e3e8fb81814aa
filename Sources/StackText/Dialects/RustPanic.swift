//===--- RustPanic.swift - A Rust program's panic and its backtrace ---------===//
//
// What a Rust program prints when a thread panics (std's default hook,
// library/std/src/panicking.rs, and the backtrace printer,
// library/std/src/sys/backtrace.rs), with `RUST_BACKTRACE=1`:
//
//   thread 'main' panicked at src/ledger.rs:42:17:
//   called `Option::unwrap()` on a `None` value
//   stack backtrace:
//      0: rust_begin_unwind
//                at /rustc/82e16…/library/std/src/panicking.rs:645:5
//      4: ledger::Ledger::close
//                at ./src/ledger.rs:42:17
//   note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.
//
// Rust before 1.73 put the message first: `thread 'main' panicked at 'called
// …', src/ledger.rs:42:17`. `RUST_BACKTRACE=full` prints each frame's pc and
// the symbol's legacy hash: `   4:     0x55d5d8e4b4f5 - ledger::Ledger::close::h5d7b0c1c7d2e6a5f`.
// Where the symbolizer found inlined calls, a row's name is followed by names
// without a number: the row's name is the innermost function, the group's last
// name the one its pc is in, and the names before it are inlined into the next.
// anyhow's and std's `Backtrace` print the same rows under `Stack backtrace:`; a
// program whose `main` returns anyhow's error prints it first:
//
//   Error: failed to close the ledger
//
//   Caused by:
//       0: failed to write the journal
//       1: No such file or directory (os error 2)
//
//   Stack backtrace:
//      0: anyhow::error::<impl anyhow::Error>::msg
//
// (one cause alone is not numbered). `Error:` lines are common in any log, so
// they are only watched, never taken: the lines after one are looked at until
// something else comes; when it is the backtrace, the error and its causes
// name the thread and the report's `Rust error`. Each panicking thread with a backtrace is a thread of the
// report, named by the panic; the first crashed. A panic is no signal: the
// report keeps `Rust panic` (the thread, the place, the message) as a property.
// Names lose the legacy hash (`::h` and 16 hex digits) so signatures do not
// depend on a build.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A Rust panic's text, gathered line by line.
struct RustPanicCollector {
  private struct Backtrace {
    var label: String
    var frames: [StackFrame] = []
    var lines: LineRange
    /// The frame rows' indentation (the first row's), deeper lines are `at` or inlined names.
    var rowIndent: Int?
  }

  private var backtraces: [Backtrace] = []
  /// The last panic line read, waiting for its message and backtrace.
  private var panic: (label: String, place: String?, message: String?, line: Int)?
  private var panics: [String] = []
  /// anyhow's `Error:` line and its causes, watched until its `Stack backtrace:` or another line.
  private var pendingError: (message: String, causes: [String])?
  private var isReadingCauses = false
  private var errors: [String] = []
  /// Between a panic line (new style) and its message.
  private var expectsMessage = false
  private var isInBacktrace = false
  var maximumFrames = 4096
  var maximumBacktraces = 64

  /// Whether a panic or backtrace is being read.
  private(set) var isCollecting = false

  /// Whether an anyhow error's lines are being watched (not taken: other readers see them too).
  var isWatching: Bool { pendingError != nil }

  /// `Error: …`: what `main` prints of the error it returned (anyhow's `Debug`).
  @inline(__always)
  static func isErrorLine(_ line: TextLine) -> Bool {
    line.tokens.count >= 2 && line.tokenEquals(0, "Error:")
  }

  /// Whether `line` may open a panic's text: `thread '…' panicked at …` or `stack backtrace:`
  /// (its first word and a count looked at).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 2 else { return false }
    let lead = line.bytes[line.tokens[0].lowerBound]
    if lead == UInt8(ascii: "t") { return line.tokens.count >= 4 && line.tokenEquals(0, "thread") && panicLine(line) != nil }
    if lead == UInt8(ascii: "[") { return panicLine(line) != nil }
    if lead == UInt8(ascii: "s") || lead == UInt8(ascii: "S") { return isBacktraceHeader(line) }
    return ASCII.isDigit(lead) && isFullRow(line)
  }

  /// `  57:        0x109ec5b47 - std::sys_common::thread::start_thread::h4258…`: a row of
  /// `RUST_BACKTRACE=full`, distinct enough to open a backtrace pasted without its header.
  static func isFullRow(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 4, line.token(0).last == ASCII.colon, line.token(0).count <= 7, Bytes.hasPrefix(line.token(1), "0x"),
      line.tokenEquals(2, "-")
    else { return false }
    return line.token(0).dropLast().allSatisfy(ASCII.isDigit) && line.token(1).dropFirst(2).allSatisfy(ASCII.isHexDigit)
  }

  /// `stack backtrace:` (std's panic hook), `Stack backtrace:` (anyhow, `Backtrace`'s Display).
  private static func isBacktraceHeader(_ line: TextLine) -> Bool {
    line.tokens.count == 2 && (line.tokenEquals(0, "stack") || line.tokenEquals(0, "Stack")) && line.tokenEquals(1, "backtrace:")
  }

  /// `thread 'main' panicked at src/ledger.rs:42:17:` (1.73 on: the message follows) or
  /// `thread 'main' panicked at 'message', src/ledger.rs:42:17`: the thread's part, the place
  /// and the message when on the line.
  /// A logger's prefix before it is passed over (`[ERROR][CPU 0] thread 'main' panicked at …`,
  /// `[2026-12-07T10:00:00Z ERROR ledgersvc] thread …`, as log-panics and env_logger print it):
  /// the panic starts at the first `thread` of the line's first 8 tokens.
  static func panicLine(_ line: TextLine) -> (label: String, place: String?, message: String?)? {
    guard let start = (0..<min(line.tokens.count, 8)).first(where: { line.tokenEquals($0, "thread") }),
      line.tokens.count - start >= 4
    else { return nil }
    let text = line.text(fromToken: start)
    guard text.hasPrefix("thread '"), let marker = text.ranges(of: "' panicked at ").first else { return nil }
    let name = text[text.index(text.startIndex, offsetBy: 8)..<marker.lowerBound]
    guard name.utf8.count <= 256 else { return nil }
    let label = "thread '\(name)' panicked"
    var rest = text[marker.upperBound...]
    if rest.hasPrefix("'"), let end = rest.ranges(of: "', ").last {
      let message = rest[rest.index(after: rest.startIndex)..<end.lowerBound]
      return (label, String(rest[end.upperBound...]), String(message))
    }
    if rest.hasSuffix(":") { rest = rest.dropLast() }
    return (label, rest.isEmpty ? nil : String(rest), nil)
  }

  /// Takes a line; false for one it does not read (which ends the text).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if !isCollecting, watch(line) { return false }
    if line.tokens.count >= 4, line.tokenEquals(0, "thread") || line.bytes[line.contentStart] == UInt8(ascii: "["),
      let found = Self.panicLine(line)
    {
      isCollecting = true
      isInBacktrace = false
      panic = (capped(found.label), found.place.map(capped), found.message.map(capped), line.number)
      expectsMessage = found.message == nil
      if found.message != nil { notePanic() }
      return true
    }
    if Self.isBacktraceHeader(line) {
      if expectsMessage { notePanic() }
      isCollecting = true
      isInBacktrace = true
      expectsMessage = false
      if backtraces.count < maximumBacktraces {
        var label = panic.map { $0.label + ($0.place.map { " at " + $0 } ?? "") } ?? "backtrace"
        if panic == nil, let error = pendingError {
          label = capped("Error: " + error.message)
          if errors.count < maximumBacktraces {
            errors.append(TextLimits.singleLine(([error.message] + error.causes).joined(separator: "; caused by: ")))
          }
        }
        pendingError = nil
        isReadingCauses = false
        backtraces.append(Backtrace(label: label, lines: LineRange(line: panic?.line ?? line.number).including(line.number)))
      }
      panic = nil
      return true
    }
    if !isInBacktrace, Self.isFullRow(line) {
      // A backtrace pasted without its header (an excerpt of one).
      if expectsMessage { notePanic() }
      expectsMessage = false
      isCollecting = true
      isInBacktrace = true
      if backtraces.count < maximumBacktraces { backtraces.append(Backtrace(label: "backtrace", lines: LineRange(line: line.number))) }
    }
    guard isCollecting else { return false }
    if expectsMessage {
      // The message of a 1.73-style panic: the line after it (the first of several).
      expectsMessage = false
      if !line.isBlank, var current = panic {
        current.message = capped(line.text(fromToken: 0))
        panic = current
        notePanic()
        return true
      }
      notePanic()
    }
    if isInBacktrace, !backtraces.isEmpty, !line.isBlank, row(line) { return true }
    // `note: Some details are omitted…`, `note: run with RUST_BACKTRACE=1 …`.
    if line.tokens.count >= 2, line.tokenEquals(0, "note:") {
      if isInBacktrace, let last = backtraces.indices.last { backtraces[last].lines = backtraces[last].lines.including(line.number) }
      isInBacktrace = false
      return true
    }
    if line.isBlank, !isInBacktrace { return true }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// Watches `line` for an anyhow error's shape: true for the lines it only looks at (the
  /// `Error:` line, blank lines, `Caused by:` and the causes under it), which go on to the other
  /// readers; any other line ends the watch and is read as usual.
  private mutating func watch(_ line: TextLine) -> Bool {
    if Self.isErrorLine(line) {
      pendingError = (capped(line.text(fromToken: 1)), [])
      isReadingCauses = false
      return true
    }
    guard var error = pendingError else { return false }
    if line.isBlank { return true }
    if line.tokens.count == 2, line.tokenEquals(0, "Caused"), line.tokenEquals(1, "by:") {
      isReadingCauses = true
      return true
    }
    if isReadingCauses, line.contentStart > 0, !Self.isBacktraceHeader(line) {
      // `    0: failed to write the journal`, or a lone cause without its number.
      var from = 0
      let first = line.string(0)
      if first.hasSuffix(":"), first.count >= 2, first.count <= 4, first.dropLast().allSatisfy({ $0.isASCII && $0.isNumber }),
        line.tokens.count >= 2
      {
        from = 1
      }
      if error.causes.count < 16 { error.causes.append(capped(line.text(fromToken: from))) }
      pendingError = error
      return true
    }
    if !Self.isBacktraceHeader(line) {
      pendingError = nil
      isReadingCauses = false
    }
    return false
  }

  /// A backtrace row, its `at` line, or the name of a frame inlined into the row above.
  private mutating func row(_ line: TextLine) -> Bool {
    let last = backtraces.count - 1
    let first = line.string(0)
    // `   4: ledger::Ledger::close`, `   4:     0x55d5d8e4b4f5 - ledger::Ledger::close::h5d…`.
    if first.hasSuffix(":"), first.count >= 2, first.count <= 7, first.dropLast().allSatisfy({ $0.isASCII && $0.isNumber }) {
      guard line.tokens.count >= 2 else { return false }
      var nameToken = 1
      var pc: UInt64?
      if Bytes.hasPrefix(line.token(1), "0x") {
        guard line.tokens.count >= 4, line.tokenEquals(2, "-") else { return false }
        pc = line.token(1).count <= 18 ? HexNumber.digits(line.token(1).dropFirst(2)) : nil
        nameToken = 3
      }
      if backtraces[last].rowIndent == nil { backtraces[last].rowIndent = line.contentStart }
      append(name: line.text(fromToken: nameToken), pc: pc, printedNumber: Int(first.dropLast()), inlined: false, line: line)
      return true
    }
    guard let indent = backtraces[last].rowIndent, line.contentStart > indent, !backtraces[last].frames.isEmpty else { return false }
    // `             at ./src/ledger.rs:42:17`, `at .\src\main.rs:10`.
    if line.tokens.count >= 2, line.tokenEquals(0, "at") {
      let place = line.text(fromToken: 1)
      if let source = Self.sourceLine(place) {
        let index = backtraces[last].frames.count - 1
        if backtraces[last].frames[index].sourceLine == nil { backtraces[last].frames[index].sourceLine = source }
      }
      backtraces[last].lines = backtraces[last].lines.including(line.number)
      return true
    }
    // A name alone, deeper than the rows: the caller the frame above was inlined into (the
    // last name of a row's group is the function the pc is in).
    let above = backtraces[last].frames.count - 1
    backtraces[last].frames[above].isInlined = true
    append(name: line.text(fromToken: 0), pc: backtraces[last].frames[above].instruction?.rawValue, printedNumber: nil, inlined: false, line: line)
    return true
  }

  private mutating func append(name: String, pc: UInt64?, printedNumber: Int?, inlined: Bool, line: TextLine) {
    let last = backtraces.count - 1
    backtraces[last].lines = backtraces[last].lines.including(line.number)
    guard backtraces[last].frames.count < maximumFrames else { return }
    let function = name == "<unknown>" ? nil : capped(Self.withoutHash(Substring(name)))
    var frame = StackFrame(
      index: backtraces[last].frames.count, instruction: pc.map { Address($0) },
      symbol: FrameSymbol(module: nil, function: function, address: function == nil ? pc.map { Address($0) } : nil, printedText: capped(name)),
      trust: .text, lines: LineRange(line: line.number), printedNumber: printedNumber)
    frame.isInlined = inlined
    backtraces[last].frames.append(frame)
  }

  /// `ledger::Ledger::close::h5d7b0c1c7d2e6a5f` without its legacy hash.
  static func withoutHash(_ name: Substring) -> String {
    guard name.count > 19, let separator = name.ranges(of: "::h").last,
      name.distance(from: separator.upperBound, to: name.endIndex) == 16,
      name[separator.upperBound...].allSatisfy(\.isHexDigit)
    else { return String(name) }
    return String(name[..<separator.lowerBound])
  }

  /// `./src/ledger.rs:42:17`, `/rustc/…/panicking.rs:645:5`, `.\src\main.rs:10`.
  private static func sourceLine(_ place: String) -> SourceLine? {
    var rest = Substring(place)
    // The column, then the line.
    for _ in 0..<2 {
      guard let colon = rest.lastIndex(of: ":") else { return nil }
      let number = rest[rest.index(after: colon)...]
      guard !number.isEmpty, number.count <= 9, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
      let before = rest[..<colon]
      if let inner = before.lastIndex(of: ":"), before[before.index(after: inner)...].allSatisfy({ $0.isASCII && $0.isNumber }),
        before.distance(from: inner, to: before.endIndex) > 1
      {
        rest = before
        continue
      }
      guard let value = Int(number), value > 0 else { return nil }
      return SourceLine(file: TextLimits.capped(String(before), maximumBytes: 1024), line: value)
    }
    return nil
  }

  /// Records the panic read (with its message) for the report's property.
  private mutating func notePanic() {
    guard let current = panic, panics.count < maximumBacktraces else { return }
    var text = current.label
    if let place = current.place { text += " at " + place }
    if let message = current.message { text += ": " + message }
    panics.append(TextLimits.singleLine(text))
  }

  /// Ends the text: the first panic as a property, each backtrace a thread, the first crashed.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      backtraces = []
      panics = []
      errors = []
      panic = nil
      expectsMessage = false
      isInBacktrace = false
      isCollecting = false
    }
    guard isCollecting else { return }
    if expectsMessage { notePanic() }
    if let first = panics.first { emit(.systemProperty(SystemProperty(key: "Rust panic", value: first))) }
    if let first = errors.first { emit(.systemProperty(SystemProperty(key: "Rust error", value: first))) }
    let crashed = backtraces.firstIndex { !$0.frames.isEmpty }
    for (index, backtrace) in backtraces.enumerated() where !backtrace.frames.isEmpty {
      emitThread(
        CrashThread(
          architecture: .unknown, architectureEvidence: ["a Rust backtrace names no processor"], frames: backtrace.frames,
          format: .rustPanic, lines: backtrace.lines, label: backtrace.label, isCrashed: index == crashed))
    }
  }

  private func capped(_ text: String) -> String { TextLimits.singleLine(TextLimits.capped(text, maximumBytes: 512)) }
}
