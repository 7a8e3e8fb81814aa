//===--- LLDBBacktrace.swift - lldb's `bt` and `bt all` ------------------------===//
//
// What lldb prints for a backtrace (its default `thread-format` and
// `frame-format` settings, lldb/source/Core/CoreProperties.td):
//
//   * thread #1, name = 'a.out', stop reason = signal SIGSEGV: invalid address (fault address: 0x0)
//     * frame #0: 0x0000555555555131 a.out`crash(p=0x0000000000000000) at main.c:3:6
//       frame #1: 0x0000555555555158 a.out`main [inlined] helper(x=1) at main.c:8:3
//       frame #2: 0x0000555555555158 a.out`main at main.c:12:3
//       frame #3: 0x00007ffff7c29d90 libc.so.6`__libc_start_call_main + 128
//   * thread #1, queue = 'com.apple.main-thread', stop reason = EXC_BAD_ACCESS (code=1, address=0x0)
//   * thread #1: tid = 18364, 0x00007f29… libc.so.6`__GI_raise(sig=6) + 55 at raise.c:55, name = 'python', stop reason = signal SIGABRT
//
// The selected thread (`*`) is the one that stopped. A frame: its number, the pc
// (a caller's is its return address), the module, a backtick, the function with
// its arguments where debug information gives them, `+ offset` for frames
// without it, `at FILE:LINE:COLUMN`. `caller [inlined] callee` names a call
// inlined into `caller`, at the pc of the frame below.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The lines of an lldb backtrace.
enum LLDBBacktrace {
  /// A frame row.
  struct Row {
    var number: Int
    var address: UInt64
    var addressDigits: Int
    var module: String?
    var function: String?
    var offset: UInt64?
    var file: String?
    var line: Int?
    var column: Int?
    var isInlined = false
    var text: String
  }

