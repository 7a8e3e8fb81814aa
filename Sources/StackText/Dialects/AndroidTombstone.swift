//===--- AndroidTombstone.swift - Android's crash reports (debuggerd) --------===//
//
// What Android's crash dumper writes to /data/tombstones and to logcat when a
// native process dies (every line then behind a logcat prefix such as
// `F DEBUG   : ` or `12-06 10:00:00.123  1234  1234 F DEBUG   : `):
//
//   ABI: 'arm64'
//   pid: 4535, tid: 4560, name: RenderThread  >>> com.example.app <<<
//   signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0000000000000000
//   Cause: null pointer dereference     (or `Abort message: '…'`: both kept, as
//                                        properties of the report)
//       x0  0000000000000000  x1  0000007fd2a3c8b0  …  (the thread's registers)
//   backtrace:
//         #00 pc 000000000004e8c8  /apex/com.android.runtime/lib64/bionic/libc.so (abort+164) (BuildId: 2f…)
//         #01 pc 0000000000005c2d  /data/app/…/lib/arm64/libnative.so (Java_com_example_crash+20)
//     (Google Play Console prints the pc with `0x`: `#00  pc 0x000000000004e8c8  …`)
//   --- --- --- …  then the next thread's pid line, registers and backtrace.
//
// Each frame's pc is relative to its module (the ELF file's addresses, as a .sym
// file has them); for frames after the first, Android has already stepped it
// back into the call. The function offset is decimal. A module's BuildId gives
// its Breakpad debug id, so stores and symbol servers are asked by id. Modules
// are listed at 0, as the backtrace gives no load address. Formats from AOSP's
// debuggerd (libdebuggerd/tombstone*.cpp) as Android 4 to 14 print them.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The lines of an Android tombstone.
enum AndroidTombstone {
  /// A frame row: its number, pc, mapped file, function, offset and build id.
  struct Row {
    var number: Int
    var pc: UInt64
    var path: String?
    var function: String?
    var offset: UInt64?
    var buildID: String?
    var text: String
  }

  /// Where the tombstone's own text starts on a line: after a logcat prefix naming the
  /// `DEBUG` tag, else at the first token. The tag sits where logcat's formats put it:
  /// `F/DEBUG(  123): ` and `F/DEBUG: ` (token 0), `F DEBUG   : ` (token 1), and
  /// `09-14 10:32:11.512  4570  4570 F DEBUG   : ` (token 5) — three tokens looked at.
  @inline(__always)
  static func contentStart(_ line: TextLine) -> (token: Int, isPrefixed: Bool) {
    let count = line.tokens.count
    guard count >= 2 else { return (0, false) }
    var tag: Int?
    if line.tokenEquals(1, "DEBUG") {
      tag = 1
    } else if count > 6, line.tokenEquals(5, "DEBUG") {
      tag = 5
    } else {
      let first = line.token(0)
      if first.count >= 7, first[first.startIndex + 1] == UInt8(ascii: "/"),
        Bytes.hasPrefix(first.dropFirst(2), "DEBUG")
      {
        tag = 0
      }
    }
    guard let tag else { return (0, false) }
    // The content follows the token that ends the tag with `:` (`:`, `123):`, `DEBUG:`).
    for after in tag..<min(count, tag + 4) where line.token(after).last == UInt8(ascii: ":") {
      return (after + 1, true)
    }
    return (0, false)
  }

