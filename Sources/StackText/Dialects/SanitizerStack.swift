//===--- SanitizerStack.swift - Sanitizers' reports and LLVM's crash stacks ----===//
//
// What compiler-rt's sanitizers print (sanitizer_stacktrace_printer.cpp: the
// default frame format `    #%n %p %F %L`, ThreadSanitizer's `    #%n %f %S %M`)
// and what LLVM's tools print when they crash (Signals.inc):
//
//   ==9345==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x55564ec2c759 bp … sp … T2)
//       #0 0x55564ec2c759 in (anonymous namespace)::store(Widget*, int) /tmp/dbg/crash.cpp:16:90
//       #1 0x7fbb43845249  (/lib/x86_64-linux-gnu/libc.so.6+0x27249) (BuildId: 93ac61ec…)
//       #2 0x55d0c4b8a9a1 llvm::sys::PrintStackTrace(llvm::raw_ostream&, int) (/usr/bin/clang+0x2a9a1)
//       #0 Thread1(void*) /tmp/race.c:6:10 (race+0xc9a2b)          (ThreadSanitizer: no pc)
//
// Each frame: its number, the pc (for callers already stepped back into the call,
// `pc - 1` on x86 and ARM64), `in` and the function, the source position, the
// module and the pc's offset in it, its GNU build id. Consecutive frames with one
// pc are the calls inlined there (the symbolizer's inlining chain), unless they
// are one function at one place (a recursion through one call site).
//
// A report holds several stacks: the error's own (the crashed one), then the
// ones behind it, each under a heading (`freed by thread T0 here:`, `Thread T2
// created by T0 here:`, `Direct leak of 40 byte(s) … allocated from:`, ThreadSanitizer's
// `Previous write of size 4 at 0x… by main thread:`). Its first line names the
// error, `Register values:` gives the registers of a deadly signal, `SUMMARY:` the
// one-line verdict; the shadow-byte map after it is no stack.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The lines of a sanitizer's report or an LLVM crash stack.
enum SanitizerStack {
  /// A frame row.
  struct Row {
    var number: Int
    var address: UInt64?
    var addressDigits = 0
    var function: String?
    var file: String?
    var line: Int?
    var column: Int?
    var modulePath: String?
    var moduleOffset: UInt64?
    var buildID: String?
    var text: String
  }

