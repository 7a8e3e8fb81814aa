//===--- GDBBacktrace.swift - gdb's `bt`, `bt full` and `thread apply all bt` ---===//
//
// What gdb prints for a backtrace (stack.c, `print_frame`), one frame a row:
//
//   #0  0x0000555555554a77 in (anonymous namespace)::store (w=0x7ffff721bec0, value=53) at crash.cpp:16
//   #1  (anonymous namespace)::refresh<Widget> (w=0x7ffff721bec0, why=<optimized out>) at crash.cpp:19
//   #2  0x00007ffff7c9d919 in ?? () from /lib/x86_64-linux-gnu/libstdc++.so.6
//   #3  <signal handler called>
//
// The frame number; the pc, padded to the pointer's width, `in`; the function
// (`??` when unknown) and its arguments as `name=value` (`...` when not
// printed); then `at FILE:LINE` or `from LIBRARY`. The pc is left out when a
// frame's inner frame is inlined into it (`frame_show_address`): such a row is
// the caller the inlined code sits in, so every row above an address-less one
// is an inlined call sharing the pc of the first row of the group. A caller's pc
// is its return address, except above `<signal handler called>`, where it is the
// interrupted instruction. At a terminal gdb wraps long rows at its width,
// indenting the rest by four spaces (`store (` ⏎ `    w=0x…) at crash.cpp:16`).
//
// Around the rows: `Thread 3 (Thread 0x7ffff721c6c0 (LWP 8694) "crash"):` before
// each thread of `thread apply all bt`, `Program received signal SIGSEGV, …` (or
// `Thread 3 "crash" received signal …`, `Program terminated with signal …` for a
// core file), `[Switching to Thread … (LWP 8694)]` and `[Current thread is 1 (…)]`
// naming the thread that stopped, `bt full`'s locals under each row, and `info
// registers` (`rip            0x555555554a77      0x555555554a77 <main+8>`).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The lines of a gdb session that carry a backtrace.
enum GDBBacktrace {
  /// A frame row.
  struct Row {
    var number: Int
    var address: UInt64?
    var addressDigits = 0
    var function: String?
    var arguments: [String] = []
    var file: String?
    var line: Int?
    var library: String?
    var isSignalHandler = false
    var text: String
  }

  /// Whether the line's first token is a frame number as gdb prints it (`#0`, `#12`; no
  /// leading zero, which is Android's `#00`).
  @inline(__always)
  static func mayBeRow(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 2 else { return false }
    let first = line.token(0)
    guard first.count >= 2, first.count <= 7, first.first == ASCII.hash else { return false }
    let digits = first.dropFirst()
    guard digits.allSatisfy(ASCII.isDigit) else { return false }
    return digits.count == 1 || digits.first != ASCII.zero
  }

  /// Whether the line may be one gdb's collector takes when it is not reading rows: a row,
  /// a thread header, the stop, `[Switching to …]` (a byte or a token looked at).
  @inline(__always)
  static func mayStart(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first else { return false }
    switch line.bytes[first.lowerBound] {
    case ASCII.hash: return mayBeRow(line)
    case UInt8(ascii: "T"): return line.tokens.count >= 3 && line.tokenEquals(0, "Thread")
    case UInt8(ascii: "P"): return line.tokens.count >= 4 && line.tokenEquals(0, "Program")
    case ASCII.openBracket: return line.tokens.count >= 3 && (line.tokenEquals(0, "[Switching") || line.tokenEquals(0, "[Current"))
    case UInt8(ascii: "M"): return isMappingsHeading(line)
    case UInt8(ascii: "S"): return isMappingsColumns(line)
    default: return false
    }
  }

  /// `Mapped address spaces:`, which `info proc mappings` prints before its table.
  static func isMappingsHeading(_ line: TextLine) -> Bool {
    line.tokens.count == 3 && line.tokenEquals(0, "Mapped") && line.tokenEquals(1, "address") && line.tokenEquals(2, "spaces:")
  }

