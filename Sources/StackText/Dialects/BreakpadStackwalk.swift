//===--- BreakpadStackwalk.swift - minidump_stackwalk's text output ---------===//
//
// Breakpad's `minidump_stackwalk` prints a walked minidump as text that people
// paste into bug trackers (Crashpad and Breakpad users, Mozilla, Qt and
// Electron applications):
//
//   CPU: x86
//   Crash reason:  EXCEPTION_ACCESS_VIOLATION_WRITE
//   Crash address: 0x45
//
//   Thread 0 (crashed)
//    0  test_app.exe!`anonymous namespace'::CrashFunction [test_app.cc : 58 + 0x3]
//       eip = 0x0040429e   esp = 0x0012fe84   ebp = 0x0012fe88
//       Found by: given as instruction pointer in context
//    1  kernel32.dll!BaseProcessStart + 0x23
//    2  ntdll.dll + 0x1f999
//    3  0x7780c4bc
//
// A frame's location takes one of four forms: function with source line (the
// `+ 0x3` there is the distance from the line's first instruction), function
// with offset, module with offset, bare address. The registers under a frame
// are those the walker recovered: the instruction pointer of a caller is its
// return address (the callee's `returnAddress` here, stepped back into the call
// by `CallStack.assignInstructionAddresses` as for every listing), the frame
// pointer is kept. `Found by:` says how the walker found the frame
// (`FrameTrust`); `inlining` marks an inlined frame. A blank line or the next
// `Thread N` ends a thread. Layout from Breakpad's
// processor/stackwalk_common.cc (PrintStack, PrintRegisters).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Reads the lines of `minidump_stackwalk`'s text output.
enum BreakpadStackwalk {
  /// Whether the line may be one of the walker's unindented lines that start something
  /// (`CPU:`, `Crash …`, `Loaded modules:`, `Thread N`): asked of many lines, inline.
  @inline(__always)
  static func mayStartSomething(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, first.lowerBound == 0 else { return false }
    let lead = line.bytes[0]
    return lead == 0x43 || lead == 0x4C || lead == 0x54  // C, L, T
  }

  /// `Thread 3` or `Thread 0 (crashed)`: the thread's number and whether it crashed.
  static func threadHeader(_ line: TextLine) -> (number: Int, crashed: Bool)? {
    let count = line.tokens.count
    guard count == 2 || count == 3, line.contentStart == 0, line.tokenEquals(0, "Thread"),
      let number = decimal(line.token(1))
    else { return nil }
    if count == 3 && !line.tokenEquals(2, "(crashed)") { return nil }
    return (number, count == 3)
  }

  /// ` 0  module!function …`: an indented decimal frame number and the location after it.
  static func frame(_ line: TextLine) -> (number: Int, symbol: FrameSymbol, sourceLine: SourceLine?)? {
    guard line.tokens.count >= 2, line.contentStart > 0, line.contentStart <= 3, let number = decimal(line.token(0))
    else { return nil }
    let text = String(decoding: line.bytes(fromToken: 1), as: UTF8.self)
    guard let (symbol, sourceLine) = location(text) else { return nil }
    return (number, symbol, sourceLine)
  }

  /// The four forms of a frame's location; nil for anything else.
  static func location(_ text: String) -> (FrameSymbol, SourceLine?)? {
    var rest = Substring(text).trimmingBlanks()
    // `0x7780c4bc`: an address in no module.
    if rest.hasPrefix("0x"), !rest.contains(" "), let address = UInt64(rest.dropFirst(2), radix: 16) {
      return (FrameSymbol(address: Address(address), printedText: text), nil)
    }
    // `[file : line + 0x3]`.
    var sourceLine: SourceLine?
    if rest.hasSuffix("]"), let open = rest.ranges(of: " [").last {
      let inside = rest[open.upperBound..<rest.index(before: rest.endIndex)]
      let parts = inside.split(separator: " : ", maxSplits: 1, omittingEmptySubsequences: false)
      guard parts.count == 2 else { return nil }
      let lineText = parts[1].split(separator: " ").first ?? ""
      guard let lineNumber = Int(lineText) else { return nil }
      // A negative line (from a damaged .sym) is printed as read; the frame stays, its line does not.
      if lineNumber >= 0 { sourceLine = SourceLine(file: String(parts[0]), line: lineNumber) }
      rest = rest[..<open.lowerBound].trimmingBlanks()
    }
    // ` + 0x23`: the offset into the function, or into the module.
    var offset: UInt64?
    if let plus = rest.ranges(of: " + 0x").last {
      guard let value = UInt64(rest[plus.upperBound...], radix: 16) else { return nil }
      offset = value
      rest = rest[..<plus.lowerBound].trimmingBlanks()
    }
    guard !rest.isEmpty else { return nil }
    guard let bang = rest.firstIndex(of: "!") else {
      // `ntdll.dll + 0x1f999`: a module and the offset into it.
      guard sourceLine == nil, let offset, !rest.contains(" ") else { return nil }
      return (FrameSymbol(module: moduleName(rest), moduleOffset: offset, printedText: text), nil)
    }
    let module = rest[..<bang]
    let function = rest[rest.index(after: bang)...]
    guard !module.isEmpty, !module.contains(" "), !function.isEmpty else { return nil }
    return (FrameSymbol(module: moduleName(module), function: String(function), offset: offset, printedText: text), sourceLine)
  }