  /// Whether the line may be lldb's: its first token is `frame`, `thread` or `*`, or it may name
  /// the target (`Current executable set to …`, `Process 4242 launched: …`).
  @inline(__always)
  static func mayBe(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 3, let first = line.tokens.first else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "*"): return first.count == 1
    case UInt8(ascii: "f"): return line.tokenEquals(0, "frame")
    case UInt8(ascii: "t"): return line.tokenEquals(0, "thread")
    case UInt8(ascii: "C"): return line.tokens.count >= 4 && line.tokenEquals(0, "Current")
    case UInt8(ascii: "P"): return line.tokens.count >= 4 && line.tokenEquals(0, "Process")
    default: return false
    }
  }

  /// `Current executable set to '/tmp/a.out' (x86_64).`, `Process 54064 launched: '/tmp/app' (arm64)`:
  /// the architecture lldb names for the target.
  static func targetArchitecture(_ line: TextLine) -> Substring? {
    // `Current executable set to '…' (x86_64).`, `Process 4242 launched: '…' (arm64)`, by words:
    // `String.contains` on text is `_StringProcessing`'s search (300,000 instructions the first
    // time, on any log with a line starting `Process`).
    guard line.tokens.count >= 4,
      (line.tokenEquals(0, "Current") && line.tokenEquals(1, "executable") && line.tokenEquals(2, "set")
        && line.tokenEquals(3, "to")) || (line.tokenEquals(0, "Process") && line.tokenEquals(2, "launched:"))
    else { return nil }
    var tail = Substring(line.trimmedText)
    if tail.hasSuffix(".") { tail = tail.dropLast() }
    guard tail.hasSuffix(")"), let open = tail.lastIndex(of: "(") else { return nil }
    return tail[tail.index(after: open)..<tail.index(before: tail.endIndex)]
  }

  /// `frame #2: 0x0000555555555158 a.out`main at main.c:12:3` (after an optional `*`).
  static func row(_ line: TextLine) -> Row? {
    let first = line.tokenEquals(0, "*") ? 1 : 0
    guard first + 2 < line.tokens.count, line.tokenEquals(first, "frame") else { return nil }
    let numberToken = line.string(first + 1)
    guard numberToken.hasPrefix("#"), numberToken.hasSuffix(":"), let number = Int(numberToken.dropFirst().dropLast()) else {
      return nil
    }
    let addressToken = line.token(first + 2)
    guard Bytes.hasPrefix(addressToken, "0x"), addressToken.count > 2, addressToken.count <= 18,
      let address = HexNumber.digits(addressToken.dropFirst(2))
    else { return nil }
    var row = Row(number: number, address: address, addressDigits: addressToken.count - 2, text: "")
    guard first + 3 < line.tokens.count else {
      row.text = TextLimits.capped(line.text(fromToken: first + 2))
      return row
    }
    var rest = Substring(line.text(fromToken: first + 3))
    row.text = TextLimits.capped(String(rest))
    // `module`function…`; a module alone when nothing is known of the function.
    if let tick = rest.firstIndex(of: "`") {
      row.module = TextLimits.capped(String(rest[..<tick]))
      rest = rest[rest.index(after: tick)...]
    } else {
      if !rest.contains(" ") { row.module = TextLimits.capped(String(rest)) }
      return row
    }
    // ` at main.c:12:3`.
    if let at = rest.ranges(of: " at ").last {
      let parts = rest[at.upperBound...].split(separator: ":", omittingEmptySubsequences: false)
      if parts.count >= 3, let lineNumber = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]) {
        row.file = TextLimits.capped(parts[..<(parts.count - 2)].joined(separator: ":"))
        row.line = lineNumber
        row.column = column
        rest = rest[..<at.lowerBound]
      } else if parts.count >= 2, let lineNumber = Int(parts[parts.count - 1]) {
        row.file = TextLimits.capped(parts[..<(parts.count - 1)].joined(separator: ":"))
        row.line = lineNumber
        rest = rest[..<at.lowerBound]
      }
    }
    if let plus = rest.ranges(of: " + ").last, let offset = UInt64(rest[plus.upperBound...].trimmingBlanks()) {
      row.offset = offset
      rest = rest[..<plus.lowerBound]
    }
    // `main [inlined] helper(x=1)`: the frame is `helper`, inlined into `main`.
    if let marker = rest.ranges(of: " [inlined] ").last {
      row.isInlined = true
      rest = rest[marker.upperBound...]
    }
    let function = rest.trimmingBlanks()
    if !function.isEmpty { row.function = TextLimits.capped(String(function)) }
    return row
  }

  /// `* thread #1, name = 'a.out', stop reason = …`, `thread #2: tid = 0x1c03, …`: the thread's
  /// number, whether lldb selected it, its name or queue, its kernel id, and why it stopped.
  static func threadHeader(_ line: TextLine) -> (number: Int, selected: Bool, name: String?, tid: UInt32?, reason: String?)? {
    let first = line.tokenEquals(0, "*") ? 1 : 0
    guard first + 1 < line.tokens.count, line.tokenEquals(first, "thread") else { return nil }
    let numberToken = line.string(first + 1)
    guard numberToken.hasPrefix("#") else { return nil }
    let digits = numberToken.dropFirst().prefix { $0.isNumber }
    guard !digits.isEmpty, let number = Int(digits) else { return nil }
    let text = Substring(line.text(fromToken: first + 1))
    func field(_ name: String) -> Substring? {
      guard let range = text.firstRange(of: name + " = ") else { return nil }
      let value = text[range.upperBound...]
      if value.hasPrefix("'") {
        let inner = value.dropFirst()
        return inner.firstIndex(of: "'").map { inner[..<$0] } ?? inner
      }
      return value.prefix { $0 != "," }
    }
    let name = (field("name") ?? field("queue")).map { TextLimits.singleLine(TextLimits.capped(String($0), maximumBytes: 256)) }
    var tid: UInt32?
    if let value = field("tid") {
      tid = value.hasPrefix("0x") ? UInt32(value.dropFirst(2), radix: 16) : UInt32(value)
    }
    let reason = text.firstRange(of: "stop reason = ").map {
      TextLimits.singleLine(TextLimits.capped(String(text[$0.upperBound...]), maximumBytes: 512))
    }
    return (number, first == 1, name, tid, reason)
  }

  /// The exception a stop reason names: `signal SIGSEGV: invalid address (fault address: 0x0)`,
  /// `EXC_BAD_ACCESS (code=1, address=0x0)`; a breakpoint or a step is none.
  static func exception(reason: String) -> (code: UInt32, address: UInt64?)? {
    var address: UInt64?
    for marker in ["fault address: 0x", "address=0x"] {
      if let range = reason.firstRange(of: marker) {
        address = UInt64(reason[range.upperBound...].prefix { $0.isHexDigit }, radix: 16)
        break
      }
    }
    if reason.hasPrefix("signal ") {
      let name = reason.dropFirst(7).prefix { $0 != ":" && $0 != " " }
      return LinuxSignal.number(named: name).map { ($0, address) }
    }
    let name = reason.prefix { $0 != " " }
    return MachException.number(named: name).map { ($0, address) }
  }
}

/// The threads of an lldb backtrace (`bt`, `bt all`), gathered line by line.
struct LLDBBacktraceCollector {
  private struct Thread {
    var number: Int?
    var selected: Bool
    var name: String?
    var tid: UInt32?
    var rows: [LLDBBacktrace.Row] = []
    var rowLines: [Int] = []
    var lines: LineRange
  }

  private var threads: [Thread] = []
  private var exception: CrashException?
  private var clues = LinuxArchitectureClues()
  /// The most frames kept for one thread, and threads.
  var maximumFrames = 4096
  var maximumThreads = 4096

  /// Whether a backtrace is being read (stored: the decoder asks after every line it offers).
  private(set) var isCollecting = false

