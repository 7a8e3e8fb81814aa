//===--- GoPanic.swift - Go's panics, fatal errors and goroutine dumps ----------===//
//
// What a Go program prints when it panics, when its runtime throws (`fatal error:`)
// or when a signal it does not handle ends it (SIGQUIT dumps every goroutine). The
// layout is runtime/traceback.go's and runtime/panic.go's in the Go source, checked
// on what Go 1.19 printed here (Tests/Fixtures/pastes/go-*.txt):
//
//   panic: runtime error: invalid memory address or nil pointer dereference
//   [signal SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x48144d]
//
//   goroutine 1 [running]:
//   main.(*Ledger).balance(...)                          an inlined call: `(...)`
//   	/tmp/gocrash/nilderef/main.go:19
//   main.settle(0xc000088e28, {0xc000088e50?, 0x2, 0x1?})  argument words (`?`: maybe stale)
//   	/tmp/gocrash/nilderef/main.go:26 +0x8d fp=0xc000086df8 sp=0xc000086db0 pc=0x48144d
//   created by main.main                                 (`… in goroutine 1` since Go 1.21)
//   	/tmp/gocrash/workers/main.go:34 +0x5b
//
// `fp=`, `sp=` and `pc=` are printed with GOTRACEBACK=system or crash and for the
// runtime's own throws; `runtime stack:` is the stack of the thread that threw;
// `SIGQUIT: quit` over `PC=0x… m=0 sigcode=0` opens the dump of a signal the program
// did not handle, and its registers (`rax    0x…`) close it. A frame's `+0x…` is
// measured from the address printed for it: the return address for a caller, the pc
// itself for the innermost frame a signal interrupted and for the frame under
// `runtime.sigpanic` (Go's traceback steps back from neither). The goroutine printed
// first is the one that panicked or threw.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The lines of a Go panic or goroutine dump.
enum GoPanic {
  /// A frame: a function line and the file line under it.
  struct Row {
    var function: String
    var arguments: [String]
    var parameters: [UInt64?]
    var isInlined: Bool
    var text: String
    var lines: LineRange
    var file: String?
    var line: Int?
    var offset: UInt64?
    var stackPointer: UInt64?
    var pc: UInt64?
  }

  /// The place a file line gives: `\t/src/main.go:26 +0x8d fp=0x… sp=0x… pc=0x…`.
  struct Place {
    var file: String
    var line: Int
    var offset: UInt64?
    var stackPointer: UInt64?
    var pc: UInt64?
  }

  /// A signal as Go names it (`SIGSEGV: segmentation violation`, or `0x1f` for one without a
  /// name) with the fields after it.
  struct Signal {
    var number: UInt32?
    var name: String
    var words: String
    var code: UInt64?
    var faultAddress: UInt64?
    var pc: UInt64?
  }

  /// `goroutine 7 [running]:`, `goroutine 1 gp=0x… m=0 mp=0x… [chan receive, 2 minutes]:`: the
  /// goroutine's number and state.
  static func goroutineHeader(_ line: TextLine) -> (number: UInt64, state: String)? {
    guard line.tokens.count >= 3, line.tokenEquals(0, "goroutine"), line.token(1).count <= 20,
      line.token(1).allSatisfy(ASCII.isDigit), let number = UInt64(line.string(1))
    else { return nil }
    let rest = line.text(fromToken: 2)
    guard rest.hasSuffix("]:"), let open = rest.firstIndex(of: "[") else { return nil }
    let state = rest[rest.index(after: open)..<rest.index(rest.endIndex, offsetBy: -2)]
    return (number, TextLimits.singleLine(TextLimits.capped(String(state), maximumBytes: 128)))
  }

  /// `panic: …` (and `\tpanic: …` for a panic raised while another unwound): the message.
  static func panicMessage(_ line: TextLine) -> String? {
    guard line.tokens.count >= 1, line.tokenEquals(0, "panic:") else { return nil }
    return TextLimits.singleLine(TextLimits.capped(line.tokens.count > 1 ? line.text(fromToken: 1) : "", maximumBytes: 512))
  }

