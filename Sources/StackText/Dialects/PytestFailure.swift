//===--- PytestFailure.swift - A failing test as pytest prints it ------------===//
//
// pytest prints each failing test under a header of underscores, with its own
// traceback layout (_pytest/_code/code.py), not the traceback module's. Its
// default (`--tb=auto`) prints the first and last entries long, the others short:
//
//   _________________________________ test_close _________________________________
//
//       def test_close():
//           ledger = Ledger()
//   >       ledger.close("ACC-1042")
//
//   tests/test_ledger.py:12:
//   _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
//   ledger/api.py:31: in close
//       return self._store.load(account)
//   _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
//
//   self = <ledger.store.Store object at 0x7f3b1c2bd0d0>, account = 'ACC-1042'
//
//       def load(self, account):
//   >       return self._rows[account]
//   E       KeyError: 'ACC-1042'
//
//   ledger/store.py:88: KeyError
//
// A long entry shows its function's source from its `def` line, the running
// line marked `>`, the exception's lines marked `E`, then `path:line:` (the last
// entry's followed by the exception's type); a short one is `path:line: in
// function` over its source line (`--tb=short` prints every entry so). Entries
// are oldest first, `_ _ _` rules between them; chained exceptions are joined by
// the traceback module's sentences. Each failing test is a thread per exception,
// innermost frame first, labelled with the test; the first test's exception (its
// cause, through direct-cause links) is the crashed one. `Captured stdout` and
// the other sections after a traceback, and the `=====` summary, end it. The
// frames' function, file and line, with no module, are a traceback's.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A pytest run's failures, gathered line by line.
struct PytestFailureCollector {
  /// One exception of a failing test's chain.
  private struct Block {
    var frames: [StackFrame] = []
    var exceptionType: String?
    var exceptionLines: [String] = []
    var isDirectCauseOfNext = false
    var lines: LineRange
    /// The last `def` line's function in the current entry's source.
    var pendingFunction: String?
  }

  private var test: String?
  private var blocks: [Block] = []
  private var failuresEmitted = 0
  var maximumFrames = 4096
  var maximumBlocks = 64

  /// Whether a failure is being read.
  private(set) var isCollecting = false