  /// `eip = 0x0040429e   esp = 0x0012fe84`: the name and value pairs of a register line.
  static func registers(_ line: TextLine) -> [(name: Substring, value: UInt64)]? {
    let count = line.tokens.count
    guard count >= 3, count % 3 == 0, line.contentStart >= 4 else { return nil }
    var pairs: [(name: Substring, value: UInt64)] = []
    pairs.reserveCapacity(count / 3)
    let text = String(decoding: line.bytes(fromToken: 0), as: UTF8.self)
    let words = text.split(separator: " ")
    guard words.count == count else { return nil }
    for index in stride(from: 0, to: count, by: 3) {
      guard words[index + 1] == "=", words[index + 2].hasPrefix("0x"),
        let value = UInt64(words[index + 2].dropFirst(2), radix: 16)
      else { return nil }
      pairs.append((words[index], value))
    }
    return pairs
  }

  /// `Found by: call frame info`: how the walker found the frame, and whether it is inlined.
  static func trust(_ line: TextLine) -> (trust: FrameTrust, inlined: Bool)? {
    guard line.tokens.count >= 3, line.tokenEquals(0, "Found"), line.tokenEquals(1, "by:") else { return nil }
    let how = String(decoding: line.bytes(fromToken: 2), as: UTF8.self)
    if how == "inlining" { return (.text, true) }
    // Breakpad prints "call frame info" for STACK CFI and STACK WIN alike: `.cfi` comes first.
    let trust = FrameTrust.allCases.first { $0.breakpadPhrase == how } ?? .text
    return (trust, false)
  }

  /// `CPU: amd64`: the architecture the walker read from the dump.
  static func cpu(_ line: TextLine) -> (Architecture, String)? {
    guard line.tokens.count == 2, line.contentStart == 0, line.tokenEquals(0, "CPU:") else { return nil }
    let name = line.string(1)
    return (architecture(named: name), name)
  }

  /// What a CPU line (`CPU: x86`, `CPU|x86|…`) says of the architecture, for the thread's evidence.
  static func cpuEvidence(name: String, line: Int, architecture: Architecture) -> String {
    "minidump_stackwalk's CPU line names \(name) (line \(line))" + (architecture == .unknown ? ", which analyse does not model" : "")
  }

  /// The architecture a walker's CPU name (`x86`, `amd64`, `arm64`, `arm`, `ppc`, `mips`) stands for.
  static func architecture(named name: String) -> Architecture {
    switch name.lowercased() {
    case "x86": .x86
    case "amd64": .amd64
    case "arm64": .arm64
    case "arm": .arm
    case "ppc": .ppc
    case "mips": .mips
    default: .unknown
    }
  }

  /// `Crash reason:  EXCEPTION_ACCESS_VIOLATION_WRITE` or `Crash address: 0x45`.
  static func crashField(_ line: TextLine) -> (isReason: Bool, value: String)? {
    guard line.tokens.count >= 3, line.contentStart == 0, line.tokenEquals(0, "Crash") else { return nil }
    if line.tokenEquals(1, "reason:") { return (true, String(decoding: line.bytes(fromToken: 2), as: UTF8.self)) }
    if line.tokenEquals(1, "address:") { return (false, line.string(2)) }
    return nil
  }

  /// The exception a `Crash reason:` names (`EXCEPTION_ACCESS_VIOLATION_WRITE`: the access
  /// violation; the walker adds `_READ`, `_WRITE` or `_EXEC`), or nil for a reason that is no
  /// Windows exception name (`SIGSEGV /SEGV_MAPERR`).
  static func exceptionCode(reason: String) -> ExceptionCode? {
    let name = reason.split(separator: " ").first.map(String.init) ?? reason
    if let code = ExceptionCode.named(name) { return code }
    for suffix in ["_READ", "_WRITE", "_EXEC"] where name.hasSuffix(suffix) {
      return ExceptionCode.named(String(name.dropLast(suffix.count)))
    }
    if name.hasPrefix("0x"), let value = UInt32(name.dropFirst(2), radix: 16) { return ExceptionCode(rawValue: value) }
    return nil
  }