  /// `Start Addr  End Addr  Size  Offset  Perms  objfile` (gdb 12 and older have no `Perms`).
  static func isMappingsColumns(_ line: TextLine) -> Bool {
    line.tokens.count >= 7 && line.tokenEquals(0, "Start") && line.tokenEquals(1, "Addr") && line.tokenEquals(2, "End")
      && line.tokenEquals(3, "Addr")
  }

  /// A mapping of `info proc mappings`: `0x7ffff7a44000  0x7ffff7b9a000  0x156000  0x26000  r-xp
  /// /usr/lib/x86_64-linux-gnu/libc.so.6`; the file is nil for an anonymous mapping.
  static func mapping(_ line: TextLine) -> (start: UInt64, end: UInt64, offset: UInt64, file: String?)? {
    guard line.tokens.count >= 4 else { return nil }
    var values: [UInt64] = []
    for index in 0..<4 {
      let token = line.token(index)
      guard Bytes.hasPrefix(token, "0x"), token.count <= 18, let value = HexNumber.digits(token.dropFirst(2)) else { return nil }
      values.append(value)
    }
    guard values[0] < values[1] else { return nil }
    var next = 4
    // `r-xp`: the permissions, when gdb prints them.
    if next < line.tokens.count, line.token(next).count == 4,
      line.token(next).allSatisfy({ $0 == UInt8(ascii: "r") || $0 == UInt8(ascii: "w") || $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "p") || $0 == UInt8(ascii: "s") || $0 == ASCII.minus })
    {
      next += 1
    }
    guard next < line.tokens.count, line.token(next).first == ASCII.slash else { return (values[0], values[1], values[3], nil) }
    return (values[0], values[1], values[3], TextLimits.capped(line.text(fromToken: next), maximumBytes: 1024))
  }

  /// The row in `text` (a whole row, its wrapped lines joined), or nil when it is not one of
  /// gdb's. Arguments are required in gdb's form (`()`, `(...)`, `(name=value, …)`) so that
  /// other tools' `#N` rows (sanitizers, Dr. Memory) are not taken.
  static func row(_ text: Substring) -> Row? {
    guard text.first == "#", let space = text.firstIndex(of: " "),
      let number = Int(text[text.index(after: text.startIndex)..<space])
    else { return nil }
    var rest = text[space...].trimmingBlanks()
    var row = Row(number: number, text: TextLimits.capped(String(rest)))
    if rest == "<signal handler called>" || rest == "<function called from gdb>" {
      row.isSignalHandler = rest == "<signal handler called>"
      row.function = String(rest)
      return row
    }
    if rest.hasPrefix("0x") {
      guard let end = rest.firstIndex(of: " ") else { return nil }
      let digits = rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
      // gdb pads a pc to the pointer's width.
      guard digits.count == 8 || digits.count == 16, let address = UInt64(digits, radix: 16) else { return nil }
      row.address = address
      row.addressDigits = digits.count
      rest = rest[end...].trimmingPrefixBlanks()
      guard rest.hasPrefix("in ") else { return nil }
      rest = rest.dropFirst(3).trimmingPrefixBlanks()
    }
    // The argument group is the last top-level one that only a location follows.
    let (groups, depth) = Parentheses.groups(in: rest)
    guard depth == 0 else { return nil }
    for group in groups.reversed() where group.lowerBound > rest.startIndex {
      let after = rest[rest.index(after: group.upperBound)...]
      guard let location = location(after) else { continue }
      // gdb separates the name from its arguments with a space.
      guard rest[rest.index(before: group.lowerBound)] == " " else { return nil }
      let inside = rest[rest.index(after: group.lowerBound)..<group.upperBound]
      guard let arguments = arguments(inside) else { return nil }
      let name = rest[..<group.lowerBound].trimmingBlanks()
      guard !name.isEmpty else { return nil }
      row.function = name == "??" ? nil : TextLimits.capped(String(name))
      row.arguments = arguments
      switch location {
      case .none: break
      case .source(let file, let line):
        row.file = TextLimits.capped(String(file))
        row.line = line
      case .library(let path): row.library = TextLimits.capped(String(path))
      }
      return row
    }
    return nil
  }

  /// What follows a row's arguments.
  enum Location {
    case none
    case source(Substring, Int)
    case library(Substring)
  }

  /// ``, ` at crash.cpp:16`, ` from /lib/x86_64-linux-gnu/libc.so.6`, or nil for anything else.
  static func location(_ text: Substring) -> Location? {
    let trimmed = text.trimmingBlanks()
    if trimmed.isEmpty { return Location.none }
    if trimmed.hasPrefix("at ") {
      let place = trimmed.dropFirst(3).trimmingPrefixBlanks()
      guard let colon = place.lastIndex(of: ":"), colon > place.startIndex,
        let line = Int(place[place.index(after: colon)...]), line >= 0
      else { return nil }
      return .source(place[..<colon], line)
    }
    if trimmed.hasPrefix("from ") {
      let path = trimmed.dropFirst(5).trimmingPrefixBlanks()
      guard !path.isEmpty, !path.contains(" ") else { return nil }
      return .library(path)
    }
    return nil
  }

  /// The arguments inside a row's group: none, `...`, or `name=value` items (a value's own
  /// commas, as in `v=std::vector of length 3, capacity 3 = {...}`, stay in it). Nil when the
  /// group is not an argument list.
  static func arguments(_ inside: Substring) -> [String]? {
    let trimmed = inside.trimmingBlanks()
    if trimmed.isEmpty { return [] }
    if trimmed == "..." { return ["..."] }
    var items: [String] = []
    for piece in splitTopLevel(trimmed) {
      let item = piece.trimmingBlanks()
      if isNamedValue(item) || items.isEmpty {
        guard isNamedValue(item) else { return nil }
        if items.count < 64 { items.append(TextLimits.capped(String(item), maximumBytes: 256)) }
      } else if var last = items.popLast() {
        last += ", " + item
        items.append(TextLimits.capped(last, maximumBytes: 256))
      }
    }
    return items
  }

  /// `name=…`, `name@entry=…`: gdb's argument.
  private static func isNamedValue(_ item: Substring) -> Bool {
    guard let equals = item.firstIndex(of: "="), equals > item.startIndex else { return false }
    return item[..<equals].allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "@" || $0 == "$" }
  }

  /// Splits at commas outside quotes, parentheses, braces and brackets.
  private static func splitTopLevel(_ text: Substring) -> [Substring] {
    var pieces: [Substring] = []
    var depth = 0
    var start = text.startIndex
    Parentheses.forEachOutsideQuotes(text) { index, character in
      switch character {
      case "(", "{", "[": depth += 1
      case ")", "}", "]": depth = max(0, depth - 1)
      case "," where depth == 0:
        pieces.append(text[start..<index])
        start = text.index(after: index)
      default: break
      }
    }
    pieces.append(text[start...])
    return pieces
  }

  /// Whether `row` (so far) still needs its wrapped continuation: an argument group left open.
  static func isOpen(_ text: Substring) -> Bool {
    Parentheses.groups(in: text).depth > 0
  }

  /// `Thread 3 (Thread 0x7ffff721c6c0 (LWP 8694) "crash"):`, `Thread 2 (LWP 1234):`: gdb's
  /// number for the thread, its LWP (the kernel's thread id) and its name, when printed.
  static func threadHeader(_ line: TextLine) -> (number: Int, lwp: UInt32?, name: String?)? {
    guard line.tokens.count >= 3, line.tokenEquals(0, "Thread"), let number = Int(line.string(1)),
      line.token(2).first == ASCII.openParen, line.token(line.tokens.count - 1).last == UInt8(ascii: ":")
    else { return nil }
    let text = line.text(fromToken: 2)
    guard text.hasSuffix("):") else { return nil }
    var name: String?
    if let open = text.firstIndex(of: "\""), let close = text.lastIndex(of: "\""), open < close {
      name = TextLimits.singleLine(TextLimits.capped(String(text[text.index(after: open)..<close]), maximumBytes: 256))
    }
    return (number, lwp(in: text[...]), name)
  }

  /// The number after `(LWP ` in `text`.
  static func lwp(in text: Substring) -> UInt32? {
    guard let marker = text.firstRange(of: "(LWP ") else { return nil }
    return UInt32(text[marker.upperBound...].prefix { $0.isNumber })
  }

  /// What stopped the program: `Program received signal SIGSEGV, Segmentation fault.`,
  /// `Thread 3 "crash" received signal SIGSEGV, …`, `Program terminated with signal SIGABRT, Aborted.`
  static func signal(_ line: TextLine) -> (signal: UInt32, name: String, words: String, thread: Int?)? {
    guard line.tokens.count >= 4, line.tokenEquals(0, "Program") || line.tokenEquals(0, "Thread") else { return nil }
    let text = line.trimmedText
    guard let marker = text.firstRange(of: " received signal ") ?? text.firstRange(of: " terminated with signal ") else {
      return nil
    }
    let rest = text[marker.upperBound...]
    let name = rest.prefix { $0 != "," && $0 != " " }
    guard let number = LinuxSignal.number(named: name) else { return nil }
    var words = rest.dropFirst(name.count)
    if words.hasPrefix(",") { words = words.dropFirst() }
    words = words.trimmingBlanks()
    if words.hasSuffix(".") { words = words.dropLast() }
    var thread: Int?
    if line.tokenEquals(0, "Thread") { thread = Int(line.string(1)) }
    return (number, String(name), TextLimits.capped(String(words), maximumBytes: 256), thread)
  }

  /// `[Switching to Thread 0x7ffff721c6c0 (LWP 8694)]`, `[Current thread is 1 (Thread 0x… (LWP 9281))]`:
  /// the thread that stopped, by LWP and (for the second) gdb's number.
  static func currentThread(_ line: TextLine) -> (number: Int?, lwp: UInt32?)? {
    guard line.token(0).first == ASCII.openBracket else { return nil }
    let text = line.trimmedText
    if text.hasPrefix("[Switching to Thread ") { return (nil, lwp(in: text[...])) }
    if text.hasPrefix("[Current thread is ") {
      let number = Int(text.dropFirst(19).prefix { $0.isNumber })
      return (number, lwp(in: text[...]))
    }
    return nil
  }

  /// `rip            0x555555554a77      0x555555554a77 <main+8>`: a line of `info registers`.
  static func register(_ line: TextLine) -> (name: String, value: UInt64)? {
    guard line.tokens.count >= 3, line.tokens.count <= 12 else { return nil }
    let name = line.token(0)
    guard (1...8).contains(name.count), name.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ASCII.isDigit($0) }),
      let first = name.first, first >= 0x61,
      Bytes.hasPrefix(line.token(1), "0x"), line.token(1).count <= 18,
      let value = HexNumber.digits(line.token(1).dropFirst(2))
    else { return nil }
    return (line.string(0), value)
  }

  /// Whether the line is one of `bt full`'s locals or notes under a row (`No locals.`,
  /// `        w = {slot = 0x0, …}`), or gdb's note that the walk ended.
  static func isUnderRow(_ line: TextLine) -> Bool {
    if line.contentStart > 0 { return true }
    if line.tokens.count >= 3, line.tokenEquals(1, "=") { return true }
    return line.starts(with: "No locals.") || line.starts(with: "No symbol table info available.")
      || line.starts(with: "Backtrace stopped:") || line.token(0).first == UInt8(ascii: "}")
  }
}

