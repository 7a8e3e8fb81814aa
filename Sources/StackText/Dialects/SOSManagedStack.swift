//===--- SOSManagedStack.swift - .NET's managed stacks as SOS prints them -----===//
//
// SOS, the .NET debugger extension (WinDbg's `!clrstack`, lldb's and
// `dotnet-dump analyze`'s `clrstack`), prints a thread's managed frames:
//
//   OS Thread Id: 0x2f70 (4)
//           Child SP               IP Call Site
//   000000958D57F900 00007ffb87100ed4 [InlinedCallFrame: 000000958d57f900]
//   000000958D57F8D0 00007ffb1d8a3bc7 System.Threading.Monitor.Enter_Slowpath(System.Object) [/_/src/…/Monitor.CoreCLR.cs @ 73]
//   000000958D57F9E0 00007ffabe964998 ConsoleApp1.Process.Method1() [C:\Code\ConsoleApp1\Process.cs @ 16]
//   000000958D57FC80 00007ffb1e5b3893 [DebuggerU2MCatchHandlerFrame: 000000958d57fc80]
//
// (the CLR 2 era's SOS headed its 32-bit columns `ESP       EIP`); `-p` and `-a`
// add each frame's `PARAMETERS:` and `LOCALS:`; `~*e !clrstack` and
// `clrstack -all` repeat the block per thread, a thread with no managed code
// saying `Unable to walk the managed stack`. `!pe` (PrintException) prints an
// exception object and the stack it was thrown on:
//
//   Exception object: 00007fb18c038590
//   Exception type:   System.InvalidOperationException
//   Message:          ledger closed
//   InnerException:   <none>
//   StackTrace (generated):
//   SP               IP               Function
//   00007FFD28B42E20 00007FB1B18D33ED Ledger.dll!Ledger.Store.Latest()+0x15d [/src/Ledger/Store.cs @ 42]
//
//   StackTraceString: <none>
//   HResult: 80131509
//
// A row is the frame's stack pointer (the Child-SP, kept as the frame pointer as
// for kd's listings), its instruction (the pc in frame 0, the return address
// into each caller) and the call site: a method with its argument types and
// `[file @ line]`, or a runtime transition frame in brackets (`[GCFrame: …]`),
// which is code of no method and is passed over unless it names the method it
// stands for (`[HelperMethodFrame: …] System.Threading.Monitor.ReliableEnter(…)`).
// `!pe`'s rows name the assembly too (`Ledger.dll!…+0x15d`), kept in the printed
// text only: JIT-compiled code has no symbol file to look up. The exception's stack
// crashed; threads from `!clrstack` are listed as printed, none marked crashed.
// `!pe -nested` follows the exception with each inner one, after a line
// `Nested exception ---…`: the innermost was thrown first, and its stack is the
// crashed one (as .NET's own text makes the first-thrown exception's stack the
// crash); the report's exception stays the outermost, the one left unhandled.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// SOS's managed stacks (`!clrstack`) and printed exceptions (`!pe`), gathered line by line.
struct SOSManagedStackCollector {
  private struct Block {
    var label: String
    var threadID: UInt32?
    var isException: Bool
    var frames: [StackFrame] = []
    var addresses: [PrintedAddress] = []
    var digits = 0
    var lines: LineRange
    var hasColumns = false
  }

  private var block: Block?
  /// `!pe`'s fields before its stack: the object's type and message.
  private var exceptionType: (text: String, line: Int)?
  private var exceptionMessage: String?
  /// Whether the lines under a frame are its `PARAMETERS:` (true) or `LOCALS:` (false).
  private var inParameters: Bool?
  private var threadCount = 0
  /// The most frames kept for one thread, threads, and parameters kept for one frame.
  var maximumFrames = 4096
  var maximumThreads = 4096
  static let maximumParameters = 16

  /// Whether a stack or `!pe`'s fields are being read (the decoder then offers every line).
  var isCollecting: Bool {
    // `case .some` tests the optionals in place: `!= nil` would copy them.
    if case .some = block { return true }
    if case .some = exceptionType { return true }
    return false
  }