  /// `fatal error: concurrent map writes`: the message.
  static func fatalError(_ line: TextLine) -> String? {
    guard line.tokens.count >= 3, line.contentStart == 0, line.tokenEquals(0, "fatal"), line.tokenEquals(1, "error:") else { return nil }
    return TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 2), maximumBytes: 512))
  }

  /// `[signal SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x48144d]`.
  static func panicSignal(_ line: TextLine) -> Signal? {
    guard line.tokens.count >= 2, line.tokenEquals(0, "[signal") else { return nil }
    var text = Substring(line.text(fromToken: 1))
    guard text.hasSuffix("]") else { return nil }
    text = text.dropLast()
    return signal(text)
  }

  /// `SIGQUIT: quit`, `SIGSEGV: segmentation violation`, `Signal 34`: the first line of the
  /// dump of a signal the program did not handle (its `PC=` line follows).
  static func signalHeader(_ line: TextLine) -> Signal? {
    guard line.contentStart == 0, let first = line.tokens.first, line.bytes[first.lowerBound] == UInt8(ascii: "S") else { return nil }
    if line.tokens.count == 2, line.tokenEquals(0, "Signal"), let number = UInt32(line.string(1)) {
      return Signal(number: number, name: LinuxSignal.names[number] ?? "signal \(number)", words: "")
    }
    let name = line.token(0)
    guard name.count >= 5, name.count <= 12, Bytes.hasPrefix(name, "SIG"), name.last == UInt8(ascii: ":"),
      name.dropLast().allSatisfy({ $0 >= 0x41 && $0 <= 0x5A || ASCII.isDigit($0) })
    else { return nil }
    return signal(Substring(line.trimmedText))
  }

  /// `PC=0x45f140 m=0 sigcode=0` (and ` addr=0x0` for SIGSEGV and SIGBUS): the pc, the signal
  /// code and the fault address.
  static func signalPC(_ line: TextLine) -> (pc: UInt64, code: UInt64?, faultAddress: UInt64?)? {
    guard line.tokens.count >= 1, Bytes.hasPrefix(line.token(0), "PC=0x"), let pc = HexNumber.digits(line.token(0).dropFirst(5))
    else { return nil }
    var code: UInt64?
    var fault: UInt64?
    for index in 1..<line.tokens.count {
      let token = line.token(index)
      if Bytes.hasPrefix(token, "sigcode=") { code = UInt64(Bytes.string(token.dropFirst(8))) }
      if Bytes.hasPrefix(token, "addr=0x") { fault = HexNumber.digits(token.dropFirst(7)) }
    }
    return (pc, code, fault)
  }

  /// `SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x48144d`, `0x1f code=…`.
  private static func signal(_ text: Substring) -> Signal? {
    let words = text.split(separator: " ", omittingEmptySubsequences: true)
    guard let first = words.first else { return nil }
    var signal: Signal
    if first.hasPrefix("0x"), let number = UInt32(first.dropFirst(2), radix: 16) {
      signal = Signal(number: number, name: LinuxSignal.names[number] ?? "signal \(number)", words: "")
    } else if first.hasSuffix(":"), first.hasPrefix("SIG") {
      let name = first.dropLast()
      signal = Signal(number: LinuxSignal.number(named: name), name: String(name), words: "")
    } else {
      return nil
    }
    var description: [Substring] = []
    for word in words.dropFirst() {
      if word.hasPrefix("code="), let value = hexValue(word.dropFirst(5)) {
        signal.code = value
      } else if word.hasPrefix("addr="), let value = hexValue(word.dropFirst(5)) {
        signal.faultAddress = value
      } else if word.hasPrefix("pc="), let value = hexValue(word.dropFirst(3)) {
        signal.pc = value
      } else if !word.contains("=") {
        description.append(word)
      }
    }
    signal.words = TextLimits.singleLine(TextLimits.capped(description.joined(separator: " "), maximumBytes: 128))
    return signal
  }

  private static func hexValue(_ text: Substring) -> UInt64? {
    guard text.hasPrefix("0x"), text.count <= 18 else { return nil }
    return UInt64(text.dropFirst(2), radix: 16)
  }

  /// A file line: `/src/main.go:26 +0x8d fp=0x… sp=0x… pc=0x…`, `_cgo_gotypes.go:43 +0x45`,
  /// `C:/src/my app/main.go:12 +0x1d` (a path may hold blanks; Go writes `/` on Windows too).
  static func place(_ line: TextLine) -> Place? {
    let count = line.tokens.count
    guard count >= 1, count <= 64 else { return nil }
    // The token ending the path: the last one before the `+0x…` and `key=` fields.
    var end = count - 1
    while end > 0, isPlaceField(line.token(end)) { end -= 1 }
    let last = line.token(end)
    guard let colon = last.lastIndex(of: ASCII.colon), colon + 1 < last.endIndex, last.endIndex - colon <= 10,
      last[(colon + 1)...].allSatisfy(ASCII.isDigit), let lineNumber = Int(Bytes.string(last[(colon + 1)...]))
    else { return nil }
    let pathStart = line.tokens[0].lowerBound
    let path = line.bytes[pathStart..<colon]
    // A Go, assembly or C source file (`.go`, `.s`, `.c`, …): a dot in the last path component.
    guard let dot = path.lastIndex(of: UInt8(ascii: ".")), !path[dot...].contains(UInt8(ascii: "/")) else { return nil }
    var place = Place(file: TextLimits.capped(Bytes.string(path)), line: lineNumber)
    for index in (end + 1)..<count {
      let token = line.token(index)
      if Bytes.hasPrefix(token, "+0x") {
        place.offset = HexNumber.digits(token.dropFirst(3))
      } else if Bytes.hasPrefix(token, "sp=0x") {
        place.stackPointer = HexNumber.digits(token.dropFirst(5))
      } else if Bytes.hasPrefix(token, "pc=0x") {
        place.pc = HexNumber.digits(token.dropFirst(5))
      }
    }
    return place
  }

  private static func isPlaceField(_ token: ByteSlice) -> Bool {
    Bytes.hasPrefix(token, "+0x") || Bytes.hasPrefix(token, "fp=") || Bytes.hasPrefix(token, "sp=") || Bytes.hasPrefix(token, "pc=")
  }

  /// A function line: `main.settle(0xc000088e28, {0xc000088e50?, 0x2, 0x1?})`,
  /// `main.(*Ledger).balance(...)`, `main.Map[...](...)`, `panic({0x48bd00, 0x522f60})`.
  static func row(_ line: TextLine) -> Row? {
    guard line.tokens.count >= 1, line.bytes[line.tokens[line.tokens.count - 1].upperBound - 1] == ASCII.closeParen else { return nil }
    let bytes = line.bytes[line.tokens[0].lowerBound..<line.tokens[line.tokens.count - 1].upperBound]
    // The argument list: the group the last `)` closes.
    var depth = 0
    var open: Int?
    for index in bytes.indices.reversed() {
      if bytes[index] == ASCII.closeParen { depth += 1 }
      if bytes[index] == ASCII.openParen {
        depth -= 1
        if depth == 0 {
          open = index
          break
        }
      }
    }
    guard let open, open > bytes.startIndex else { return nil }
    let name = bytes[bytes.startIndex..<open]
    // A Go name holds no blank outside its receiver's parentheses or type arguments.
    guard !name.contains(ASCII.space), name.contains(UInt8(ascii: ".")) || Bytes.string(name) == "panic" else { return nil }
    let inside = Bytes.string(bytes[(open + 1)..<(bytes.endIndex - 1)])
    var row = Row(
      function: TextLimits.capped(Bytes.string(name)), arguments: [], parameters: [], isInlined: inside == "...",
      text: TextLimits.capped(Bytes.string(bytes)), lines: LineRange(line: line.number))
    if !row.isInlined, !inside.isEmpty {
      row.arguments = topLevelItems(inside)
      row.parameters = words(inside)
    }
    return row
  }

  /// `0xc0000387a6?, {0x46bf0c?, 0x0?}, ...` → `["0xc0000387a6?", "{0x46bf0c?, 0x0?}", "..."]`.
  private static func topLevelItems(_ text: String) -> [String] {
    var items: [String] = []
    var depth = 0
    var current = ""
    for character in text {
      switch character {
      case "{": depth += 1
      case "}": depth -= 1
      case "," where depth == 0:
        items.append(String(current.trimmingBlanks()))
        current = ""
        continue
      default: break
      }
      current.append(character)
      if items.count >= 32 { break }
    }
    if !current.isEmpty, items.count < 32 { items.append(String(current.trimmingBlanks())) }
    return items
  }

  /// Every word of the arguments, braces flattened: `0x0?` (a word Go could not vouch for) as nil.
  private static func words(_ text: String) -> [UInt64?] {
    var values: [UInt64?] = []
    for word in text.split(whereSeparator: { $0 == "," || $0 == "{" || $0 == "}" || $0 == " " }) where values.count < 32 {
      guard word.hasPrefix("0x") else { continue }
      if word.hasSuffix("?") {
        values.append(nil)
      } else if let value = UInt64(word.dropFirst(2), radix: 16) {
        values.append(value)
      }
    }
    return values
  }

  /// `created by main.main`, `created by net/http.(*Server).Serve in goroutine 1`: the creator.
  static func creator(_ line: TextLine) -> String? {
    guard line.tokens.count >= 3, line.tokenEquals(0, "created"), line.tokenEquals(1, "by") else { return nil }
    return TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 2), maximumBytes: 512))
  }

  /// `rax    0x0`, `r29    0x…`, `lr     0x…`: a register of the dump a signal ends with.
  static func register(_ line: TextLine) -> (name: String, value: UInt64)? {
    guard line.tokens.count == 2, line.contentStart == 0, (2...7).contains(line.token(0).count),
      line.token(0).allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ASCII.isDigit($0) }), Bytes.hasPrefix(line.token(1), "0x"),
      line.token(1).count <= 18, let value = HexNumber.digits(line.token(1).dropFirst(2))
    else { return nil }
    return (line.string(0), value)
  }

  /// The architecture a runtime source file's name gives (`asm_amd64.s`, `sys_linux_arm64.s`,
  /// `signal_386.go`): Go names files for one architecture with its GOARCH.
  static func architecture(ofFile file: String) -> Architecture? {
    let name = file.split(separator: "/").last ?? Substring(file)
    guard let dot = name.lastIndex(of: "."), name[dot...] == ".s" || name[dot...] == ".go" else { return nil }
    let stem = name[..<dot]
    if stem.hasSuffix("_amd64") { return .amd64 }
    if stem.hasSuffix("_arm64") { return .arm64 }
    if stem.hasSuffix("_386") { return .x86 }
    if stem.hasSuffix("_arm") { return .arm }
    if stem.hasSuffix("_riscv64") { return .riscv64 }
    return nil
  }
}