  /// Whether the line may open a tombstone: its first token leads with `#`, `A`, `p` or `b`, or
  /// it carries a logcat `DEBUG` tag (a byte and three short tokens looked at for most lines).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "#"), UInt8(ascii: "A"), UInt8(ascii: "p"), UInt8(ascii: "b"): return true
    default: return line.tokens.count >= 4 && contentStart(line).isPrefixed
    }
  }

  /// Whether the text from token `start` opens a tombstone (`ABI:`, `pid:`, `backtrace:`, a frame
  /// row) — cheap: one or two tokens looked at.
  static func opens(_ line: TextLine, at start: Int) -> Bool {
    guard start < line.tokens.count else { return false }
    let first = line.token(start)
    guard let lead = first.first else { return false }
    switch lead {
    case UInt8(ascii: "#"): return start + 2 < line.tokens.count && line.tokenEquals(start + 1, "pc")
    case UInt8(ascii: "A"): return line.tokenEquals(start, "ABI:")
    case UInt8(ascii: "p"): return line.tokenEquals(start, "pid:")
    case UInt8(ascii: "b"): return line.tokenEquals(start, "backtrace:")
    default: return false
    }
  }

  /// Words that begin a tombstone's other unindented lines (its header fields and sections).
  static func isOtherTombstoneLine(_ line: TextLine, at start: Int) -> Bool {
    guard start < line.tokens.count else { return true }
    for word in otherLineWords where line.tokenEquals(start, word) { return true }
    return false
  }

  private static let otherLineWords: [StaticString] = [
    "***", "Build", "Revision:", "Timestamp:", "Process", "Cmdline:", "uid:", "tagged_addr_ctrl:", "pac_enabled_keys:",
    "Cause:", "Abort", "stack:", "memory", "code", "open", "log", "signal", "backtrace:", "ABI:", "pid:",
  ]

  /// `#00 pc 0004af4c  /system/lib/libc.so (tgkill+12)`.
  static func row(_ line: TextLine, at first: Int) -> Row? {
    guard first + 2 < line.tokens.count, line.tokenEquals(first + 1, "pc"), line.token(first).first == UInt8(ascii: "#")
    else { return nil }
    let numberToken = line.token(first).dropFirst()
    guard !numberToken.isEmpty, numberToken.count <= 6, numberToken.allSatisfy(ASCII.isDigit),
      let pc = hex(Bytes.hasPrefix(line.token(first + 2), "0x") ? line.token(first + 2).dropFirst(2) : line.token(first + 2))
    else { return nil }
    let number = numberToken.reduce(0) { $0 * 10 + Int($1 - ASCII.zero) }
    var row = Row(number: number, pc: pc, text: line.text(fromToken: first))
    guard first + 3 < line.tokens.count else { return row }
    let path = line.string(first + 3)
    if path.hasPrefix("/") { row.path = TextLimits.capped(path) }
    var rest = first + 4 < line.tokens.count ? Substring(line.text(fromToken: first + 4)) : ""
    // `(BuildId: 2f…)` last.
    if rest.hasSuffix(")"), let open = rest.ranges(of: "(BuildId: ").last {
      let digits = rest[open.upperBound..<rest.index(before: rest.endIndex)]
      if !digits.isEmpty, digits.count <= 128, digits.allSatisfy(\.isHexDigit) { row.buildID = digits.lowercased() }
      rest = rest[..<open.lowerBound].trimmingBlanks()
    }
    // `(function+offset)`, the offset decimal; `(offset 0x1000)` says where in an APK the library is.
    if rest.hasSuffix(")"), let open = Parentheses.openingOfLastGroup(in: rest) {
      let inside = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
      if !inside.hasPrefix("offset 0x") {
        if let plus = inside.lastIndex(of: "+"), let value = UInt64(inside[inside.index(after: plus)...]) {
          row.function = TextLimits.capped(String(inside[..<plus]))
          row.offset = value
        } else if !inside.isEmpty {
          row.function = TextLimits.capped(String(inside))
        }
      }
    }
    return row
  }

  /// `ABI: 'arm64'`: the architecture the process ran as.
  static func abi(_ line: TextLine, at first: Int) -> (architecture: Architecture, name: String)? {
    guard first + 2 == line.tokens.count, line.tokenEquals(first, "ABI:") else { return nil }
    var name = Substring(line.string(first + 1))
    if name.hasPrefix("'") { name = name.dropFirst() }
    if name.hasSuffix("'") { name = name.dropLast() }
    let architecture: Architecture =
      switch name {
      case "arm": .arm
      case "arm64": .arm64
      case "x86": .x86
      case "x86_64": .amd64
      case "mips": .mips
      case "riscv64": .riscv64
      default: .unknown
      }
    return (architecture, TextLimits.capped(String(name)))
  }

  /// `pid: 4535, tid: 4560, name: RenderThread  >>> com.example.app <<<`: the thread's id and label.
  static func threadHeader(_ line: TextLine, at first: Int) -> (tid: UInt32, label: String)? {
    guard first + 3 < line.tokens.count, line.tokenEquals(first, "pid:"), line.tokenEquals(first + 2, "tid:") else {
      return nil
    }
    let tidText = line.string(first + 3)
    guard let tid = UInt32(tidText.hasSuffix(",") ? String(tidText.dropLast()) : tidText) else { return nil }
    let text = line.text(fromToken: first)
    var label = "Thread \(tid)"
    if let name = text.firstRange(of: "name: ") {
      var rest = text[name.upperBound...]
      var process: Substring?
      if let marker = rest.firstRange(of: ">>>") {
        process = rest[marker.upperBound...].split(separator: " ").first
        rest = rest[..<marker.lowerBound]
      }
      let threadName = rest.trimmingBlanks()
      if !threadName.isEmpty { label += " (\(threadName))" }
      if let process, process != "<<<" { label += " of \(process)" }
    }
    return (tid, TextLimits.singleLine(TextLimits.capped(label)))
  }

  /// `signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0`: the crash.
  static func signal(_ line: TextLine, at first: Int) -> CrashException? {
    guard first + 2 < line.tokens.count, line.tokenEquals(first, "signal"), let number = UInt32(line.string(first + 1))
    else { return nil }
    let nameToken = line.string(first + 2)
    guard nameToken.hasPrefix("(SIG") else { return nil }
    var description = String(nameToken.dropFirst().prefix { $0 != ")" })
    let text = line.text(fromToken: first)
    if let code = text.firstRange(of: "code "), let open = text[code.upperBound...].firstIndex(of: "("),
      let close = text[open...].firstIndex(of: ")")
    {
      let name = text[text.index(after: open)..<close]
      if !name.isEmpty, name.count <= 40 { description += " / " + name }
    }
    var address: Address?
    if let fault = text.firstRange(of: "fault addr ") {
      let value = text[fault.upperBound...].split(separator: " ").first ?? ""
      if value.hasPrefix("0x"), let parsed = UInt64(value.dropFirst(2), radix: 16) { address = Address(parsed) }
    }
    return CrashException(
      code: ExceptionCode(rawValue: number), description: description, address: address, lines: LineRange(line: line.number))
  }

  /// `Abort message: 'Check failed: …'` and `Cause: null pointer dereference`: what the process
  /// said as it aborted, and debuggerd's reading of the fault, as (name, text).
  static func note(_ line: TextLine, at first: Int) -> (name: String, text: String)? {
    let name: String
    let from: Int
    if line.tokenEquals(first, "Cause:") {
      (name, from) = ("Cause", first + 1)
    } else if line.tokenEquals(first, "Abort"), first + 1 < line.tokens.count, line.tokenEquals(first + 1, "message:") {
      (name, from) = ("Abort message", first + 2)
    } else {
      return nil
    }
    guard from < line.tokens.count else { return nil }
    var text = Substring(line.text(fromToken: from))
    if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") { text = text.dropFirst().dropLast() }
    return (name, TextLimits.singleLine(TextLimits.capped(String(text))))
  }

  /// `backtrace:` (the frames follow).
  static func isBacktraceHeader(_ line: TextLine, at first: Int) -> Bool {
    first == line.tokens.count - 1 && line.tokenEquals(first, "backtrace:")
  }

  /// `--- --- --- …` between threads, or the `*** *** ***` line that opens a tombstone.
  static func isSeparator(_ line: TextLine, at first: Int) -> Bool {
    guard line.tokens.count - first >= 8 else { return false }
    let last = line.token(line.tokens.count - 1)
    guard Bytes.equalsIgnoringCase(last, "---") || Bytes.equalsIgnoringCase(last, "***") else { return false }
    return (line.tokens.count - 8..<line.tokens.count).allSatisfy { line.token($0).elementsEqual(last) }
  }

  /// `x0  0000000000000000  x1  0000007fd2a3c8b0`: register names and values, in pairs.
  static func registers(_ line: TextLine, at first: Int) -> [(name: String, value: UInt64)]? {
    guard line.tokens.count - first >= 2, (line.tokens.count - first) % 2 == 0 else { return nil }
    var pairs: [(name: String, value: UInt64)] = []
    for index in stride(from: first, to: line.tokens.count, by: 2) {
      guard isRegisterName(line.token(index)), isWord(line.token(index + 1)), let value = hex(line.token(index + 1)) else {
        return nil
      }
      pairs.append((line.string(index), value))
    }
    return pairs
  }

  private static func isRegisterName(_ token: ByteSlice) -> Bool {
    guard (1...4).contains(token.count), let first = token.first, first >= 0x61, first <= 0x7A else { return false }
    return token.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ASCII.isDigit($0) }
  }

  /// An 8- or 16-digit hex word (a register of a 32- or 64-bit process).
  private static func isWord(_ token: ByteSlice) -> Bool {
    (token.count == 8 || token.count == 16) && token.allSatisfy(ASCII.isHexDigit)
  }

  private static func hex(_ token: ByteSlice) -> UInt64? {
    guard !token.isEmpty, token.count <= 16 else { return nil }
    return HexNumber.digits(token)
  }
}