  /// `0x00400000 - 0x0042cfff  test_app.exe  ???  (main)`: a line under `Loaded modules:`,
  /// with the module's first and last byte, its file name and version (`???` when unknown).
  static func loadedModule(_ line: TextLine) -> CodeModule? {
    let count = line.tokens.count
    guard count >= 4, line.contentStart == 0, line.tokenEquals(1, "-"),
      let base = hexValue(line.token(0)), let last = hexValue(line.token(2)), last >= base
    else { return nil }
    let file = Substring(line.string(3))
    let version = count > 4 && !line.tokenEquals(4, "???") && !line.tokenEquals(4, "(main)") ? line.string(4) : nil
    // `last` is the module's last byte: one more is its size (none for a module ending at 2^64).
    let (size, overflow) = (last - base).addingReportingOverflow(1)
    return CodeModule(
      name: moduleName(file), path: String(file), base: Address(base), size: overflow ? nil : size, version: version,
      lines: LineRange(line: line.number))
  }

  private static func hexValue(_ token: ByteSlice) -> UInt64? {
    guard token.count > 2, token.count <= 18, Bytes.hasPrefix(token, "0x") else { return nil }
    return HexNumber.digits(token.dropFirst(2))
  }

  /// `test_app.exe` → `test_app`, as WinDbg names modules; `libc.so.6` stays as it is.
  static func moduleName(_ file: Substring) -> String {
    for suffix in [".exe", ".dll", ".sys", ".ocx", ".drv", ".cpl", ".scr", ".efi"]
    where file.count > suffix.count && file.lowercased().hasSuffix(suffix) {
      return String(file.dropLast(suffix.count))
    }
    return String(file)
  }

  private static func decimal(_ token: ByteSlice) -> Int? {
    guard !token.isEmpty, token.count <= 6, token.allSatisfy(ASCII.isDigit) else { return nil }
    return token.reduce(0) { $0 * 10 + Int($1 - ASCII.zero) }
  }
}

/// The threads of one `minidump_stackwalk` text, gathered line by line.
struct BreakpadStackwalkCollector {
  /// A frame and the registers printed under it.
  private struct Entry {
    var frame: StackFrame
    var instructionPointer: UInt64?
    var registerNames: [Substring] = []
  }

  /// The architecture the `CPU:` line named.
  private var cpu: (architecture: Architecture, name: String, line: Int)?
  private var thread: (number: Int, crashed: Bool, line: Int)?
  private var entries: [Entry] = []
  private var lines: LineRange?
  /// The most frames kept for one thread.
  var maximumFrames = 4096
  /// The same walker's machine-readable form (`-m`), read beside this one.
  var machineReadable = BreakpadMachineReadableCollector()

  /// Whether a thread is being read.
  var isCollecting: Bool { thread != nil }
  /// Whether the lines are under `Loaded modules:`.
  private(set) var isReadingModules = false

  /// Takes `Loaded modules:` and the module lines under it (each to `emit`); false for any
  /// other line, which ends the list.
  mutating func consumeModules(_ line: TextLine, emit: (CodeModule) -> Void) -> Bool {
    if !isReadingModules {
      guard line.tokens.count == 2, line.contentStart == 0, line.tokenEquals(0, "Loaded"), line.tokenEquals(1, "modules:")
      else { return false }
      isReadingModules = true
      return true
    }
    if let module = BreakpadStackwalk.loadedModule(line) {
      emit(module)
      return true
    }
    isReadingModules = false
    return false
  }

  /// The `Crash reason:` line, until its `Crash address:` follows.
  private var crashReason: (text: String, line: Int)?

  /// Notes a header line (`CPU:`, `Crash reason:`, `Crash address:`); true when it was one.
  /// The crash's exception goes to `emit` once its address is read.
  mutating func observeHeader(_ line: TextLine, emit: (CrashException) -> Void) -> Bool {
    if let (architecture, name) = BreakpadStackwalk.cpu(line) {
      cpu = (architecture, name, line.number)
      return true
    }
    guard let field = BreakpadStackwalk.crashField(line) else { return false }
    if field.isReason {
      crashReason = (field.value, line.number)
      return true
    }
    guard let reason = crashReason else { return false }
    crashReason = nil
    guard let code = BreakpadStackwalk.exceptionCode(reason: reason.text) else { return true }
    let address = field.value.hasPrefix("0x") ? UInt64(field.value.dropFirst(2), radix: 16).map { Address($0) } : nil
    emit(CrashException(code: code, description: reason.text, address: address, lines: LineRange(reason.line, line.number)))
    return true
  }