  /// Whether `line` may open a stack: `OS Thread Id:`, the columns' header (`Child SP IP Call
  /// Site`, `ESP EIP`) or `!pe`'s `Exception type:` (its first byte, then its words).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, line.tokens.count >= 2 else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "O"): return threadHeader(line) != nil
    case UInt8(ascii: "C"), UInt8(ascii: "E"): return isColumnHeader(line) || exceptionTypeLine(line) != nil
    case UInt8(ascii: "N"): return isNestedMarker(line)
    default: return false
    }
  }

  /// `OS Thread Id: 0x2f70 (4)`: the thread's id and the label.
  static func threadHeader(_ line: TextLine) -> (id: UInt32?, label: String)? {
    guard line.tokens.count >= 4, line.tokenEquals(0, "OS"), line.tokenEquals(1, "Thread"), line.tokenEquals(2, "Id:") else {
      return nil
    }
    let idText = line.string(3)
    let id = idText.hasPrefix("0x") ? UInt32(idText.dropFirst(2), radix: 16) : nil
    return (id, TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 0), maximumBytes: 128)))
  }

  /// `Child SP               IP Call Site` (!clrstack), `SP               IP               Function`
  /// (!pe), `ESP       EIP` (the CLR 2 era's SOS).
  static func isColumnHeader(_ line: TextLine) -> Bool {
    let count = line.tokens.count
    if count == 5, line.tokenEquals(0, "Child"), line.tokenEquals(1, "SP"), line.tokenEquals(2, "IP"), line.tokenEquals(3, "Call"),
      line.tokenEquals(4, "Site")
    {
      return true
    }
    if count == 3, line.tokenEquals(0, "SP"), line.tokenEquals(1, "IP"), line.tokenEquals(2, "Function") { return true }
    return count == 2 && line.tokenEquals(0, "ESP") && line.tokenEquals(1, "EIP")
  }

  /// `Nested exception -------------------------------------------------------------` (`!pe -nested`).
  static func isNestedMarker(_ line: TextLine) -> Bool {
    line.tokens.count == 3 && line.tokenEquals(0, "Nested") && line.tokenEquals(1, "exception") && line.token(2).count >= 3
      && line.token(2).allSatisfy { $0 == UInt8(ascii: "-") }
  }

  /// `Exception type:   System.InvalidOperationException`: the type.
  static func exceptionTypeLine(_ line: TextLine) -> String? {
    guard line.tokens.count >= 3, line.tokenEquals(0, "Exception"), line.tokenEquals(1, "type:") else { return nil }
    let type = line.string(2)
    guard type.contains("."), type.utf8.count <= 256 else { return nil }
    return TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 2), maximumBytes: 256))
  }

  /// A row: the stack pointer, the instruction (8 or 16 digits each, the same width) and the
  /// call site.
  static func row(_ line: TextLine) -> (sp: UInt64, ip: UInt64, digits: Int, site: Substring)? {
    guard line.tokens.count >= 3 else { return nil }
    let sp = line.token(0)
    let ip = line.token(1)
    guard sp.count == 8 || sp.count == 16, ip.count == sp.count, let spValue = HexNumber.digits(sp),
      let ipValue = HexNumber.digits(ip)
    else { return nil }
    return (spValue, ipValue, sp.count, Substring(line.text(fromToken: 2)))
  }

  /// The method a call site names (`!pe`'s assembly, `Ledger.dll!`, dropped), the offset into it
  /// (`+0x15d`) and its source; nil for a transition frame that names none.
  static func method(_ site: Substring) -> (function: String, offset: UInt64?, source: SourceLine?)? {
    var text = site
    if text.hasPrefix("[") {
      // `[HelperMethodFrame: 00007ffd28b42c58] System.Threading.Monitor.ReliableEnter(…)`.
      guard let close = text.firstIndex(of: "]") else { return nil }
      text = text[text.index(after: close)...].trimmingBlanks()
      guard !text.isEmpty else { return nil }
    }
    var source: SourceLine?
    // ` [C:\src\Ledger\Store.cs @ 42]`.
    if text.hasSuffix("]"), let open = text.lastIndex(of: "["), let at = text[open...].firstRange(of: " @ ") {
      let file = text[text.index(after: open)..<at.lowerBound]
      if let number = Int(text[at.upperBound..<text.index(before: text.endIndex)]), number > 0, !file.isEmpty {
        source = SourceLine(file: TextLimits.capped(String(file)), line: number)
        text = text[..<open].trimmingBlanks()
      }
    }
    // `Ledger.dll!Ledger.Store.Latest()+0x15d`: the assembly before the first `!` ahead of the
    // argument list, the offset after the list.
    let beforeArguments = text.firstIndex(of: "(") ?? text.endIndex
    if let bang = text[..<beforeArguments].firstIndex(of: "!"), bang > text.startIndex {
      text = text[text.index(after: bang)...]
    }
    var offset: UInt64?
    if let plus = text.lastIndex(of: "+"), text[plus...].hasPrefix("+0x"), let value = UInt64(text[text.index(plus, offsetBy: 3)...], radix: 16) {
      offset = value
      text = text[..<plus]
    }
    guard !text.isEmpty, !text.contains(" ") || text.contains("(") else { return nil }
    return (TextLimits.capped(String(text)), offset, source)
  }

  /// Takes a line; false for one it does not read (which may end the stack).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if let header = Self.threadHeader(line) {
      finishBlock(emitThread)
      flushChain(emitThread)
      open(Block(label: header.label, threadID: header.id, isException: false, lines: LineRange(line: line.number)))
      return true
    }
    if Self.isNestedMarker(line) {
      finishBlock(emitThread)
      nestedNext = true
      return true
    }
    if let type = Self.exceptionTypeLine(line) {
      finishBlock(emitThread)
      // An exception not after a `Nested exception` line begins a chain of its own.
      if !nestedNext { flushChain(emitThread) }
      nestedNext = false
      exceptionType = (type, line.number)
      exceptionMessage = nil
      return true
    }
    if exceptionType != nil, block == nil {
      return consumeExceptionField(line)
    }
    if Self.isColumnHeader(line) {
      if block == nil || block?.hasColumns == true || block?.frames.isEmpty == false {
        finishBlock(emitThread)
        flushChain(emitThread)
        open(Block(label: "Managed stack", isException: false, lines: LineRange(line: line.number)))
      }
      if var current = block {
        current.hasColumns = true
        current.lines = current.lines.including(line.number)
        block = current
      }
      return true
    }
    guard block != nil else { return false }
    if takeBlockLine(line) { return true }
    finishBlock(emitThread)
    return false
  }

  /// A line of the stack being read: a row, a frame's parameters or locals, or a thread's note
  /// that it has no managed code; false for any other line.
  private mutating func takeBlockLine(_ line: TextLine) -> Bool {
    guard var current = block else { return false }
    defer { block = current }
    if let row = Self.row(line), current.hasColumns {
      inParameters = nil
      current.lines = current.lines.including(line.number)
      guard current.frames.count < maximumFrames, current.digits == 0 || current.digits == row.digits,
        let method = Self.method(row.site)
      else { return true }
      current.digits = row.digits
      // JIT-compiled code has no symbol file to look up: the assembly `!pe` names stays in the
      // printed text, not as a module whose symbols would be reported missing.
      let symbol = FrameSymbol(module: nil, function: method.function, offset: method.offset, printedText: String(row.site))
      current.frames.append(
        StackFrame(
          index: current.frames.count, framePointer: Address(row.sp), symbol: symbol, sourceLine: method.source, trust: .text,
          lines: LineRange(line: line.number)))
      current.addresses.append(row.ip == 0 ? .none : .returnAddress(row.ip))
      return true
    }
    // `-p`'s and `-a`'s blocks under a frame: `PARAMETERS:` with `this (0x…) = 0x…`, `LOCALS:`.
    if line.tokens.count == 1, line.tokenEquals(0, "PARAMETERS:") || line.tokenEquals(0, "LOCALS:") {
      inParameters = line.tokenEquals(0, "PARAMETERS:")
      current.lines = current.lines.including(line.number)
      return true
    }
    // Blank lines part the frames of `-p` and `-a`.
    if inParameters != nil, line.isBlank {
      current.lines = current.lines.including(line.number)
      return true
    }
    if let inParameters, line.contentStart > 0, !current.frames.isEmpty {
      let last = current.frames.count - 1
      if inParameters, let value = Self.parameterValue(line), current.frames[last].parameters.count < Self.maximumParameters {
        current.frames[last].parameters.append(value)
        current.frames[last].parameterSource = .argumentList
      }
      current.lines = current.lines.including(line.number)
      return true
    }
    // A thread without managed code: `Unable to walk the managed stack. The current thread is
    // likely not a` / `managed thread. You can run !threads …` / `Failed to start stack walk: …`.
    if current.frames.isEmpty, line.tokens.count >= 2,
      line.tokenEquals(0, "Unable") || line.tokenEquals(0, "managed") || line.tokenEquals(0, "the")
        || line.tokenEquals(0, "Failed")
    {
      current.lines = current.lines.including(line.number)
      return true
    }
    return false
  }

  /// `this (0x000000e5d8f7e300) = 0x000001f2a3b4c5d8`, `x (<CLR reg>) = 0x0000000000000005`: the
  /// value, or nil (`<no data>`).
  private static func parameterValue(_ line: TextLine) -> UInt64?? {
    guard let equals = (0..<line.tokens.count).first(where: { line.tokenEquals($0, "=") }) else { return nil }
    guard equals + 1 < line.tokens.count else { return .some(nil) }
    let value = line.token(equals + 1)
    guard Bytes.hasPrefix(value, "0x"), value.count > 2, value.count <= 18 else { return .some(nil) }
    return .some(HexNumber.digits(value.dropFirst(2)))
  }

  /// `!pe`'s fields after `Exception type:`, up to its stack's columns.
  private mutating func consumeExceptionField(_ line: TextLine) -> Bool {
    guard let type = exceptionType else { return false }
    if line.tokens.count >= 2, line.tokenEquals(0, "Message:") {
      let message = line.text(fromToken: 1)
      if message != "<none>" { exceptionMessage = TextLimits.singleLine(TextLimits.capped(message, maximumBytes: 512)) }
      return true
    }
    if line.tokens.count >= 1, line.tokenEquals(0, "InnerException:") || line.tokenEquals(0, "StackTrace") { return true }
    if Self.isColumnHeader(line) {
      let label = exceptionMessage.map { "\(type.text): \($0)" } ?? type.text
      exceptionType = nil
      open(Block(label: label, isException: true, lines: LineRange(type.line, line.number), hasColumns: true))
      return true
    }
    // `Exception object:` comes first; anything else ends the fields.
    exceptionType = nil
    return false
  }

  private mutating func open(_ new: Block) {
    block = threadCount < maximumThreads ? new : nil
    inParameters = nil
  }

  /// Gives out the block being read: its frames as a thread, an exception's with the exception.
  private mutating func finishBlock(_ emitThread: (CrashThread) -> Void) {
    defer {
      block = nil
      inParameters = nil
    }
    guard var current = block, !current.frames.isEmpty else { return }
    threadCount += 1
    let architecture: Architecture = current.digits == 8 ? .x86 : .amd64
    let evidence =
      current.digits == 8
      ? "SOS printed 8-digit stack pointers: a 32-bit process"
      : "SOS printed 16-digit stack pointers, a 64-bit process's; taken as amd64 (arm64 prints the same width)"
    CallStack.place(current.addresses, in: &current.frames, architecture: architecture)
    if current.isException, pendingException == nil {
      pendingException = CrashException(
        code: ExceptionCode(rawValue: 0xE043_4352), description: TextLimits.singleLine(current.label), lines: current.lines)
    }
    let thread = CrashThread(
      id: current.threadID, architecture: architecture, architectureEvidence: [evidence], frames: current.frames,
      format: .sosManagedStack, lines: current.lines, label: current.label, isCrashed: false)
    if current.isException {
      // Held until the chain of nested exceptions ends: its last one crashed.
      chain.append(thread)
    } else {
      emitThread(thread)
    }
  }

  /// The stacks of one `!pe`'s exception and its nested ones, outermost first.
  private var chain: [CrashThread] = []
  /// Whether the next `!pe` block is a nested exception of the one before it.
  private var nestedNext = false

  /// Gives out the chain of exceptions read, the innermost (the first thrown) crashed.
  private mutating func flushChain(_ emitThread: (CrashThread) -> Void) {
    guard !chain.isEmpty else { return }
    chain[chain.count - 1].isCrashed = true
    for thread in chain { emitThread(thread) }
    chain = []
  }

  /// The exception of the first `!pe` read, given out when the text ends.
  private var pendingException: CrashException?

  /// Ends the text: the last stack, and the exception `!pe` printed.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    finishBlock(emitThread)
    flushChain(emitThread)
    nestedNext = false
    exceptionType = nil
    if let exception = pendingException {
      emit(.exception(exception))
      pendingException = nil
    }
  }
}