  /// Whether `line` may open a failure: `____ test_close ____`, `____ TestLedger.test_close ____`,
  /// `____ test_post[ACC 1042] ____`, `____ ERROR at setup of test_close ____` (a name with `test`
  /// in it, as pytest collects them).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    let count = line.tokens.count
    guard count >= 3, count <= 12, isRule(line.token(0), of: UInt8(ascii: "_")), isRule(line.token(count - 1), of: UInt8(ascii: "_"))
    else { return false }
    return (1..<count - 1).contains { Bytes.contains(line.token($0), "test") }
  }

  private static func isRule(_ word: ByteSlice, of byte: UInt8) -> Bool { word.count >= 3 && word.allSatisfy { $0 == byte } }

  /// `_ _ _ _ _`: the rule between two entries.
  private static func isEntryRule(_ line: TextLine) -> Bool {
    line.tokens.count >= 5 && line.tokens.indices.allSatisfy { line.token($0).count == 1 && line.token($0)[line.tokens[$0].lowerBound] == UInt8(ascii: "_") }
  }

  /// `=== short test summary info ===`, `--- Captured stdout call ---`: what ends a traceback.
  private static func endsTraceback(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 2 else { return false }
    let first = line.token(0)
    return isRule(first, of: UInt8(ascii: "=")) || (isRule(first, of: ASCII.minus) && line.tokenEquals(1, "Captured"))
  }

  /// `path:line:`, `path:line: KeyError`, `path:line: in function`: the place and what follows it.
  private static func location(_ line: TextLine) -> (file: String, line: Int, rest: Int)? {
    guard line.contentStart == 0, let first = line.tokens.first else { return nil }
    let word = line.bytes[first]
    guard word.count >= 4, word.last == ASCII.colon else { return nil }
    let body = word.dropLast()
    guard let colon = body.lastIndex(of: ASCII.colon), colon > body.startIndex else { return nil }
    let digits = body[(colon + 1)...]
    guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(ASCII.isDigit) else { return nil }
    let file = body[..<colon]
    // A path, not a log's `12:30:45:`: a file name with a dot in it.
    guard file.contains(ASCII.period) || file.contains(UInt8(ascii: "/")) else { return nil }
    return (TextLimits.capped(Bytes.string(file), maximumBytes: 1024), Int(Bytes.string(digits)) ?? 0, 1)
  }

  /// The function a `def` line in an entry's source names: `    def load(self, account):`,
  /// `    async def fetch(self):`.
  private static func definedFunction(_ line: TextLine) -> String? {
    guard line.contentStart > 0, line.tokens.count >= 2 else { return nil }
    let index = line.tokenEquals(0, "async") ? 1 : 0
    guard line.tokens.count > index + 1, line.tokenEquals(index, "def") else { return nil }
    let name = line.string(index + 1).prefix { $0 != "(" }
    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
    return String(name)
  }

  /// Takes a line; false for one it does not read (which ends the failures).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if Self.mayOpen(line) {
      finishTest(emit: emit, emitThread: emitThread)
      isCollecting = true
      test = TextLimits.capped(line.text(fromToken: 1, throughToken: line.tokens.count - 2), maximumBytes: 256)
      blocks = [Block(lines: LineRange(line: line.number))]
      return true
    }
    guard isCollecting, !blocks.isEmpty else { return false }
    if Self.endsTraceback(line) {
      finish(emit: emit, emitThread: emitThread)
      return false
    }
    var last = blocks.count - 1
    if line.isBlank || Self.isEntryRule(line) { return true }
    // pytest-xdist's worker line under the header: `[gw3] linux -- Python 3.12.3 /usr/bin/python`.
    if line.tokens.count >= 3, Bytes.hasPrefix(line.token(0), "[gw"), line.tokenEquals(2, "--") { return true }
    if let place = Self.location(line) {
      let rest = line.tokens.count > 1 ? line.text(fromToken: 1) : ""
      var function = blocks[last].pendingFunction
      if rest.hasPrefix("in ") {
        function = TextLimits.capped(String(rest.dropFirst(3)), maximumBytes: 256)
      } else if !rest.isEmpty, blocks[last].exceptionType == nil {
        // The last entry's place names the exception's type.
        blocks[last].exceptionType = TextLimits.capped(rest, maximumBytes: 256)
      }
      if blocks[last].frames.count < maximumFrames {
        blocks[last].frames.append(
          StackFrame(
            index: blocks[last].frames.count,
            symbol: FrameSymbol(module: nil, function: function ?? test, printedText: line.text(fromToken: 0)),
            sourceLine: SourceLine(file: place.file, line: place.line), trust: .text, lines: LineRange(line: line.number)))
      }
      blocks[last].pendingFunction = nil
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    // An exception's line: `E       KeyError: 'ACC-1042'`.
    if line.tokens.count >= 2, line.tokenEquals(0, "E") {
      if blocks[last].exceptionLines.count < 8 {
        blocks[last].exceptionLines.append(TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 1), maximumBytes: 512)))
      }
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    // The sentence between chained exceptions: the next exception starts.
    if let directCause = Self.chainLink(line) {
      if blocks.count < maximumBlocks {
        blocks[last].isDirectCauseOfNext = directCause
        blocks.append(Block(lines: LineRange(line: line.number)))
        last += 1
      }
      return true
    }
    // The source of an entry (indented), the running line (`>` and the source), the arguments'
    // values before a long entry (`self = <…>, account = 'ACC-1042'`).
    if line.contentStart > 0 || line.tokenEquals(0, ">") || (line.tokens.count >= 3 && line.tokenEquals(1, "=")) {
      if let function = Self.definedFunction(line) { blocks[last].pendingFunction = function }
      blocks[last].lines = blocks[last].lines.including(line.number)
      return true
    }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// The traceback module's sentences: true for a direct cause, false for an exception raised
  /// while handling; nil for any other line.
  private static func chainLink(_ line: TextLine) -> Bool? {
    let count = line.tokens.count
    guard count >= 8 else { return nil }
    if line.tokenEquals(0, "The"), line.tokenEquals(1, "above"), line.tokenEquals(count - 1, "exception:") { return true }
    if line.tokenEquals(0, "During"), line.tokenEquals(1, "handling"), line.tokenEquals(count - 1, "occurred:") { return false }
    return nil
  }

  /// Ends the failures being read.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    finishTest(emit: emit, emitThread: emitThread)
    isCollecting = false
  }

  /// Emits the test being read: each exception a thread, innermost frame first.
  private mutating func finishTest(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      blocks = []
      test = nil
    }
    guard let ended = blocks.lastIndex(where: { !$0.frames.isEmpty }) else { return }
    var crashed = ended
    while crashed > 0, blocks[crashed - 1].isDirectCauseOfNext, !blocks[crashed - 1].frames.isEmpty { crashed -= 1 }
    let isFirst = failuresEmitted == 0
    if isFirst, let exception = Self.exception(blocks[ended]) {
      emit(.systemProperty(SystemProperty(key: "Python exception", value: exception)))
      if crashed != ended, let cause = Self.exception(blocks[crashed]) {
        emit(.systemProperty(SystemProperty(key: "Python root cause", value: cause)))
      }
    }
    for (index, block) in blocks.enumerated() where !block.frames.isEmpty {
      var frames: [StackFrame] = []
      frames.reserveCapacity(block.frames.count)
      for (position, frame) in block.frames.reversed().enumerated() {
        var frame = frame
        frame.index = position
        frames.append(frame)
      }
      let label = [test, Self.exception(block)].compactMap { $0 }.joined(separator: ": ")
      emitThread(
        CrashThread(
          architecture: .unknown, architectureEvidence: ["Python frames name no processor"], frames: frames, format: .pytest,
          lines: block.lines, label: label.isEmpty ? "pytest" : label, isCrashed: isFirst && index == crashed))
    }
    failuresEmitted += 1
  }

  /// `KeyError: 'ACC-1042'`: the type from the entry's place, the message from its first `E`
  /// line (which may name the type itself); an assertion's `assert 1 == 2` under its type.
  private static func exception(_ block: Block) -> String? {
    guard let first = block.exceptionLines.first else { return block.exceptionType }
    guard let type = block.exceptionType, !first.hasPrefix(type) else { return first }
    return type + ": " + first
  }
}
