//===--- SwiftFatalErrorTrace.swift - Swift's stack trace before 5.9 ----------===//
//
// Before the Swift 5.9 backtracer, the runtime printed this on a fatal error
// (stdlib/public/runtime/Errors.cpp, `dumpStackTraceEntry`):
//
//   Fatal error: Index out of range: file Swift/ContiguousArrayBuffer.swift, line 580
//   Current stack trace:
//   0    libswiftCore.so                    0x00007f1c5c3a7b80 swift_reportError + 50
//   2    libswiftCore.so                    0x00007f1c5c11e5e8 <unavailable> + 1107432
//   6    ledger                             0x000055d5c1a2b390 $s6ledger7balance2ofS2i_tF + 52
//   Illegal instruction (core dumped)
//
// Each row: the frame's number, the file's name, an address, a symbol and a
// decimal offset. The address is the *function's* when the runtime found a
// symbol (the pc is address + offset); with `<unavailable>` it is the pc and the
// offset is from the file's load address (which the row thus gives). The trap
// is `ud2` on x86-64 (SIGILL, the shell's `Illegal instruction`) and `brk` on
// arm64 (SIGTRAP, `Trace/breakpoint trap`).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// One `Current stack trace:` with the fatal error printed before it.
struct SwiftFatalErrorTraceCollector {
  private struct Row {
    var library: String
    var address: UInt64
    var symbol: String?
    var offset: UInt64
    var line: Int
  }

  /// The last `Fatal error: …` line seen (a trace follows it).
  private var message: (text: String, line: Int)?
  private var rows: [Row] = []
  private var header: Int?
  /// The shell's word for the signal that ended the program, after the trace.
  private var signal: (number: UInt32, line: Int)?
  /// Whether the rows are being read.
  private(set) var isCollecting = false
  /// The most rows kept.
  var maximumFrames = 4096

  /// `Current stack trace:`.
  static func isHeader(_ line: TextLine) -> Bool {
    line.tokens.count == 3 && line.tokenEquals(0, "Current") && line.tokenEquals(1, "stack") && line.tokenEquals(2, "trace:")
  }

  /// Notes a `Fatal error: …` line (`main.swift:7: Fatal error: …` too); never takes it.
  @inline(__always)
  mutating func observe(_ line: TextLine) {
    // A word starting with `f` or `F` (one bit of the line's word leads), then the words.
    guard line.tokenLeads.bits & (1 << 5) != 0, line.tokens.count >= 3 else { return }
    if line.tokenEquals(0, "Fatal") || line.tokenEquals(1, "Fatal") { noteMessage(line) }
  }

  @inline(never)
  private mutating func noteMessage(_ line: TextLine) {
    let start = line.tokenEquals(0, "Fatal") ? 0 : 1
    guard line.tokenEquals(start + 1, "error:") else { return }
    message = (TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 0), maximumBytes: 512)), line.number)
  }

  /// Takes a line; false for a line it does not read.
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if Self.isHeader(line) {
      finish(emit: emit, emitThread: emitThread, keepMessage: true)
      isCollecting = true
      header = line.number
      return true
    }
    guard isCollecting else { return false }
    if let row = Self.row(line) {
      if rows.count < maximumFrames { rows.append(row) }
      return true
    }
    // The shell's report of the signal, right after the trace.
    if line.tokenEquals(0, "Illegal"), line.tokenEquals(1, "instruction") {
      signal = (4, line.number)
      return true
    }
    if line.tokenEquals(0, "Trace/breakpoint"), line.tokenEquals(1, "trap") {
      signal = (5, line.number)
      return true
    }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// `6    ledger    0x000055d5c1a2b390 $s6ledger7balance2ofS2i_tF + 52`, or nil.
  private static func row(_ line: TextLine) -> Row? {
    let count = line.tokens.count
    guard count >= 6, line.token(0).count <= 5, line.token(0).allSatisfy(ASCII.isDigit), line.tokenEquals(count - 2, "+"),
      let offset = UInt64(line.string(count - 1)), Bytes.hasPrefix(line.token(2), "0x"), line.token(2).count <= 18,
      let address = HexNumber.digits(line.token(2).dropFirst(2))
    else { return nil }
    let symbol = line.text(fromToken: 3, throughToken: count - 3)
    return Row(
      library: TextLimits.singleLine(TextLimits.capped(line.string(1), maximumBytes: 256)), address: address,
      symbol: symbol == "<unavailable>" ? nil : TextLimits.capped(symbol), offset: offset, line: line.number)
  }

  /// Ends the trace: the exception, the files' load addresses the rows give, the thread.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void, keepMessage: Bool = false) {
    defer {
      rows = []
      header = nil
      signal = nil
      isCollecting = false
      if !keepMessage { message = nil }
    }
    guard isCollecting, let header, !rows.isEmpty else { return }
    var lines = LineRange(line: header).including(rows[rows.count - 1].line)
    if let message, header - message.line <= 3 {
      lines = lines.including(message.line)
      var exceptionLines = LineRange(line: message.line)
      if let signal { exceptionLines = exceptionLines.including(signal.line) }
      emit(
        .exception(
          CrashException(
            code: ExceptionCode(rawValue: signal?.number ?? 4), description: message.text, lines: exceptionLines)))
    }
    if let signal { lines = lines.including(signal.line) }
    // `<unavailable> + offset` rows give their file's load address.
    var bases: [String: UInt64] = [:]
    for row in rows where row.symbol == nil && row.address >= row.offset && bases.count < 1024 {
      if bases[row.library] == nil {
        bases[row.library] = row.address - row.offset
        emit(.module(CodeModule(name: row.library, base: Address(row.address - row.offset), lines: LineRange(line: row.line))))
      }
    }
    var frames: [StackFrame] = []
    var addresses: [PrintedAddress] = []
    for (index, row) in rows.enumerated() {
      let module = ModuleName.stem(row.library)
      let pc = row.symbol == nil ? row.address : row.address &+ row.offset
      let symbol =
        row.symbol.map { FrameSymbol(module: module, function: $0, offset: row.offset) }
        ?? FrameSymbol(module: module, moduleOffset: row.offset, moduleBase: bases[row.library].map { Address($0) })
      frames.append(StackFrame(index: index, symbol: symbol, trust: .text, lines: LineRange(line: row.line)))
      addresses.append(index == 0 ? .pc(pc) : .returnAddress(pc))
    }
    CallStack.place(addresses, in: &frames, architecture: .unknown)
    emitThread(
      CrashThread(
        architecture: .unknown, architectureEvidence: ["Swift's stack trace prints no processor"], frames: frames,
        format: .swiftBacktrace, lines: lines, label: "Current stack trace", isCrashed: true))
  }
}