  /// Takes a thread header or a frame row (lldb's source listing and prompts between them are
  /// left to the others); false for any other line.
  mutating func consume(_ line: TextLine) -> Bool {
    if let name = LLDBBacktrace.targetArchitecture(line) {
      clues.observe(architectureName: name)
      return true
    }
    guard LLDBBacktrace.mayBe(line) else { return false }
    if line.tokens.count >= 4, line.tokenEquals(0, "Current") || line.tokenEquals(0, "Process") { return false }
    if let row = LLDBBacktrace.row(line) {
      if threads.isEmpty || (row.number == 0 && !threads[threads.count - 1].rows.isEmpty) {
        guard threads.count < maximumThreads else { return true }
        threads.append(Thread(selected: threads.isEmpty, lines: LineRange(line: line.number)))
        isCollecting = true
      }
      let last = threads.count - 1
      if threads[last].rows.count < maximumFrames {
        threads[last].rows.append(row)
        threads[last].rowLines.append(line.number)
      }
      threads[last].lines = threads[last].lines.including(line.number)
      if let module = row.module { clues.observe(path: module[...]) }
      if let file = row.file { clues.observe(path: file[...]) }
      if row.addressDigits == 16 || row.addressDigits == 8 { clues.observe(addressDigits: row.addressDigits) }
      return true
    }
    guard let header = LLDBBacktrace.threadHeader(line) else { return false }
    // `thread list` and then `bt` print the same header twice: one thread.
    if let last = threads.last, last.number == header.number, last.rows.isEmpty { return true }
    guard threads.count < maximumThreads else { return true }
    // Without lldb's `*` (a copy that left it out, a tool's log that reprints the lines), the
    // first thread stopped by an exception is the one.
    let found = header.reason.flatMap(LLDBBacktrace.exception(reason:))
    let selected = header.selected || (found != nil && !threads.contains { $0.selected && $0.number != nil })
    threads.append(
      Thread(number: header.number, selected: selected, name: header.name, tid: header.tid, lines: LineRange(line: line.number)))
    isCollecting = true
    if selected, exception == nil, let reason = header.reason, let found {
      exception = CrashException(
        code: ExceptionCode(rawValue: found.code), description: reason, address: found.address.map { Address($0) },
        threadID: header.tid, lines: LineRange(line: line.number))
    }
    return true
  }

  /// Ends the backtrace: the exception, then each thread.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      threads = []
      exception = nil
      clues = LinuxArchitectureClues()
      isCollecting = false
    }
    guard !threads.isEmpty else { return }
    // macOS's signals are reported as Mach exceptions; its paths name no multiarch triple.
    var (architecture, evidence) = clues.decision(source: "lldb")
    // A Darwin process's system libraries, where the shared region put them.
    if architecture == .unknown,
      let decided = AppleSharedRegion.architecture(of: threads.lazy.flatMap { $0.rows.lazy.map { (module: $0.module, address: $0.address) } })
    {
      (architecture, evidence) = (decided.0, [decided.1])
    }
    if let exception { emit(.exception(exception)) }
    // The same thread printed when it stopped, by `bt` and again by `bt all` is kept once: the
    // copy whose rows a later one of the same thread begins with goes.
    var seen: Set<[String]> = []
    var crashedGiven = false
    for (index, thread) in threads.enumerated() where !thread.rows.isEmpty {
      let texts = thread.rows.map(\.text)
      let repeatedLater = threads[(index + 1)...].contains { later in
        later.number == thread.number && later.rows.count >= texts.count && later.rows.prefix(texts.count).map(\.text) == texts
      }
      guard !repeatedLater, seen.insert(texts).inserted else { continue }
      let crashed = thread.selected && !crashedGiven
      if crashed { crashedGiven = true }
      var label = thread.number.map { "thread #\($0)" } ?? "backtrace"
      if let name = thread.name { label += " (\(name))" }
      emitThread(
        CrashThread(
          id: thread.tid, architecture: architecture, architectureEvidence: evidence,
          frames: Self.frames(thread, architecture: architecture), format: .lldbBacktrace, lines: thread.lines,
          label: label, isCrashed: crashed))
    }
  }

  /// The rows as frames: a caller's pc is its return address; `[inlined]` rows share the pc
  /// of the frame below.
  private static func frames(_ thread: Thread, architecture: Architecture) -> [StackFrame] {
    var frames: [StackFrame] = []
    frames.reserveCapacity(thread.rows.count)
    for (index, row) in thread.rows.enumerated() {
      var symbol = FrameSymbol(module: row.module, function: row.function, offset: row.function == nil ? nil : row.offset, printedText: row.text)
      if row.function == nil, row.module == nil { symbol.address = Address(row.address) }
      frames.append(
        StackFrame(
          index: index, symbol: symbol, sourceLine: row.file.map { SourceLine(file: $0, line: row.line ?? 0, column: row.column) },
          trust: .text, lines: LineRange(line: thread.rowLines[index]), printedNumber: row.number, isInlined: row.isInlined))
    }
    CallStack.place(thread.rows.map { .returnAddress($0.address) }, in: &frames, architecture: architecture)
    return frames
  }
}