  /// The frame row in `text` (the line from its `#N`), or nil when it is not one.
  static func row(_ text: Substring) -> Row? {
    guard text.first == "#", let space = text.firstIndex(of: " "),
      let number = Int(text[text.index(after: text.startIndex)..<space])
    else { return nil }
    var rest = text[space...].trimmingBlanks()
    var row = Row(number: number, text: TextLimits.capped(String(rest)))
    if rest.hasPrefix("0x") {
      let digits = rest.dropFirst(2).prefix { $0.isHexDigit }
      guard !digits.isEmpty, digits.count <= 16, let address = UInt64(digits, radix: 16) else { return nil }
      row.address = address
      row.addressDigits = digits.count
      rest = rest[digits.endIndex...].trimmingPrefixBlanks()
    }
    if rest.hasPrefix("in ") { rest = rest.dropFirst(3).trimmingPrefixBlanks() }
    // `(BuildId: 93ac…)` last, then `(/lib/…/libc.so.6+0x27249)` or `(<unknown module>)`.
    if rest.hasSuffix(")"), let open = rest.ranges(of: "(BuildId: ").last {
      let digits = rest[open.upperBound..<rest.index(before: rest.endIndex)]
      guard !digits.isEmpty, digits.count <= 128, digits.allSatisfy(\.isHexDigit) else { return nil }
      row.buildID = digits.lowercased()
      rest = rest[..<open.lowerBound].trimmingBlanks()
    }
    if rest.hasSuffix("(<unknown module>)") {
      rest = rest.dropLast(18).trimmingBlanks()
    } else if rest.hasSuffix(")"), let open = Parentheses.openingOfLastGroup(in: rest),
      let module = module(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)])
    {
      row.modulePath = TextLimits.capped(String(module.path))
      row.moduleOffset = module.offset
      rest = rest[..<open].trimmingBlanks()
    }
    // The source position: the last word, `file:line` or `file:line:column` (`<null>` when unknown).
    let lastSpace = rest.lastIndex(of: " ")
    let word = lastSpace.map { rest[rest.index(after: $0)...] } ?? rest
    let beforeWord = lastSpace.map { rest[..<$0].trimmingBlanks() } ?? rest[rest.endIndex...]
    if word == "<null>" {
      rest = beforeWord
    } else if let position = sourcePosition(word) {
      row.file = TextLimits.capped(String(position.file))
      row.line = position.line
      row.column = position.column
      rest = beforeWord
    }
    if !rest.isEmpty, rest != "<null>" { row.function = TextLimits.capped(String(rest)) }
    // Without a pc, a module or a source position it is no sanitizer's row (a Markdown heading).
    guard row.address != nil || row.modulePath != nil || row.file != nil else { return nil }
    return row
  }

  /// `/lib/x86_64-linux-gnu/libc.so.6+0x27249`: the module and the offset in it.
  private static func module(_ text: Substring) -> (path: Substring, offset: UInt64)? {
    guard let plus = text.lastIndex(of: "+") else { return nil }
    let digits = text[text.index(after: plus)...]
    guard digits.hasPrefix("0x"), digits.count > 2, digits.count <= 18, let offset = UInt64(digits.dropFirst(2), radix: 16),
      plus > text.startIndex
    else { return nil }
    return (text[..<plus], offset)
  }

  /// `/src/a.c:12:5`, `a.cc:3`: a file and a line, and a column when printed.
  private static func sourcePosition(_ word: Substring) -> (file: Substring, line: Int, column: Int?)? {
    let parts = word.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 2 else { return nil }
    if parts.count >= 3, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]) {
      let file = word[..<word.index(before: parts[parts.count - 2].startIndex)]
      return file.isEmpty ? nil : (file, line, column)
    }
    guard let line = Int(parts[parts.count - 1]) else { return nil }
    let file = word[..<word.index(before: parts[parts.count - 1].startIndex)]
    return file.isEmpty ? nil : (file, line, nil)
  }

  /// Whether the line may open a report: it starts with `==` (`==9345==ERROR: …`) or `WARNING:`.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, first.count >= 4 else { return false }
    let lead = line.bytes[first.lowerBound]
    return (lead == UInt8(ascii: "=") && line.bytes[first.lowerBound + 1] == UInt8(ascii: "="))
      || (lead == UInt8(ascii: "W") && line.tokenEquals(0, "WARNING:"))
  }

  /// The error a report opens with: `==9345==ERROR: AddressSanitizer: SEGV on unknown address 0x0 (pc …)`,
  /// `WARNING: ThreadSanitizer: data race (pid=1234)`, `==1==WARNING: MemorySanitizer: use-of-uninitialized-value`.
  static func header(_ line: TextLine) -> (tool: String, text: String)? {
    guard line.tokens.count >= 2 else { return nil }
    var text = Substring(line.trimmedText)
    text = withoutProcessPrefix(text)
    guard text.hasPrefix("ERROR: ") || text.hasPrefix("WARNING: ") else { return nil }
    let rest = text[text.index(after: text.firstIndex(of: " ")!)...]
    guard let colon = rest.firstIndex(of: ":"), rest[..<colon].hasSuffix("Sanitizer"), !rest[..<colon].contains(" ") else {
      return nil
    }
    return (String(rest[..<colon]), TextLimits.capped(String(rest)))
  }

  /// The signal a deadly-signal report names (`SEGV on unknown address 0x0…`, `stack-overflow`),
  /// with the fault address it gives.
  static func signal(in headerText: String) -> (number: UInt32, address: UInt64?)? {
    guard let colon = headerText.firstRange(of: ": ") else { return nil }
    let kind = headerText[colon.upperBound...].prefix { $0 != " " }
    let number: UInt32?
    switch kind {
    case "stack-overflow": number = 11
    case "SEGV", "BUS", "FPE", "ILL", "ABRT", "TRAP": number = LinuxSignal.number(named: kind)
    default: number = nil
    }
    guard let number else { return nil }
    var address: UInt64?
    if let marker = headerText.firstRange(of: " address 0x") {
      address = UInt64(headerText[marker.upperBound...].prefix { $0.isHexDigit }, radix: 16)
    }
    return (number, address)
  }

  /// `==9345==` before a line, removed.
  static func withoutProcessPrefix(_ text: Substring) -> Substring {
    guard text.hasPrefix("=="), let end = text.dropFirst(2).firstRange(of: "=="),
      text[text.index(text.startIndex, offsetBy: 2)..<end.lowerBound].allSatisfy(\.isNumber)
    else { return text }
    return text[end.upperBound...]
  }

  /// `rax = 0x0000000000000000  rbx = 0x00007b5b647fe6c0 …`: the registers a deadly signal's
  /// report prints, as (name, value) pairs; nil for any other line.
  static func registers(_ line: TextLine) -> [(name: String, value: UInt64)]? {
    let count = line.tokens.count
    guard count >= 3, count % 3 == 0 else { return nil }
    var pairs: [(name: String, value: UInt64)] = []
    for index in stride(from: 0, to: count, by: 3) {
      let value = line.token(index + 2)
      guard line.tokenEquals(index + 1, "="), line.token(index).count <= 6, Bytes.hasPrefix(value, "0x"), value.count <= 18,
        let number = HexNumber.digits(value.dropFirst(2))
      else { return nil }
      pairs.append((line.string(index), number))
    }
    return pairs
  }

  /// Whether the line heads a stack: ends with `:` (`freed by thread T0 here:`), or names an access
  /// (`READ of size 4 at 0x… thread T0`).
  static func isHeading(_ text: Substring) -> Bool {
    text.hasSuffix(":") || text.hasPrefix("READ of size") || text.hasPrefix("WRITE of size")
  }
}

