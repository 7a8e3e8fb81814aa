//===--- HotSpotErrorLog.swift - The Java VM's fatal error log ----------------===//
//
// When a Java process dies of a native fault, HotSpot (the JVM of OpenJDK,
// Oracle's and most vendors') prints a summary to the console and writes
// `hs_err_pid<pid>.log`:
//
//   #
//   # A fatal error has been detected by the Java Runtime Environment:
//   #
//   #  SIGSEGV (0xb) at pc=0x00007f7bfaa351c9, pid=13060, tid=13080
//   #  (Windows: EXCEPTION_ACCESS_VIOLATION (0xc0000005) at pc=0x000000006d8a4ab7, …)
//   #
//   # JRE version: OpenJDK Runtime Environment (17.0.9+9) (build 17.0.9+9)
//   # Java VM: OpenJDK 64-Bit Server VM (17.0.9+9, mixed mode, tiered, g1 gc, linux-amd64)
//   # Problematic frame:
//   # C  [libledger.so+0x1a2b]  ledger_balance+0x1b
//   …
//   ---------------  T H R E A D  ---------------
//   Current thread (0x00007f…):  JavaThread "main" [_thread_in_native, id=13080, …]
//   siginfo: si_signo: 11 (SIGSEGV), si_code: 1 (SEGV_MAPERR), si_addr: 0x0000000000000010
//   Native frames: (J=compiled Java code, A=aot compiled Java code, j=interpreted, Vv=VM code, C=native code)
//   C  [libledger.so+0x1a2b]  ledger_balance+0x1b
//   j  com.example.Ledger.balance(J)J+0
//   J 812 c2 java.util.HashMap.get(Ljava/lang/Object;)Ljava/lang/Object; java.base@17.0.9 (23 bytes) @ 0x00007f… [0x00007f…+0x44]
//   v  ~StubRoutines::call_stub
//   V  [libjvm.so+0x8a1b3c]  JavaCalls::call_helper(…)+0x3bc
//   Registers:
//   RAX=0x0000000000000000, RBX=0x00007f…, …
//
// (hotspot/share/utilities/vmError.cpp writes it; the frame letters are
// frame::print_on_error's.) The native frames are the crashed thread: a native
// (`C`) or VM (`V`) frame is `[library+offset]`, the offset from the library's
// load address, with the nearest symbol when the library exports one, so the
// library is listed at 0 and its symbol file is read at the offset; a Java frame
// (`j` interpreted, `J` compiled, `A` ahead-of-time) is the method and its
// signature; `v` is a VM stub. The signal (or Windows exception) and si_addr are
// the exception; the VM line's platform (`linux-amd64`, `windows-x86`,
// `linux-aarch64`) is the processor; x86's and amd64's registers are read.
// The log's other sections (memory, instructions, libraries, the system) are
// kept from the other recognisers until `END.`.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A HotSpot fatal error log, gathered line by line.
struct HotSpotErrorLogCollector {
  private struct Row {
    var kind: UInt8
    var module: String?
    var moduleOffset: UInt64?
    var function: String?
    var offset: UInt64?
    var address: UInt64?
    var text: String
    var line: Int
  }

  private var signal: (code: UInt32, text: String, pc: UInt64?, pid: UInt32?, tid: UInt32?, line: Int)?
  private var platform: (architecture: Architecture, text: String, line: Int)?
  private var problematic: Row?
  private var awaitingProblematic = false
  private var threadLabel: String?
  private var faultAddress: UInt64?
  private var rows: [Row] = []
  /// The `Java frames:` section's rows: appended when the native frames hold no Java frame
  /// (the VM could not walk through them natively).
  private var javaRows: [Row] = []
  private var lines: LineRange?
  private var section = Section.header
  private var registers: [(name: String, value: UInt64)] = []
  private var registerLines: LineRange?
  /// Lines seen after the summary that belong to no section of a log.
  private var linesAfterSummary = 0
  var maximumFrames = 4096