/// One Go panic, fatal error or goroutine dump, gathered line by line and given out when the
/// input ends, another starts, or `go run`'s `exit status N` follows it.
struct GoPanicCollector {
  private struct Goroutine {
    /// The goroutine's number; nil for `runtime stack:` (the stack of the thread that threw).
    var number: UInt64?
    var state: String
    var rows: [GoPanic.Row] = []
    var creator: String?
    var creatorPlace: GoPanic.Place?
    var readingCreator = false
    var lines: LineRange
  }

  private var goroutines: [Goroutine] = []
  private var inStack = false
  private var panics: [(message: String, line: Int)] = []
  private var fatal: (message: String, line: Int)?
  private var signal: (signal: GoPanic.Signal, lines: LineRange, fromHandler: Bool)?
  private var pendingSignalHeader: (signal: GoPanic.Signal, line: Int)?
  private var arrivedDuring: String?
  private var registers: [(name: String, value: UInt64)] = []
  private var registerLines: LineRange?
  /// The most frames kept for one goroutine, and goroutines.
  var maximumFrames = 4096
  var maximumThreads = 4096

  /// Whether a panic or dump is being read.
  private(set) var isCollecting = false

  /// Whether the line may open one (or be the `PC=` line under a signal's name): its first
  /// word is `panic:`, `fatal`, `goroutine`, `runtime`, `[signal`, `SIG…:`, `Signal` or `PC=0x…`.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "p"): return line.tokenEquals(0, "panic:")
    case UInt8(ascii: "f"): return line.tokens.count >= 3 && line.tokenEquals(0, "fatal")
    case UInt8(ascii: "g"): return line.tokens.count >= 3 && line.tokenEquals(0, "goroutine")
    case UInt8(ascii: "r"): return line.tokens.count == 2 && line.tokenEquals(0, "runtime")
    case ASCII.openBracket: return line.tokenEquals(0, "[signal")
    case UInt8(ascii: "S"):
      return first.count >= 5 && (line.bytes[first.lowerBound + 1] == UInt8(ascii: "I") || line.tokenEquals(0, "Signal"))
    case UInt8(ascii: "P"): return Bytes.hasPrefix(line.token(0), "PC=0x")
    default: return false
    }
  }

  /// Takes a line of the panic or dump; false for a line it does not read.
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    let pending = pendingSignalHeader
    pendingSignalHeader = nil
    if let message = GoPanic.panicMessage(line) {
      // A panic after goroutines were printed is another crash.
      if !goroutines.isEmpty { finish(emit: emit, emitThread: emitThread) }
      if panics.count < 16 { panics.append((message, line.number)) }
      isCollecting = true
      inStack = false
      return true
    }
    if let message = GoPanic.fatalError(line) {
      if !goroutines.isEmpty || fatal != nil { finish(emit: emit, emitThread: emitThread) }
      fatal = (message, line.number)
      isCollecting = true
      inStack = false
      return true
    }
    if let found = GoPanic.panicSignal(line) {
      if !goroutines.isEmpty { finish(emit: emit, emitThread: emitThread) }
      signal = (found, LineRange(line: line.number), false)
      isCollecting = true
      return true
    }
    if let found = GoPanic.signalHeader(line) {
      // Read as Go's only when its `PC=` line follows; until then other readers may have it.
      pendingSignalHeader = (found, line.number)
      return false
    }
    // The `PC=` line must be the very next one: lines between (which may never reach this
    // collector) mean the signal's name was some other text's.
    if let pending, line.number == pending.line + 1, let found = GoPanic.signalPC(line) {
      if !goroutines.isEmpty { finish(emit: emit, emitThread: emitThread) }
      var described = pending.signal
      described.pc = found.pc
      described.code = found.code
      described.faultAddress = found.faultAddress
      signal = (described, LineRange(line: pending.line).including(line.number), true)
      isCollecting = true
      return true
    }
    if let header = GoPanic.goroutineHeader(line) {
      startGoroutine(number: header.number, state: header.state, line: line.number)
      return true
    }
    if line.tokens.count == 2, line.contentStart == 0, line.tokenEquals(0, "runtime"), line.tokenEquals(1, "stack:") {
      startGoroutine(number: nil, state: "runtime stack", line: line.number)
      return true
    }
    guard isCollecting, !line.isBlank else {
      inStack = false
      return false
    }
    if inStack {
      if consumeStackLine(line) { return true }
      inStack = false
    }
    // `signal arrived during cgo execution`, `… during external code execution`.
    if line.tokens.count >= 4, line.tokenEquals(0, "signal"), line.tokenEquals(1, "arrived"), line.tokenEquals(2, "during") {
      arrivedDuring = TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 3), maximumBytes: 128))
      return true
    }
    if signal?.fromHandler == true, let register = GoPanic.register(line) {
      if registers.count < 64 { registers.append(register) }
      registerLines = (registerLines ?? LineRange(line: line.number)).including(line.number)
      return true
    }
    if line.tokens.count == 3, line.tokenEquals(0, "exit"), line.tokenEquals(1, "status") {
      finish(emit: emit, emitThread: emitThread)
      return true
    }
    return false
  }

  private mutating func startGoroutine(number: UInt64?, state: String, line: Int) {
    isCollecting = true
    guard goroutines.count < maximumThreads else {
      inStack = false
      return
    }
    goroutines.append(Goroutine(number: number, state: state, lines: LineRange(line: line)))
    inStack = true
  }

  /// A line of a goroutine's stack: a function, the file line under it, `created by`, or a note.
  private mutating func consumeStackLine(_ line: TextLine) -> Bool {
    let last = goroutines.count - 1
    if let place = GoPanic.place(line) {
      if goroutines[last].readingCreator {
        if goroutines[last].creatorPlace == nil { goroutines[last].creatorPlace = place }
      } else if let row = goroutines[last].rows.indices.last, goroutines[last].rows[row].file == nil {
        goroutines[last].rows[row].file = place.file
        goroutines[last].rows[row].line = place.line
        goroutines[last].rows[row].offset = place.offset
        goroutines[last].rows[row].stackPointer = place.stackPointer
        goroutines[last].rows[row].pc = place.pc
        goroutines[last].rows[row].lines = goroutines[last].rows[row].lines.including(line.number)
      }
      goroutines[last].lines = goroutines[last].lines.including(line.number)
      return true
    }
    if let creator = GoPanic.creator(line) {
      goroutines[last].creator = creator
      goroutines[last].readingCreator = true
      goroutines[last].lines = goroutines[last].lines.including(line.number)
      return true
    }
    if !goroutines[last].readingCreator, let row = GoPanic.row(line) {
      if goroutines[last].rows.count < maximumFrames { goroutines[last].rows.append(row) }
      goroutines[last].lines = goroutines[last].lines.including(line.number)
      return true
    }
    // `...additional frames elided...`, `goroutine running on other thread; stack unavailable`.
    return line.starts(with: "...additional frames elided") || line.starts(with: "goroutine running on other thread")
  }

  /// Ends the panic or dump: the properties, the signal, the goroutines as threads.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer { reset() }
    // A `panic:` or `fatal error:` line without goroutines (a compiler's `fatal error: x.h: No
    // such file`, a log's words) is no Go crash.
    guard isCollecting, goroutines.contains(where: { !$0.rows.isEmpty }) else { return }
    let (architecture, evidence) = decideArchitecture()
    if !panics.isEmpty {
      emit(.systemProperty(SystemProperty(key: "Panic", value: panics.map(\.message).joined(separator: " → "))))
    }
    if let fatal { emit(.systemProperty(SystemProperty(key: "Fatal error", value: fatal.message))) }
    let hasHeader = !panics.isEmpty || fatal != nil || signal != nil
    // Go prints the goroutine that panicked or threw first; a dump without its header names
    // none, and a running goroutine is taken.
    let crashed =
      hasHeader
      ? (goroutines.firstIndex { $0.number != nil && !$0.rows.isEmpty } ?? goroutines.firstIndex { !$0.rows.isEmpty })
      : goroutines.firstIndex { $0.number != nil && $0.state.hasPrefix("running") && !$0.rows.isEmpty }
    if let (found, lines, _) = signal {
      var description = found.name + (found.words.isEmpty ? "" : ": \(found.words)")
      var details: [String] = []
      if let code = found.code { details.append("code 0x" + String(code, radix: 16)) }
      if let fault = found.faultAddress { details.append("fault address 0x" + String(fault, radix: 16)) }
      if let arrivedDuring { details.append("during " + arrivedDuring) }
      if !details.isEmpty { description += " (" + details.joined(separator: ", ") + ")" }
      if let first = panics.first {
        description += "; panic: " + first.message
      } else if let fatal {
        description += "; fatal error: " + fatal.message
      }
      var exceptionLines = lines
      if let first = panics.first { exceptionLines = exceptionLines.including(first.line) }
      emit(
        .exception(
          CrashException(
            code: ExceptionCode(rawValue: found.number ?? 0), description: TextLimits.capped(description, maximumBytes: 1024),
            address: found.pc.map { Address($0) }, threadID: crashed.flatMap { goroutines[$0].number }.flatMap { UInt32(exactly: $0) },
            lines: exceptionLines)))
    }
    let exactPC = signal?.signal.pc
    for (index, goroutine) in goroutines.enumerated() where !goroutine.rows.isEmpty {
      let isCrashed = index == crashed
      var label = goroutine.number.map { "goroutine \($0) [\(goroutine.state)]" } ?? "runtime stack"
      if let creator = goroutine.creator {
        label += ", created by " + creator
        if let place = goroutine.creatorPlace { label += " at \(place.file):\(place.line)" }
      }
      var thread = CrashThread(
        id: goroutine.number.flatMap { UInt32(exactly: $0) }, architecture: architecture, architectureEvidence: evidence,
        frames: Self.frames(goroutine, exactPC: isCrashed ? exactPC : nil, architecture: architecture), format: .goPanic,
        lines: goroutine.lines, label: TextLimits.capped(label, maximumBytes: 1024), isCrashed: isCrashed)
      if isCrashed, let registerLines {
        thread.context = NamedRegisters.context(Self.registerNames(registers, architecture: architecture), architecture: architecture)
        thread.contextLines = registerLines
      }
      emitThread(thread)
    }
  }

  /// The architecture: from the registers a signal's dump ends with, else from a runtime file
  /// built for one architecture (`asm_amd64.s`), which most traces name.
  private func decideArchitecture() -> (Architecture, [String]) {
    let names = Set(registers.map(\.name))
    if names.contains("rip") || names.contains("rax") { return (.amd64, ["the dump printed amd64 registers (rip, rax)"]) }
    if names.contains("eip") || names.contains("eax") { return (.x86, ["the dump printed x86 registers (eip, eax)"]) }
    if names.contains("r29"), names.contains("lr") { return (.arm64, ["the dump printed arm64 registers (r0–r29, lr)"]) }
    if names.contains("cpsr"), names.contains("r10") { return (.arm, ["the dump printed 32-bit ARM registers (r0–r10, cpsr)"]) }
    for goroutine in goroutines {
      for row in goroutine.rows {
        if let file = row.file, let architecture = GoPanic.architecture(ofFile: file) {
          return (
            architecture,
            [
              "the trace names \(TextLimits.capped(file, maximumBytes: 200)) (line \(row.lines.first)), "
                + "a file Go builds for \(architecture.rawValue) only"
            ]
          )
        }
      }
    }
    return (.unknown, ["the trace names no register and no runtime file built for one processor"])
  }

  /// Go's register names made the context's: arm64's `r0`–`r28` are `x0`–`x28` and `r29` the
  /// frame pointer; amd64's `rflags` is `eflags`.
  private static func registerNames(
    _ pairs: [(name: String, value: UInt64)], architecture: Architecture
  ) -> [(name: String, value: UInt64)] {
    pairs.map { pair in
      switch architecture {
      case .amd64 where pair.name == "rflags": return ("eflags", pair.value)
      case .arm64 where pair.name == "r29": return ("fp", pair.value)
      case .arm64 where pair.name.hasPrefix("r"): return ("x" + pair.name.dropFirst(), pair.value)
      default: return pair
      }
    }
  }

  /// A goroutine's rows as frames. A caller's pc is its return address; the innermost frame's is
  /// the pc when the signal interrupted it there, and so is the one under `runtime.sigpanic`.
  private static func frames(_ goroutine: Goroutine, exactPC: UInt64?, architecture: Architecture) -> [StackFrame] {
    var frames: [StackFrame] = []
    var addresses: [PrintedAddress] = []
    frames.reserveCapacity(goroutine.rows.count)
    addresses.reserveCapacity(goroutine.rows.count)
    var previousPhysical: String?
    var seenPhysical = false
    for (index, row) in goroutine.rows.enumerated() {
      let symbol = FrameSymbol(module: nil, function: row.function, offset: row.offset, printedText: row.text)
      frames.append(
        StackFrame(
          index: index, framePointer: row.stackPointer.map { Address($0) }, parameters: row.parameters,
          parameterSource: row.arguments.isEmpty ? .none : .argumentList, symbol: symbol,
          sourceLine: row.file.map { SourceLine(file: $0, line: row.line ?? 0) },
          annotations: row.arguments.isEmpty ? [] : [.argumentList(row.arguments)], trust: .text, lines: row.lines,
          isInlined: row.isInlined))
      if row.isInlined {
        addresses.append(.none)
        continue
      }
      if let pc = row.pc {
        let isExact = (!seenPhysical && pc == exactPC) || previousPhysical == "runtime.sigpanic"
        addresses.append(isExact ? .pc(pc) : .returnAddress(pc))
      } else {
        addresses.append(.none)
      }
      seenPhysical = true
      previousPhysical = row.function
    }
    CallStack.place(addresses, in: &frames, architecture: architecture)
    return frames
  }

  private mutating func reset() {
    goroutines = []
    inStack = false
    panics = []
    fatal = nil
    signal = nil
    pendingSignalHeader = nil
    arrivedDuring = nil
    registers = []
    registerLines = nil
    isCollecting = false
  }
}