/// The backtraces of a gdb session, gathered line by line and given out at its end (the
/// thread that stopped and the registers are often printed after the rows).
struct GDBBacktraceCollector {
  private struct Thread {
    var rows: [GDBBacktrace.Row] = []
    var rowLines: [LineRange] = []
    var number: Int?
    var lwp: UInt32?
    var name: String?
    var lines: LineRange
  }

  private var threads: [Thread] = []
  private var current: Thread?
  /// A row whose wrapped continuation may follow.
  private var pending: (text: String, lines: LineRange)?
  private var stoppedThread: (number: Int?, lwp: UInt32?)?
  private var exception: CrashException?
  private var registers: [(name: String, value: UInt64)] = []
  private var registerLines: LineRange?
  private var clues = LinuxArchitectureClues()
  /// `info proc mappings`: each file's lowest load address (a mapping's start less its offset)
  /// and highest end, in the order first seen.
  private var mappedFiles: [(path: String, base: UInt64, end: UInt64, lines: LineRange)] = []
  private var readingMappings = false
  /// The most files kept from the mappings.
  var maximumMappedFiles = 4096
  /// The most frames kept for one thread, and the most threads.
  var maximumFrames = 4096
  var maximumThreads = 4096

  /// Whether rows are being read (the lines under them are this collector's). Stored, and
  /// set after each line: the decoder asks on every line, and a computed test of the optionals
  /// copied the whole collector each time.
  private(set) var isCollecting = false
  /// Whether anything is held for `finish` (stored, as `isCollecting`).
  private(set) var holdsAnything = false