/// The stacks of one sanitizer report (or LLVM crash stack), gathered line by line.
struct SanitizerStackCollector {
  private struct Stack {
    var rows: [SanitizerStack.Row] = []
    var rowLines: [Int] = []
    var heading: String?
    var lines: LineRange
  }

  private var stacks: [Stack] = []
  private var current: Stack?
  private var heading: String?
  private var header: (tool: String, text: String, line: Int)?
  private var registers: [(name: String, value: UInt64)] = []
  private var registerLines: LineRange?
  private var isReadingRegisters = false
  private var sawSummary = false
  private var linesWithoutRows = 0
  private var clues = LinuxArchitectureClues()
  /// Modules the rows named: path → (base, build id).
  private var modules: [String: (base: UInt64?, buildID: String?)] = [:]
  private var moduleOrder: [String] = []
  /// The most frames kept for one stack, stacks for one report, and modules listed.
  var maximumFrames = 4096
  var maximumStacks = 1024
  var maximumModules = 4096

  /// Whether a report (or a stack without one) is open: its lines are this collector's.
  /// Stored, and set after each line (the decoder asks on every line).
  private(set) var isCollecting = false

  /// Takes a line (`take(_:emit:emitThread:)`), then notes whether a report is open.
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    let taken = take(line, emit: emit, emitThread: emitThread)
    isCollecting = header != nil || current != nil
    return taken
  }

  /// Takes a line of the report; false for one that is not (which ends a report that had no
  /// header line, or one whose summary has been read).
  private mutating func take(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if let found = SanitizerStack.header(line) {
      finish(emit: emit, emitThread: emitThread)
      header = (found.tool, found.text, line.number)
      emit(.systemProperty(SystemProperty(key: "Sanitizer", value: TextLimits.singleLine(found.text))))
      if let signal = SanitizerStack.signal(in: found.text) {
        // The error without the registers it prints after it (`(pc 0x… bp 0x… sp 0x… T2)`).
        let words = found.text.firstRange(of: " (pc ").map { String(found.text[..<$0.lowerBound]) } ?? found.text
        emit(
          .exception(
            CrashException(
              code: ExceptionCode(rawValue: signal.number), description: TextLimits.singleLine(words),
              address: signal.address.map { Address($0) }, lines: LineRange(line: line.number))))
      }
      return true
    }
    if GDBBacktrace.mayBeRow(line), let row = SanitizerStack.row(Substring(line.trimmedText)) {
      add(row, line: line.number)
      return true
    }
    guard header != nil || current != nil else { return false }
    finishStack()
    if line.isBlank {
      isReadingRegisters = false
      return header != nil
    }
    let text = SanitizerStack.withoutProcessPrefix(Substring(line.trimmedText))
    if isReadingRegisters || text == "Register values:" {
      if let pairs = SanitizerStack.registers(line) {
        for pair in pairs where registers.count < 128 {
          registers.append(pair)
          clues.observeRegister(pair.name)
        }
        registerLines = (registerLines ?? LineRange(line: line.number)).including(line.number)
        return true
      }
      isReadingRegisters = text == "Register values:"
      if isReadingRegisters { return true }
    }
    guard header != nil else {
      // Rows without a report around them end at the first other line.
      finish(emit: emit, emitThread: emitThread)
      return false
    }
    if text.hasPrefix("SUMMARY: ") {
      sawSummary = true
      emit(.systemProperty(SystemProperty(key: "Summary", value: TextLimits.singleLine(TextLimits.capped(String(text.dropFirst(9)))))))
      return true
    }
    if sawSummary {
      // The stacks after the summary (`Thread T2 created by T0 here:`).
      if SanitizerStack.isHeading(text.trimmingBlanks()) {
        noteHeading(text)
        return true
      }
      // The shadow-byte map and the report's last lines.
      if line.contentStart > 0 || text.hasPrefix("Shadow") || text.hasPrefix("=>") || text.hasPrefix("0x")
        || text.hasPrefix("==") || text.hasPrefix("ABORTING") || text.hasPrefix("ThreadSanitizer: reported")
        || text != Substring(line.trimmedText)
      {
        return true
      }
      finish(emit: emit, emitThread: emitThread)
      return false
    }
    linesWithoutRows += 1
    if linesWithoutRows > 2_000 {
      finish(emit: emit, emitThread: emitThread)
      return false
    }
    if SanitizerStack.isHeading(text.trimmingBlanks()) { noteHeading(text) }
    return true
  }

  /// `freed by thread T0 here:`: the label of the stack that follows.
  private mutating func noteHeading(_ text: Substring) {
    var words = text.trimmingBlanks()
    if words.hasSuffix(":") { words = words.dropLast() }
    heading = TextLimits.singleLine(TextLimits.capped(String(words), maximumBytes: 512))
  }

  private mutating func add(_ row: SanitizerStack.Row, line: Int) {
    linesWithoutRows = 0
    if row.number == 0 { finishStack() }
    if current == nil {
      current = Stack(heading: heading, lines: LineRange(line: line))
      heading = nil
    }
    if let path = row.modulePath { clues.observe(path: path[...]) }
    if let file = row.file { clues.observe(path: file[...]) }
    if row.addressDigits > 8 { clues.observe(addressDigits: 16) }
    note(row)
    guard current!.rows.count < maximumFrames else { return }
    current!.rows.append(row)
    current!.rowLines.append(line)
    current!.lines = current!.lines.including(line)
  }

  /// Records the module of `row`, and its base when the row gives the pc and the offset.
  private mutating func note(_ row: SanitizerStack.Row) {
    guard let path = row.modulePath else { return }
    var base: UInt64?
    if let address = row.address, let offset = row.moduleOffset, address >= offset {
      base = address - offset
      // A module is mapped at a page's start. Chromium's symbolizer prints a caller's return
      // address with the offset of the call (one byte less, `0x7f0e4b0d6520
      // (/usr/lib/x86_64-linux-gnu/libc.so.6+0x4251f)`): its base is a page's start plus one.
      if base! & 0xFFF == 1 { base! -= 1 }
    }
    if let known = modules[path] {
      modules[path] = (known.base ?? base, known.buildID ?? row.buildID)
      return
    }
    guard moduleOrder.count < maximumModules else { return }
    modules[path] = (base, row.buildID)
    moduleOrder.append(path)
  }

  private mutating func finishStack() {
    defer { current = nil }
    guard let stack = current, !stack.rows.isEmpty, stacks.count < maximumStacks else { return }
    stacks.append(stack)
  }

  /// Ends the report: its stacks as threads (the first is the error's), then the modules.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    finishStack()
    defer { reset() }
    let (architecture, evidence) = clues.decision(source: header?.tool ?? "the stack trace")
    for (index, stack) in stacks.enumerated() {
      var thread = CrashThread(
        architecture: architecture, architectureEvidence: evidence, frames: Self.frames(stack), format: .sanitizer,
        lines: stack.lines, label: stack.heading ?? (index == 0 && header != nil ? "the error's stack" : "stack trace"),
        isCrashed: index == 0)
      if index == 0, let registerLines {
        thread.context = NamedRegisters.context(registers, architecture: architecture)
        thread.contextLines = registerLines
      }
      emitThread(thread)
    }
    for path in moduleOrder {
      let name = GDBBacktraceCollector.fileName(path)
      guard let module = modules[path], let base = module.base else { continue }
      emit(
        .module(
          CodeModule(
            name: name, path: path, base: Address(base), debugFile: name,
            debugIdentifier: module.buildID.map(GNUBuildID.breakpadIdentifier), buildID: module.buildID)))
    }
  }

  private mutating func reset() {
    stacks = []
    current = nil
    heading = nil
    header = nil
    registers = []
    registerLines = nil
    isReadingRegisters = false
    sawSummary = false
    linesWithoutRows = 0
    clues = LinuxArchitectureClues()
    modules = [:]
    moduleOrder = []
    isCollecting = false
  }

  /// The rows as frames: each pc is the one to look up (a caller's already stepped back);
  /// a row sharing the next row's pc is a call inlined there, unless both are one function
  /// at one place (a recursion).
  private static func frames(_ stack: Stack) -> [StackFrame] {
    let rows = stack.rows
    var frames: [StackFrame] = []
    frames.reserveCapacity(rows.count)
    for (index, row) in rows.enumerated() {
      var isInlined = false
      if index + 1 < rows.count, let address = row.address, rows[index + 1].address == address {
        let next = rows[index + 1]
        isInlined = next.function != row.function || next.file != row.file || next.line != row.line
      }
      let module = row.modulePath.map(GDBBacktraceCollector.fileName)
      var symbol = FrameSymbol(
        module: module, function: row.function, moduleOffset: row.function == nil ? row.moduleOffset : nil,
        printedText: row.text)
      if module == nil, row.function == nil, let address = row.address { symbol.address = Address(address) }
      frames.append(
        StackFrame(
          index: index, instruction: row.address.map { Address($0) }, symbol: symbol,
          sourceLine: row.file.map { SourceLine(file: $0, line: row.line ?? 0, column: row.column) }, trust: .text,
          lines: LineRange(line: stack.rowLines[index]), printedNumber: row.number, isInlined: isInlined))
    }
    return frames
  }
}