/// The threads, crash and modules of one Android tombstone, gathered line by line.
struct AndroidTombstoneCollector {
  private var architecture: (value: Architecture, name: String, line: Int)?
  private var header: (tid: UInt32, label: String, line: Int)?
  private var registers: [(name: String, value: UInt64)] = []
  private var registerLines: LineRange?
  private var rows: [AndroidTombstone.Row] = []
  private var rowLines: [Int] = []
  private var lines: LineRange?
  private var isReadingBacktrace = false
  private var threadsFinished = 0
  /// Modules named by the frames so far.
  private var modules = AndroidModuleList()
  /// The most frames kept for one thread.
  var maximumFrames = 4096

  /// Whether a tombstone is being read.
  private(set) var isCollecting = false
  /// Whether its lines carry a logcat prefix (then only `DEBUG` lines are its).
  private var isPrefixed = false

  /// Takes a tombstone line; false for any other. Threads go to `emitThread`, the crash and
  /// the modules to `emit`. An unindented line of another kind ends an unprefixed tombstone.
  mutating func consume(
    _ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void
  ) -> Bool {
    let (start, prefixed) = AndroidTombstone.contentStart(line)
    if !isCollecting {
      guard AndroidTombstone.opens(line, at: start) else { return false }
      isCollecting = true
      isPrefixed = prefixed
    } else if isPrefixed && !prefixed {
      // Another logcat tag between the tombstone's lines: not ours, and no end of it.
      return false
    }
    if let row = AndroidTombstone.row(line, at: start) {
      // A new `#00` starts another backtrace (several pasted one after another).
      if row.number == 0 && !rows.isEmpty { finishThread(emitThread) }
      // A backtrace may come without its `backtrace:` line.
      isReadingBacktrace = true
      lines = lines ?? LineRange(line: line.number)
      if rows.count < maximumFrames {
        rows.append(row)
        rowLines.append(line.number)
        modules.note(row)
      }
      lines = lines?.including(line.number)
      return true
    }
    if isReadingBacktrace && !line.isBlank { finishThread(emitThread) }
    if let found = AndroidTombstone.abi(line, at: start) {
      architecture = (found.architecture, found.name, line.number)
      emit(.systemProperty(SystemProperty(key: "ABI", value: found.name)))
      return true
    }
    if let found = AndroidTombstone.threadHeader(line, at: start) {
      finishThread(emitThread)
      header = (found.tid, found.label, line.number)
      lines = LineRange(line: line.number)
      return true
    }
    if let exception = AndroidTombstone.signal(line, at: start) {
      var exception = exception
      exception.threadID = header?.tid
      emit(.exception(exception))
      lines = lines?.including(line.number)
      return true
    }
    if let note = AndroidTombstone.note(line, at: start) {
      emit(.systemProperty(SystemProperty(key: note.name, value: note.text)))
      return true
    }
    if AndroidTombstone.isBacktraceHeader(line, at: start) {
      isReadingBacktrace = true
      lines = (lines ?? LineRange(line: line.number)).including(line.number)
      return true
    }
    if AndroidTombstone.isSeparator(line, at: start) {
      finishThread(emitThread)
      return true
    }
    if header != nil, rows.isEmpty, let pairs = AndroidTombstone.registers(line, at: start) {
      if registers.count < 64 { registers += pairs }
      registerLines = (registerLines ?? LineRange(line: line.number)).including(line.number)
      lines = lines?.including(line.number)
      return true
    }
    // The tombstone's other sections (stack words, memory, the map, open files): kept out of
    // the other recognisers while they last.
    if isPrefixed || line.isBlank || line.contentStart > 0 || AndroidTombstone.isOtherTombstoneLine(line, at: start) {
      return true
    }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// Emits the thread being read, if it has frames.
  private mutating func finishThread(_ emitThread: (CrashThread) -> Void) {
    defer {
      rows = []
      rowLines = []
      registers = []
      registerLines = nil
      header = nil
      lines = nil
      isReadingBacktrace = false
    }
    guard !rows.isEmpty else { return }
    let architecture = architecture?.value ?? .unknown
    let adjustment = architecture.returnAddressAdjustment ?? 0
    var frames: [StackFrame] = []
    frames.reserveCapacity(rows.count)
    for (index, row) in rows.enumerated() {
      let module = row.path.map(AndroidModuleList.fileName)
      // Android steps a caller's pc back into the call; offsets are shown here from the
      // return address (the WinDbg way), so a caller's printed offset is moved on by as much.
      let offset = row.offset.map { index > 0 ? $0 &+ adjustment : $0 }
      // A frame in no file (`<unknown>`, `[anon:…]`) shows its pc.
      let symbol = FrameSymbol(
        module: module, function: row.function, offset: row.function == nil ? nil : offset,
        address: module == nil && row.function == nil ? Address(row.pc) : nil,
        moduleOffset: row.function == nil && module != nil ? (index > 0 ? row.pc &+ adjustment : row.pc) : nil,
        printedText: row.text)
      frames.append(
        StackFrame(
          index: index, instruction: Address(row.pc), symbol: symbol, trust: .text, lines: LineRange(line: rowLines[index]),
          printedNumber: row.number))
    }
    let evidence =
      self.architecture.map { ["the tombstone's ABI line names \($0.name) (line \($0.line))"] }
      ?? ["the tombstone has no ABI line"]
    var thread = CrashThread(
      id: header?.tid, architecture: architecture, architectureEvidence: evidence, frames: frames, format: .androidTombstone,
      lines: lines, label: header?.label ?? "backtrace", isCrashed: threadsFinished == 0)
    if registerLines != nil { thread.context = NamedRegisters.context(registers, architecture: architecture) }
    thread.contextLines = registerLines
    threadsFinished += 1
    emitThread(thread)
  }

  /// Ends the tombstone: the thread being read, then the modules the frames named, at 0 (the
  /// backtrace's pcs are relative to them).
  mutating func finish(
    emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void
  ) {
    finishThread(emitThread)
    modules.emit(emit)
    architecture = nil
    threadsFinished = 0
    isCollecting = false
    isPrefixed = false
  }
}