  /// Takes a line (`take(_:)`), then notes what is held.
  mutating func consume(_ line: TextLine) -> Bool {
    let taken = take(line)
    isCollecting = current != nil || pending != nil
    holdsAnything =
      isCollecting || !threads.isEmpty || exception != nil || stoppedThread != nil || readingMappings || !mappedFiles.isEmpty
    return taken
  }

  /// Takes a line of the session: a row or its continuation, a line under a row, a thread
  /// header, the stop, `info registers`. False for any other line (which ends the rows).
  private mutating func take(_ line: TextLine) -> Bool {
    if let held = pending {
      let rest = Substring(line.trimmedText)
      let isContinuation =
        !line.isBlank && !GDBBacktrace.mayBeRow(line)
        && (GDBBacktrace.isOpen(held.text[...])
          || ((rest.hasPrefix("at ") || rest.hasPrefix("from ")) && GDBBacktrace.location(rest) != nil))
      if isContinuation && held.text.utf8.count < 16 * 1024 && held.lines.last - held.lines.first < 64 {
        let joiner = held.text.hasSuffix("(") || held.text.hasSuffix(" ") ? "" : " "
        pending = (held.text + joiner + rest, held.lines.including(line.number))
        return true
      }
      pending = nil
      takeRow(held.text, lines: held.lines)
      if isContinuation { return true }
    }
    if line.isBlank {
      finishThread()
      return false
    }
    if readingMappings {
      if let mapping = GDBBacktrace.mapping(line) {
        if let file = mapping.file { addMapping(file, start: mapping.start, end: mapping.end, offset: mapping.offset, line: line.number) }
        return true
      }
      readingMappings = false
    }
    if GDBBacktrace.isMappingsHeading(line) || GDBBacktrace.isMappingsColumns(line) {
      finishThread()
      readingMappings = true
      return true
    }
    if GDBBacktrace.mayBeRow(line) {
      let text = line.trimmedText
      // A row (or the start of one) only if what is there can be one.
      if GDBBacktrace.isOpen(text[...]) || GDBBacktrace.row(text[...]) != nil {
        pending = (text, LineRange(line: line.number))
        return true
      }
    }
    if let header = GDBBacktrace.threadHeader(line) {
      finishThread()
      current = Thread(number: header.number, lwp: header.lwp, name: header.name, lines: LineRange(line: line.number))
      return true
    }
    if let stop = GDBBacktrace.signal(line) {
      exception = CrashException(
        code: ExceptionCode(rawValue: stop.signal), description: stop.words.isEmpty ? stop.name : "\(stop.name), \(stop.words)",
        lines: LineRange(line: line.number))
      if let thread = stop.thread { stoppedThread = (thread, stoppedThread?.lwp) }
      return true
    }
    if let named = GDBBacktrace.currentThread(line) {
      stoppedThread = (named.number ?? stoppedThread?.number, named.lwp ?? stoppedThread?.lwp)
      return true
    }
    if holdsAnything, let register = GDBBacktrace.register(line) {
      if registers.count < 128 { registers.append(register) }
      clues.observeRegister(register.name)
      registerLines = (registerLines ?? LineRange(line: line.number)).including(line.number)
      return true
    }
    if current != nil {
      if GDBBacktrace.isUnderRow(line) {
        current!.lines = current!.lines.including(line.number)
        return true
      }
      finishThread()
    }
    return false
  }