  /// Starts a thread at a `Thread N` line; the thread before it, if any, goes to `emit`.
  mutating func start(_ line: TextLine, emit: (CrashThread) -> Void) -> Bool {
    guard let header = BreakpadStackwalk.threadHeader(line) else { return false }
    if let finished = finish() { emit(finished) }
    thread = (header.number, header.crashed, line.number)
    lines = LineRange(line: line.number)
    return true
  }

  /// Takes the next line of the thread being read; false (and the thread ends) when the line
  /// is not one of its.
  mutating func consume(_ line: TextLine) -> Bool {
    guard thread != nil else { return false }
    if let (number, symbol, sourceLine) = BreakpadStackwalk.frame(line) {
      guard entries.count < maximumFrames else { return true }
      let frame = StackFrame(
        index: entries.count, symbol: symbol, sourceLine: sourceLine, trust: .text,
        lines: LineRange(line: line.number), printedNumber: number)
      entries.append(Entry(frame: frame))
      lines = lines?.including(line.number)
      return true
    }
    guard !entries.isEmpty else { return false }
    if let pairs = BreakpadStackwalk.registers(line) {
      let last = entries.count - 1
      for (name, value) in pairs {
        // The names decide the architecture; a frame has a few dozen registers at most.
        if entries[last].registerNames.count < 64 { entries[last].registerNames.append(name) }
        switch name {
        case "eip", "rip", "pc": entries[last].instructionPointer = value
        case "ebp", "rbp", "fp", "x29": entries[last].frame.framePointer = Address(value)
        default: break
        }
      }
      extendLastFrame(to: line.number)
      return true
    }
    if let (trust, inlined) = BreakpadStackwalk.trust(line) {
      entries[entries.count - 1].frame.trust = trust
      entries[entries.count - 1].frame.isInlined = inlined
      extendLastFrame(to: line.number)
      return true
    }
    return false
  }

  /// The last frame, and the thread, run to `line` (a line printed under the frame).
  private mutating func extendLastFrame(to line: Int) {
    entries[entries.count - 1].frame.lines = entries[entries.count - 1].frame.lines?.including(line)
    lines = lines?.including(line)
  }

  /// The thread read so far (nil when none, or when it had no frame), which is then forgotten.
  mutating func finish() -> CrashThread? {
    guard let current = thread, let lines else { return nil }
    thread = nil
    self.lines = nil
    let collected = entries
    entries = []
    guard !collected.isEmpty else { return nil }
    let (architecture, evidence) = decide(collected)
    var frames = collected.map(\.frame)
    // A caller's instruction pointer is the return address into it.
    var caller: UInt64?
    for index in frames.indices.reversed() {
      guard !frames[index].isInlined else { continue }
      if let caller { frames[index].returnAddress = Address(caller) }
      if let pointer = collected[index].instructionPointer { caller = pointer }
    }
    let context = collected.first { !$0.frame.isInlined }?.instructionPointer
    CallStack.assignInstructionAddresses(&frames, architecture: architecture, contextInstructionPointer: context)
    return CrashThread(
      architecture: architecture, architectureEvidence: evidence, frames: frames, format: .breakpadStackwalk,
      lines: lines, label: "Thread \(current.number)" + (current.crashed ? " (crashed)" : ""), isCrashed: current.crashed)
  }

  private func decide(_ entries: [Entry]) -> (Architecture, [String]) {
    if let cpu, cpu.architecture != .unknown {
      return (cpu.architecture, [BreakpadStackwalk.cpuEvidence(name: cpu.name, line: cpu.line, architecture: cpu.architecture)])
    }
    let names = Set(entries.flatMap(\.registerNames))
    if names.contains("eip") { return (.x86, ["the walker's registers are x86's (eip, esp, ebp)"]) }
    if names.contains("rip") { return (.amd64, ["the walker's registers are amd64's (rip, rsp, rbp)"]) }
    if names.contains("x29") || names.contains("x0") { return (.arm64, ["the walker's registers are arm64's (x0–x29, pc)"]) }
    if names.contains("pc") && (names.contains("r4") || names.contains("r7") || names.contains("r11")) {
      return (.arm, ["the walker's registers are 32-bit ARM's (r0–r12, sp, lr, pc)"])
    }
    if let cpu {
      return (.unknown, [BreakpadStackwalk.cpuEvidence(name: cpu.name, line: cpu.line, architecture: .unknown)])
    }
    return (.unknown, ["no CPU line and no registers that name the architecture"])
  }
}