  private enum Section { case header, body, nativeFrames, javaFrames, registers }

  /// Whether a log is being read.
  private(set) var isCollecting = false

  /// Whether `line` may open a log: HotSpot's `# A fatal error has been detected by the Java
  /// Runtime Environment:`, `# Problematic frame:` or `Native frames: (J=compiled Java code …`.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    let count = line.tokens.count
    guard count >= 3 else { return false }
    if line.tokenEquals(0, "#") {
      return (count >= 6 && line.tokenEquals(1, "A") && line.tokenEquals(2, "fatal") && line.tokenEquals(3, "error"))
        || (line.tokenEquals(1, "Problematic") && line.tokenEquals(2, "frame:"))
    }
    return line.tokenEquals(0, "Native") && line.tokenEquals(1, "frames:")
  }

  /// Takes a line of the log; false for a line it does not read (which ends it in the header).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if !isCollecting {
      guard Self.mayOpen(line) else { return false }
      isCollecting = true
      section = line.tokenEquals(0, "Native") ? .nativeFrames : .header
      include(line.number)
      if line.tokenEquals(1, "Problematic") { awaitingProblematic = true }
      return true
    }
    if line.tokens.count >= 6, line.tokenEquals(0, "#"), line.tokenEquals(2, "fatal"), signal != nil || !rows.isEmpty {
      // A second log.
      finish(emit: emit, emitThread: emitThread)
      return consume(line, emit: emit, emitThread: emitThread)
    }
    if line.isBlank {
      if section == .nativeFrames || section == .javaFrames || section == .registers { section = .body }
      return section != .header
    }
    if line.tokenEquals(0, "#") {
      readHeader(line)
      include(line.number)
      return true
    }
    if line.tokens.count == 1, line.tokenEquals(0, "END.") {
      include(line.number)
      finish(emit: emit, emitThread: emitThread)
      return true
    }
    switch section {
    case .nativeFrames:
      if let row = Self.row(line) {
        if rows.count < maximumFrames { rows.append(row) }
        include(line.number)
        return true
      }
      section = .body
    case .javaFrames:
      if let row = Self.row(line) {
        if javaRows.count < maximumFrames { javaRows.append(row) }
        include(line.number)
        return true
      }
      section = .body
    case .registers:
      let pairs = Self.registers(line)
      if !pairs.isEmpty {
        for pair in pairs where registers.count < 64 { registers.append(pair) }
        registerLines = (registerLines ?? LineRange(line: line.number)).including(line.number)
        return true
      }
      section = .body
    case .header, .body:
      break
    }
    if line.tokens.count >= 2, line.tokenEquals(0, "Native"), line.tokenEquals(1, "frames:") {
      section = .nativeFrames
      include(line.number)
      return true
    }
    if line.tokens.count >= 2, line.tokenEquals(0, "Java"), line.tokenEquals(1, "frames:") {
      section = .javaFrames
      include(line.number)
      return true
    }
    if line.tokens.count >= 2, line.tokenEquals(0, "Stack:") {
      section = .body
      return true
    }
    if line.tokens.count == 1, line.tokenEquals(0, "Registers:") {
      section = .registers
      return true
    }
    if line.tokenEquals(0, "siginfo:") {
      readSignalInfo(line)
      section = .body
      return true
    }
    if line.tokens.count >= 4, line.tokenEquals(0, "Current"), line.tokenEquals(1, "thread") {
      // `Current thread (0x…):  JavaThread "main" [_thread_in_native, id=13080, …]`
      let text = line.text(fromToken: 3)
      threadLabel = TextLimits.singleLine(TextLimits.capped(Self.trimmed(String(text.prefix { $0 != "[" }), " "), maximumBytes: 256))
      section = .body
      return true
    }
    if section == .header {
      // The log's sections (`---------------  T H R E A D  ---------------`, `Command Line:`)
      // follow the summary; sixteen other lines mean the console's summary came alone. They are
      // left to the others.
      if Bytes.hasPrefix(line.token(0), "-----") || line.tokenEquals(0, "Command") || line.tokenEquals(0, "Host:") {
        section = .body
        return true
      }
      linesAfterSummary += 1
      if linesAfterSummary >= 16 { finish(emit: emit, emitThread: emitThread) }
      return false
    }
    // The log's other sections are its own.
    return true
  }

  private mutating func include(_ number: Int) {
    lines = (lines ?? LineRange(line: number)).including(number)
  }

  /// The `#` lines of the summary: the signal, the VM's platform, the problematic frame.
  private mutating func readHeader(_ line: TextLine) {
    let count = line.tokens.count
    guard count >= 2 else { return }
    if awaitingProblematic {
      awaitingProblematic = false
      if let row = Self.row(line.droppingTokens(1)) {
        problematic = row
        return
      }
    }
    if line.tokenEquals(1, "Problematic"), count >= 3, line.tokenEquals(2, "frame:") {
      awaitingProblematic = true
      return
    }
    if count >= 4, line.tokenEquals(1, "Java"), line.tokenEquals(2, "VM:") {
      // `(17.0.9+9, mixed mode, tiered, g1 gc, linux-amd64)`: the last word names the platform.
      let text = line.text(fromToken: 3)
      // (`… linux-amd64 )` in Java 6's.)
      if let last = text.split(separator: " ").map({ Self.trimmed(String($0), ")") }).last(where: { !$0.isEmpty }),
        let architecture = Self.architecture(platform: last)
      {
        platform = (architecture, last, line.number)
      }
      return
    }
    // `#  SIGSEGV (0xb) at pc=0x00007f…, pid=13060, tid=13080`
    guard signal == nil else { return }
    let name = line.string(1)
    guard name.hasPrefix("SIG") || name.hasPrefix("EXCEPTION_") || name.hasPrefix("EXC_"), count >= 4 else { return }
    let codeText = line.string(2)
    guard codeText.hasPrefix("(0x"), codeText.hasSuffix(")"), let code = UInt32(codeText.dropFirst(3).dropLast(), radix: 16) else {
      return
    }
    var pc: UInt64?
    var pid: UInt32?
    var tid: UInt32?
    for index in 3..<count {
      let word = Self.trimmed(line.string(index), ",")
      if word.hasPrefix("pc=0x") { pc = UInt64(word.dropFirst(5), radix: 16) }
      if word.hasPrefix("pid=") { pid = UInt32(word.dropFirst(4)) }
      if word.hasPrefix("tid=") { tid = UInt32(word.dropFirst(4)) }
    }
    signal = (code, TextLimits.capped(line.text(fromToken: 1), maximumBytes: 256), pc, pid, tid, line.number)
  }

  /// `siginfo: si_signo: 11 (SIGSEGV), si_code: 1 (SEGV_MAPERR), si_addr: 0x0000000000000010`,
  /// Windows's `siginfo: EXCEPTION_ACCESS_VIOLATION (0xc0000005), reading address 0x0000000000000010`.
  private mutating func readSignalInfo(_ line: TextLine) {
    let count = line.tokens.count
    for index in 0..<count where index + 1 < count {
      if line.tokenEquals(index, "si_addr:") || line.tokenEquals(index, "address") {
        let word = Self.trimmed(line.string(index + 1), ",")
        if word.hasPrefix("0x") { faultAddress = UInt64(word.dropFirst(2), radix: 16) }
      }
    }
  }

  /// A frame row: `C  [libc.so.6+0x7ef5]  raise+0x45`, `j  java.lang.Thread.run()V+11 java.base@17`,
  /// `J 812 c2 java.util.HashMap.get(…)…; java.base@17 (23 bytes) @ 0x00007f… [0x…+0x44]`,
  /// `v  ~StubRoutines::call_stub`, `C  0x00007f2a3b4c5d6e`.
  private static func row(_ line: TextLine) -> Row? {
    let count = line.tokens.count
    guard count >= 2, line.token(0).count == 1 else { return nil }
    let kind = line.token(0)[line.token(0).startIndex]
    guard "CVjJAv".utf8.contains(kind) else { return nil }
    var row = Row(kind: kind, text: TextLimits.capped(line.text(fromToken: 0), maximumBytes: 512), line: line.number)
    let second = line.string(1)
    switch kind {
    case UInt8(ascii: "C"), UInt8(ascii: "V"):
      if second.hasPrefix("["), second.hasSuffix("]"), let plus = second.lastIndex(of: "+") {
        let module = second[second.index(after: second.startIndex)..<plus]
        let offsetText = second[second.index(after: plus)..<second.index(before: second.endIndex)]
        guard !module.isEmpty, offsetText.hasPrefix("0x"), let offset = UInt64(offsetText.dropFirst(2), radix: 16) else {
          return nil
        }
        row.module = TextLimits.capped(String(module), maximumBytes: 256)
        row.moduleOffset = offset
        if count >= 3 {
          let symbol = line.text(fromToken: 2)
          if let plus = symbol.lastIndex(of: "+"), symbol[symbol.index(after: plus)...].hasPrefix("0x"),
            let offset = UInt64(symbol[symbol.index(plus, offsetBy: 3)...], radix: 16)
          {
            row.function = TextLimits.capped(String(symbol[..<plus]), maximumBytes: 512)
            row.offset = offset
          } else {
            row.function = TextLimits.capped(symbol, maximumBytes: 512)
          }
        }
      } else if second.hasPrefix("0x"), let address = UInt64(second.dropFirst(2), radix: 16) {
        row.address = address
      } else {
        return nil
      }
    case UInt8(ascii: "j"):
      // `java.lang.Thread.run()V+11`: the method, then its bytecode index.
      let name = second.lastIndex(of: "+").map { String(second[..<$0]) } ?? second
      guard name.contains("(") else { return nil }
      row.function = TextLimits.capped(name, maximumBytes: 512)
    case UInt8(ascii: "J"), UInt8(ascii: "A"):
      // `J 812 c2 java.util.HashMap.get(…)…; … @ 0x00007f… [0x…+0x44]`
      guard let method = (1..<min(count, 5)).first(where: { line.string($0).contains("(") }) else { return nil }
      row.function = TextLimits.capped(line.string(method), maximumBytes: 512)
      if let at = (method..<count).first(where: { line.tokenEquals($0, "@") }), at + 1 < count {
        let word = line.string(at + 1)
        if word.hasPrefix("0x") { row.address = UInt64(word.dropFirst(2), radix: 16) }
      }
    default:
      // `v  ~StubRoutines::call_stub`, `v  ~RuntimeStub::_new_array_Java 0x…`.
      row.function = TextLimits.capped(second, maximumBytes: 256)
    }
    return row
  }

  /// `RAX=0x0000000000000000, RBX=0x00007f…, RCX=…`: the pairs of a register line.
  private static func registers(_ line: TextLine) -> [(name: String, value: UInt64)] {
    var pairs: [(name: String, value: UInt64)] = []
    for index in 0..<line.tokens.count {
      var word = Self.trimmed(line.string(index), ",")
      // `R8 =0x…`: HotSpot pads two-letter names to three.
      if word.hasPrefix("=") { continue }
      if !word.contains("="), index + 1 < line.tokens.count, line.string(index + 1).hasPrefix("=") {
        word += Self.trimmed(line.string(index + 1), ",")
      }
      guard let equals = word.firstIndex(of: "="), word[word.index(after: equals)...].hasPrefix("0x") else { continue }
      let name = word[..<equals]
      guard (2...6).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber }),
        let value = UInt64(word[word.index(equals, offsetBy: 3)...], radix: 16)
      else { continue }
      pairs.append((name.lowercased(), value))
    }
    return pairs
  }

  /// `text` without `character` at either end.
  private static func trimmed(_ text: String, _ character: Character) -> String {
    var slice = Substring(text)
    while slice.first == character { slice = slice.dropFirst() }
    while slice.last == character { slice = slice.dropLast() }
    return String(slice)
  }

  /// `linux-amd64`, `windows-x86`, `linux-aarch64`, `bsd-amd64`, `linux-arm`.
  private static func architecture(platform: String) -> Architecture? {
    guard let dash = platform.lastIndex(of: "-") else { return nil }
    switch platform[platform.index(after: dash)...] {
    case "amd64", "x86_64": return .amd64
    case "x86", "i386", "i486", "i586": return .x86
    case "aarch64", "arm64": return .arm64
    case "arm": return .arm
    case "ppc64", "ppc64le": return .ppc
    default: return nil
    }
  }

  /// Ends the log: the exception, the modules its frames name, the crashed thread.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer { self = HotSpotErrorLogCollector() }
    guard isCollecting, let lines else { return }
    if let signal {
      let description = "Java VM: " + signal.text
      emit(
        .exception(
          CrashException(
            code: ExceptionCode(rawValue: signal.code), description: TextLimits.singleLine(description),
            address: faultAddress.map { Address($0) }, threadID: signal.tid, lines: LineRange(line: signal.line))))
      if let pid = signal.pid { emit(.application(ApplicationInfo(name: "java", processID: pid, lines: LineRange(line: signal.line)))) }
    }
    var frameRows = rows
    let javaKinds: [UInt8] = [UInt8(ascii: "j"), UInt8(ascii: "J"), UInt8(ascii: "A")]
    if !frameRows.contains(where: { javaKinds.contains($0.kind) }) { frameRows += javaRows }
    if frameRows.isEmpty, let problematic { frameRows = [problematic] }
    guard !frameRows.isEmpty else { return }
    if let platform { emit(.systemProperty(SystemProperty(key: "Java VM platform", value: platform.text))) }
    var modules: [String] = []
    var frames: [StackFrame] = []
    for (index, row) in frameRows.enumerated() {
      var symbol: FrameSymbol
      if let module = row.module, let moduleOffset = row.moduleOffset {
        symbol = FrameSymbol(module: ModuleName.stem(module), function: row.function, offset: row.offset, printedText: row.text)
        symbol.moduleOffset = moduleOffset
        if !modules.contains(module), modules.count < 1024 { modules.append(module) }
      } else if let function = row.function {
        symbol = FrameSymbol(module: nil, function: function, printedText: row.text)
      } else {
        symbol = FrameSymbol(address: row.address.map { Address($0) }, printedText: row.text)
        symbol.isUnresolved = true
      }
      // Frame 0's pc is the fault's (the summary's pc=); the callers' are return addresses.
      var instruction = row.address.map { Address($0) }
      if index == 0, instruction == nil, let pc = signal?.pc { instruction = Address(pc) }
      frames.append(StackFrame(index: index, instruction: instruction, symbol: symbol, trust: .text, lines: LineRange(line: row.line)))
    }
    for module in modules { emit(.module(CodeModule(name: module, base: Address(0), lines: lines))) }
    let architecture = platform?.architecture ?? .unknown
    let evidence =
      platform.map { ["the Java VM line names the platform \($0.text) (line \($0.line))"] }
      ?? ["the log names no platform"]
    var thread = CrashThread(
      id: signal?.tid, architecture: architecture, architectureEvidence: evidence, frames: frames, format: .hotspot,
      lines: lines, label: threadLabel ?? "the Java VM's crashed thread", isCrashed: true)
    if !registers.isEmpty, let context = NamedRegisters.context(registers, architecture: architecture) {
      thread.context = context
      thread.contextLines = registerLines
    }
    emitThread(thread)
  }
}