  /// Notes a file's mapping: its load address is the lowest start less offset of its mappings
  /// (the first segment of an ELF file maps offset 0), its end the highest end.
  private mutating func addMapping(_ path: String, start: UInt64, end: UInt64, offset: UInt64, line: Int) {
    let base = start >= offset ? start - offset : start
    if let index = mappedFiles.firstIndex(where: { $0.path == path }) {
      mappedFiles[index].base = min(mappedFiles[index].base, base)
      mappedFiles[index].end = max(mappedFiles[index].end, end)
      mappedFiles[index].lines = mappedFiles[index].lines.including(line)
    } else if mappedFiles.count < maximumMappedFiles {
      mappedFiles.append((path, base, end, LineRange(line: line)))
      clues.observe(path: path[...])
    }
  }

  /// Adds a complete row to the thread being read (a thread without a header starts).
  private mutating func takeRow(_ text: String, lines: LineRange) {
    guard let row = GDBBacktrace.row(text[...]) else { return }
    // A new `#0` after rows starts another backtrace (`bt` pasted twice, or `bt` then `thread apply`).
    if row.number == 0, current?.rows.isEmpty == false { finishThread() }
    if current == nil { current = Thread(lines: lines) }
    if row.addressDigits > 0 { clues.observe(addressDigits: row.addressDigits) }
    if let file = row.file { clues.observe(path: file[...]) }
    if let library = row.library { clues.observe(path: library[...]) }
    if row.function == "__kernel_vsyscall" { clues.observe(path: "i386") }
    guard current!.rows.count < maximumFrames else { return }
    current!.rows.append(row)
    current!.rowLines.append(lines)
    current!.lines = current!.lines.including(lines.last)
  }

  /// Files the thread being read, if it has rows.
  private mutating func finishThread() {
    defer { current = nil }
    guard let thread = current, !thread.rows.isEmpty, threads.count < maximumThreads else { return }
    threads.append(thread)
  }

  /// Ends the session: its exception, then each backtrace as a thread.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    if let held = pending {
      pending = nil
      takeRow(held.text, lines: held.lines)
    }
    finishThread()
    defer { reset() }
    dropRepeatedBacktraces()
    let (architecture, evidence) = clues.decision(source: "gdb")
    let hasHeaders = threads.contains { $0.number != nil }
    var crashedIndex: Int?
    if let stopped = stoppedThread {
      crashedIndex = threads.firstIndex { thread in
        (stopped.lwp != nil && thread.lwp == stopped.lwp) || (stopped.number != nil && thread.number == stopped.number)
      }
    }
    // A backtrace without a thread header is the stopped thread's (`bt`), when one stopped.
    if crashedIndex == nil, exception != nil || !hasHeaders { crashedIndex = threads.firstIndex { $0.number == nil } }
    if var exception {
      if let crashedIndex { exception.threadID = threads[crashedIndex].lwp ?? stoppedThread?.lwp }
      emit(.exception(exception))
    }
    for (index, thread) in threads.enumerated() {
      var crashThread = CrashThread(
        id: thread.lwp, architecture: architecture, architectureEvidence: evidence,
        frames: Self.frames(thread, architecture: architecture), format: .gdbBacktrace, lines: thread.lines,
        label: Self.label(thread), isCrashed: index == crashedIndex)
      if index == crashedIndex, let registerLines {
        crashThread.context = NamedRegisters.context(registers, architecture: architecture)
        crashThread.contextLines = registerLines
      }
      emitThread(crashThread)
    }
    // The files `info proc mappings` listed, as modules at their load addresses: a `?? ()` row's
    // pc then falls in one, and is looked up there by offset.
    for file in mappedFiles {
      emit(
        .module(
          CodeModule(
            name: Self.fileName(file.path), path: file.path, base: Address(file.base), size: file.end - file.base,
            debugFile: Self.fileName(file.path), lines: file.lines)))
    }
  }

  /// A `bt` (or the lone `#0` row gdb prints where it stopped) whose rows `thread apply all
  /// bt` printed again under a thread header is that thread: the copy without a header goes
  /// (the thread keeps being the stopped one).
  private mutating func dropRepeatedBacktraces() {
    var repeated: Set<Int> = []
    for (index, thread) in threads.enumerated() where thread.number == nil {
      let texts = thread.rows.map(\.text)
      guard let twin = threads.firstIndex(where: { $0.number != nil && $0.rows.map(\.text).starts(with: texts) }) else { continue }
      repeated.insert(index)
      if stoppedThread == nil { stoppedThread = (threads[twin].number, threads[twin].lwp) }
    }
    guard !repeated.isEmpty else { return }
    threads = threads.enumerated().filter { !repeated.contains($0.offset) }.map(\.element)
  }

  /// Forgets the session (the limits stay).
  private mutating func reset() {
    threads = []
    current = nil
    pending = nil
    stoppedThread = nil
    exception = nil
    registers = []
    registerLines = nil
    mappedFiles = []
    readingMappings = false
    clues = LinuxArchitectureClues()
    isCollecting = false
    holdsAnything = false
  }

  private static func label(_ thread: Thread) -> String {
    guard let number = thread.number else { return "backtrace" }
    var label = "Thread \(number)"
    if let name = thread.name { label += " \"\(name)\"" }
    if let lwp = thread.lwp { label += " (LWP \(lwp))" }
    return label
  }

  /// The rows as frames: each group of rows ending at an address-less one is a physical frame
  /// (the group's last row) and the calls inlined into it; a caller's pc is its return address.
  private static func frames(_ thread: Thread, architecture: Architecture) -> [StackFrame] {
    let rows = thread.rows
    var frames: [StackFrame] = []
    var addresses: [PrintedAddress] = []
    frames.reserveCapacity(rows.count)
    addresses.reserveCapacity(rows.count)
    var groupAddress: UInt64?
    var afterSignalHandler = false
    for (index, row) in rows.enumerated() {
      let next = index + 1 < rows.count ? rows[index + 1] : nil
      let isInlined = next.map { $0.address == nil && !$0.isSignalHandler } ?? false
      if row.address != nil || index == 0 || row.isSignalHandler { groupAddress = row.address }
      var symbol = FrameSymbol(module: row.library.map(Self.fileName), function: row.function, printedText: row.text)
      if row.function == nil, row.library == nil, let address = row.address { symbol.address = Address(address) }
      frames.append(
        StackFrame(
          index: index, symbol: symbol, sourceLine: row.file.map { SourceLine(file: $0, line: row.line ?? 0) },
          annotations: row.arguments.isEmpty ? [] : [.argumentList(row.arguments)], trust: .text,
          lines: thread.rowLines[index], printedNumber: row.number, isInlined: isInlined))
      // A group's pc belongs to its physical frame (the group's last row); above a signal
      // handler it is the interrupted instruction.
      if isInlined || groupAddress == nil {
        addresses.append(.none)
      } else {
        addresses.append(afterSignalHandler ? .pc(groupAddress!) : .returnAddress(groupAddress!))
      }
      if !isInlined { afterSignalHandler = row.isSignalHandler }
    }
    CallStack.place(addresses, in: &frames, architecture: architecture)
    return frames
  }

  /// The last component of a path.
  static func fileName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}
