//===--- AppleCrashReport.swift - macOS and iOS crash reports as text ----------===//
//
// What ReportCrash writes (`.crash`, and the text Console and Xcode show for an
// `.ips` file), as Apple's TN2151 and TN3151 describe it:
//
//   Process:               Example [1057]
//   Code Type:             X86-64 (Native)          (ARM-64, X86, ARM; "(Translated)" under Rosetta)
//   Exception Type:        EXC_BAD_ACCESS (SIGSEGV)
//   Exception Codes:       KERN_INVALID_ADDRESS at 0x0000000000000000
//   Crashed Thread:        0  Dispatch queue: com.apple.main-thread
//
//   Thread 0 Crashed:: Dispatch queue: com.apple.main-thread
//   0   com.apple.CoreFoundation        0x00007fff8b81e88f CFStringGetCString + 47
//   1   org.example.Main                0x0000000100002051 0x100000000 + 8273
//   2   Example                                0x1000a1b2c closure #1 in Foo.bar() + 44 (Foo.swift:123)
//   3   libsystem_pthread.dylib   0x000000021479646c 0x214795000 + 5228 (_pthread_wqthread + 288)
//
//   Thread 0 crashed with X86 Thread State (64-bit):
//     rax: 0x0000000000000000  rbx: 0x00007fff70f44310  …  rip: 0x00007fff8e40f866
//
//   Binary Images:
//          0x100000000 -        0x100009fff +org.example.Main (1.0 - 1) <6592F45A-91BE-3269-BF93-3E0C82CAE57D> /Applications/Example.app/Contents/MacOS/Main
//   0x1011b8000 - 0x10140bfff BlueStreamTest arm64  <1a63c6792dc135d9bb369e5df0fd3e62> /var/containers/…/BlueStreamTest
//
// A frame's address is its pc: the fault's for frame 0, a return address for the
// callers (the offsets are measured from it). The symbol is `name + offset`, or
// the image's load address `+ offset` when the report was not symbolicated. The
// frame's module column is the image's bundle identifier or name; the binary
// images give each its range, file and UUID, which is its Breakpad debug id (the
// UUID's 32 digits and an age of 0), so stores and symbol servers are asked by id.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The lines of an Apple crash report.
enum AppleCrashReport {
  /// A frame row.
  struct Row {
    var number: Int
    var module: String
    var address: UInt64
    var symbol: String?
    var offset: UInt64?
    var imageBase: UInt64?
    var file: String?
    var line: Int?
    var isInlined = false
    var text: String
  }

  /// A line under `Binary Images:`.
  struct Image {
    var start: UInt64
    var end: UInt64
    var identifier: String
    var version: String?
    var uuid: String?
    var path: String?
    var fileName: String { path.map(GDBBacktraceCollector.fileName) ?? identifier }
  }

  /// `Code Type:  X86-64 (Native)`, `Exception Type:  EXC_BAD_ACCESS (SIGSEGV)`: a header field's
  /// name (one or two words) and value.
  static func field(_ line: TextLine) -> (name: String, value: String)? {
    guard line.tokens.count >= 2, line.contentStart == 0 else { return nil }
    for index in 0..<min(3, line.tokens.count - 1) where line.token(index).last == UInt8(ascii: ":") {
      let name = line.text(fromToken: 0, throughToken: index).dropLast()
      guard fields.contains(String(name)) else { return nil }
      let value = TextLimits.capped(line.text(fromToken: index + 1))
      // `Process:  Sketcher [1057]`: the name and the pid, not a sentence that starts with the word.
      if name == "Process", !(value.hasSuffix("]") && value.contains(" [")) { return nil }
      return (String(name), value)
    }
    return nil
  }

  /// The header fields read (the rest of the header is left to the other recognisers).
  static let fields: Set<String> = [
    "Process", "Code Type", "Exception Type", "Exception Codes", "Exception Subtype", "Crashed Thread",
    "Triggered by Thread", "OS Version", "Hardware Model", "Termination Reason", "Incident Identifier", "Identifier",
    "Version", "Path", "Date/Time", "Report Version",
  ]

  /// `Thread 0 Crashed:: Dispatch queue: com.apple.main-thread`, `Thread 2:`, `Thread 13:: com.apple.NSEventThread`.
  static func threadHeader(_ line: TextLine) -> (number: Int, crashed: Bool, name: String?)? {
    guard line.tokens.count >= 2, line.contentStart == 0, line.tokenEquals(0, "Thread") else { return nil }
    var numberText = Substring(line.string(1))
    var crashed = false
    var nameFrom = 2
    if numberText.hasSuffix(":") {
      numberText = numberText.dropLast(numberText.hasSuffix("::") ? 2 : 1)
    } else if line.tokens.count >= 3, isCrashedWord(line.token(2)) {
      crashed = true
      nameFrom = 3
    } else {
      return nil
    }
    guard let number = Int(numberText), number >= 0 else { return nil }
    let name = nameFrom < line.tokens.count ? TextLimits.singleLine(TextLimits.capped(line.text(fromToken: nameFrom), maximumBytes: 256)) : nil
    return (number, crashed, name)
  }

  /// `Crashed:` or `Crashed::`, capitalised as Apple prints it (the Swift runtime prints `crashed:`).
  static func isCrashedWord(_ token: ByteSlice) -> Bool {
    token.first == UInt8(ascii: "C") && Bytes.hasPrefix(token, "Crashed:")
  }

  /// `Thread 0 name:  Dispatch queue: com.apple.main-thread` (iOS prints it above the thread).
  static func threadName(_ line: TextLine) -> (number: Int, name: String)? {
    guard line.tokens.count >= 4, line.tokenEquals(0, "Thread"), line.tokenEquals(2, "name:"), let number = Int(line.string(1))
    else { return nil }
    return (number, TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 3), maximumBytes: 256)))
  }

  /// `Thread 0 crashed with X86 Thread State (64-bit):`: the registers of thread 0 follow.
  static func threadStateHeader(_ line: TextLine) -> Int? {
    guard line.tokens.count >= 5, line.tokenEquals(0, "Thread"), line.tokenEquals(2, "crashed"), line.tokenEquals(3, "with")
    else { return nil }
    return Int(line.string(1))
  }

  /// `  rax: 0x0000000000000000  rbx: 0x00007fff70f44310`: register pairs (`<unavailable>` values skipped).
  static func registers(_ line: TextLine) -> [(name: String, value: UInt64)]? {
    var pairs: [(name: String, value: UInt64)] = []
    var index = 0
    var sawName = false
    while index + 1 < line.tokens.count {
      let name = line.token(index)
      guard name.count >= 2, name.count <= 8, name.last == UInt8(ascii: ":"),
        name.dropLast().allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ASCII.isDigit($0) })
      else { break }
      sawName = true
      let value = line.token(index + 1)
      if Bytes.hasPrefix(value, "0x"), value.count <= 18, let number = HexNumber.digits(value.dropFirst(2)) {
        pairs.append((String(decoding: name.dropLast(), as: UTF8.self), number))
      }
      index += 2
    }
    return sawName ? pairs : nil
  }

  /// `0   com.apple.AppKit   0x00007fffb0fbb91e -[NSApplication _crashOnException:] + 109`.
  static func row(_ line: TextLine) -> Row? {
    let count = line.tokens.count
    guard count >= 4, line.token(0).count <= 4, line.token(0).allSatisfy(ASCII.isDigit), let number = Int(line.string(0))
    else { return nil }
    // The address: the first `0x` word after the module column (whose name may hold blanks).
    var addressIndex: Int?
    for index in 2..<min(count, 12) {
      let token = line.token(index)
      if token.count > 2, token.count <= 18, Bytes.hasPrefix(token, "0x"), token.dropFirst(2).allSatisfy(ASCII.isHexDigit) {
        addressIndex = index
        break
      }
    }
    guard let addressIndex, let address = HexNumber.digits(line.token(addressIndex).dropFirst(2)) else { return nil }
    var row = Row(
      number: number, module: TextLimits.capped(line.text(fromToken: 1, throughToken: addressIndex - 1)), address: address,
      text: TextLimits.capped(line.text(fromToken: 1)))
    guard addressIndex + 1 < count else { return row }
    var rest = Substring(line.text(fromToken: addressIndex + 1))
    if rest.hasSuffix(" [inlined]") {
      row.isInlined = true
      rest = rest.dropLast(10).trimmingBlanks()
    }
    // `(Foo.swift:123)` after the offset.
    if rest.hasSuffix(")"), let open = Parentheses.openingOfLastGroup(in: rest), open > rest.startIndex {
      let inside = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
      let before = rest[..<open].trimmingBlanks()
      if let colon = inside.lastIndex(of: ":"), let lineNumber = Int(inside[inside.index(after: colon)...]),
        !inside.contains(" "), before.split(separator: " ").last.map({ $0.allSatisfy(\.isNumber) }) == true
      {
        row.file = TextLimits.capped(String(inside[..<colon]))
        row.line = lineNumber
        rest = before
      }
    }
    // iOS's device logs, symbolicated on the device: `0x214795000 + 5228 (pthread_getspecific + 12)`.
    if rest.hasPrefix("0x"), rest.hasSuffix(")"), let open = Parentheses.openingOfLastGroup(in: rest), open > rest.startIndex {
      let inside = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
      let before = rest[..<open].trimmingBlanks()
      if let plus = inside.ranges(of: " + ").last, let offset = UInt64(inside[plus.upperBound...].trimmingBlanks()),
        let basePlus = before.ranges(of: " + ").last, let base = UInt64(before[..<basePlus.lowerBound].dropFirst(2), radix: 16)
      {
        let symbol = inside[..<plus.lowerBound].trimmingBlanks()
        if !symbol.isEmpty {
          row.symbol = TextLimits.capped(String(symbol))
          row.offset = offset
          row.imageBase = base
          return row
        }
      }
    }
    // `name + 109`, `0x100000000 + 8273` (not symbolicated), `0 + 10` (nothing known).
    if let plus = rest.ranges(of: " + ").last, let offset = UInt64(rest[plus.upperBound...].trimmingBlanks()) {
      let symbol = rest[..<plus.lowerBound].trimmingBlanks()
      row.offset = offset
      if symbol.hasPrefix("0x"), let base = UInt64(symbol.dropFirst(2), radix: 16) {
        row.imageBase = base
      } else if symbol != "0", !symbol.isEmpty {
        row.symbol = TextLimits.capped(String(symbol))
      }
    } else if !rest.isEmpty {
      row.symbol = TextLimits.capped(String(rest))
    }
    return row
  }

  /// The sections after the header that are not a thread's.
  enum SectionHeader: Equatable {
    /// `Application Specific Information:` (the process's last words follow; a flattened paste
    /// may carry the first of them on the same line, from token `from`).
    case applicationInformation(from: Int)
    /// `Last Exception Backtrace:` (iOS) or `Application Specific Backtrace 1:` (macOS): the
    /// uncaught exception's stack, as rows or as one parenthesised list of addresses from token `from`.
    case exceptionBacktrace(title: String, from: Int)
  }

  /// `Application Specific Information:`, `Last Exception Backtrace:`, `Application Specific Backtrace 1:`.
  static func sectionHeader(_ line: TextLine) -> SectionHeader? {
    guard line.tokens.count >= 3, line.contentStart == 0 else { return nil }
    if line.tokenEquals(0, "Application"), line.tokenEquals(1, "Specific") {
      if line.tokenEquals(2, "Information:") { return .applicationInformation(from: 3) }
      if line.tokens.count >= 4, line.tokenEquals(2, "Backtrace"), line.token(3).last == UInt8(ascii: ":"),
        let number = Int(line.string(3).dropLast()), number >= 0
      {
        return .exceptionBacktrace(title: "Application Specific Backtrace \(number)", from: 4)
      }
      return nil
    }
    if line.tokenEquals(0, "Last"), line.tokenEquals(1, "Exception"), line.tokenEquals(2, "Backtrace:") {
      return .exceptionBacktrace(title: "Last Exception Backtrace", from: 3)
    }
    return nil
  }

  /// `(0x18d0ed5f0 0x18ce0fbcc … 0x18cdb352)`: an unsymbolicated exception backtrace's return
  /// addresses from token `from` (a list a paste broke over lines is read line by line), or nil
  /// when a word is no address.
  static func addressList(_ line: TextLine, from: Int = 0) -> [UInt64]? {
    guard from < line.tokens.count else { return nil }
    var addresses: [UInt64] = []
    for index in from..<line.tokens.count {
      var token = line.token(index)
      if token.first == UInt8(ascii: "(") { token = token.dropFirst() }
      if token.last == UInt8(ascii: ")") { token = token.dropLast() }
      guard token.count > 2, token.count <= 18, Bytes.hasPrefix(token, "0x"), let address = HexNumber.digits(token.dropFirst(2))
      else { return nil }
      addresses.append(address)
    }
    return addresses
  }

  /// A line under `Binary Images:`.
  static func image(_ line: TextLine) -> Image? {
    let count = line.tokens.count
    guard count >= 4, line.tokenEquals(1, "-"), let start = hex(line.token(0)), let end = hex(line.token(2)), end >= start
    else { return nil }
    var identifier = Substring(line.string(3))
    if identifier.hasPrefix("+") { identifier = identifier.dropFirst() }
    var image = Image(start: start, end: end, identifier: TextLimits.capped(String(identifier)))
    for index in 4..<count {
      let token = line.token(index)
      guard token.first == UInt8(ascii: "<"), token.last == UInt8(ascii: ">") else { continue }
      let digits = token.dropFirst().dropLast().filter { $0 != UInt8(ascii: "-") }
      if digits.count == 32, digits.allSatisfy(ASCII.isHexDigit) { image.uuid = String(decoding: digits, as: UTF8.self).uppercased() }
      if index + 1 < count { image.path = TextLimits.capped(line.text(fromToken: index + 1)) }
      if index > 4 {
        let between = line.text(fromToken: 4, throughToken: index - 1)
        if between.hasPrefix("("), between.hasSuffix(")") { image.version = String(between.dropFirst().dropLast()) }
      }
      return image
    }
    // No UUID: the path is the last word that starts with `/`.
    if let last = (4..<count).last(where: { line.token($0).first == UInt8(ascii: "/") }) {
      image.path = TextLimits.capped(line.text(fromToken: last))
    }
    return image
  }

  private static func hex(_ token: ByteSlice) -> UInt64? {
    guard token.count > 2, token.count <= 18, Bytes.hasPrefix(token, "0x") else { return nil }
    return HexNumber.digits(token.dropFirst(2))
  }
}

/// One Apple crash report, gathered line by line and given out when it ends (the binary
/// images, which name the frames' modules, come last).
struct AppleCrashReportCollector {
  private struct Thread {
    var number: Int
    var crashed: Bool
    var name: String?
    var rows: [AppleCrashReport.Row] = []
    var rowLines: [Int] = []
    var lines: LineRange
  }

  private enum Section {
    case none
    case thread
    case registers(Int)
    case images
    case applicationInformation
    case exceptionBacktrace
  }

  private var threads: [Thread] = []
  private var section = Section.none
  private var fields: [String: (value: String, line: Int)] = [:]
  private var threadNames: [Int: String] = [:]
  private var registers: (thread: Int, pairs: [(name: String, value: UInt64)], lines: LineRange)?
  private var images: [AppleCrashReport.Image] = []
  /// The `Application Specific Information:` lines.
  private var applicationLines: [String] = []
  /// The uncaught exception's stack (`Last Exception Backtrace:`), when the report has one.
  private var exceptionBacktrace: Thread?
  /// The most application-specific lines kept.
  static let maximumApplicationLines = 32
  /// The most frames kept for one thread, threads and images.
  var maximumFrames = 4096
  var maximumThreads = 4096
  var maximumImages = 8192

  /// Whether a report is being read.
  private(set) var isCollecting = false

  /// Whether the line may open a report: `Process:`, `Incident Identifier:`, `Exception Type:`
  /// or a `Thread N Crashed:` header (a byte looked at for most lines).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, line.contentStart == 0 else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "P"): return line.tokenEquals(0, "Process:")
    case UInt8(ascii: "I"): return line.tokens.count >= 3 && line.tokenEquals(0, "Incident")
    case UInt8(ascii: "E"): return line.tokens.count >= 3 && line.tokenEquals(0, "Exception") && line.tokenEquals(1, "Type:")
    case UInt8(ascii: "T"): return line.tokens.count >= 3 && line.tokenEquals(0, "Thread") && AppleCrashReport.isCrashedWord(line.token(2))
    default: return false
    }
  }

  /// Takes a line of the report; false for a line it does not read (left to the others).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if line.isBlank {
      if case .images = section {} else { section = .none }
      return false
    }
    switch section {
    case .thread:
      if let row = AppleCrashReport.row(line) {
        let last = threads.count - 1
        if threads[last].rows.count < maximumFrames {
          threads[last].rows.append(row)
          threads[last].rowLines.append(line.number)
        }
        threads[last].lines = threads[last].lines.including(line.number)
        return true
      }
      section = .none
    case .registers(let thread):
      if let pairs = AppleCrashReport.registers(line) {
        var held = registers ?? (thread, [], LineRange(line: line.number))
        for pair in pairs where held.pairs.count < 128 { held.pairs.append(pair) }
        held.lines = held.lines.including(line.number)
        registers = held
        return true
      }
      section = .none
    case .images:
      if let image = AppleCrashReport.image(line) {
        if images.count < maximumImages { images.append(image) }
        return true
      }
      section = .none
    case .applicationInformation:
      // The process's lines run to the blank line; a section header or thread header ends them too.
      if AppleCrashReport.sectionHeader(line) == nil, AppleCrashReport.threadHeader(line) == nil,
        AppleCrashReport.field(line) == nil
      {
        keepApplicationLine(line, from: 0)
        return true
      }
      section = .none
    case .exceptionBacktrace:
      if takeExceptionBacktraceLine(line, from: 0) { return true }
      section = .none
    case .none:
      break
    }
    if let field = AppleCrashReport.field(line) {
      // A second report's first field ends this one.
      if field.name == "Process" || field.name == "Incident Identifier", fields[field.name] != nil {
        finish(emit: emit, emitThread: emitThread)
      }
      isCollecting = true
      if fields[field.name] == nil, fields.count < 32 { fields[field.name] = (field.value, line.number) }
      return true
    }
    if let header = AppleCrashReport.threadHeader(line) {
      isCollecting = true
      if threads.count < maximumThreads {
        threads.append(
          Thread(number: header.number, crashed: header.crashed, name: header.name ?? threadNames[header.number], lines: LineRange(line: line.number)))
        section = .thread
      }
      return true
    }
    guard isCollecting else { return false }
    if let header = AppleCrashReport.sectionHeader(line) {
      switch header {
      case .applicationInformation(let from):
        section = .applicationInformation
        if from < line.tokens.count { keepApplicationLine(line, from: from) }
      case .exceptionBacktrace(let title, let from):
        // The first backtrace is the exception's; a second (`Application Specific Backtrace 2:`)
        // is read and dropped.
        if exceptionBacktrace == nil {
          exceptionBacktrace = Thread(number: -1, crashed: true, name: title, lines: LineRange(line: line.number))
          section = .exceptionBacktrace
          if from < line.tokens.count { _ = takeExceptionBacktraceLine(line, from: from) }
        } else {
          section = .none
        }
      }
      return true
    }
    if let named = AppleCrashReport.threadName(line) {
      if threadNames.count < maximumThreads { threadNames[named.number] = named.name }
      return true
    }
    if let thread = AppleCrashReport.threadStateHeader(line) {
      section = .registers(thread)
      return true
    }
    if line.tokens.count == 2, line.tokenEquals(0, "Binary"), line.tokenEquals(1, "Images:") {
      section = .images
      return true
    }
    return false
  }

  /// Keeps an `Application Specific Information:` line, from token `from`.
  private mutating func keepApplicationLine(_ line: TextLine, from: Int) {
    guard applicationLines.count < Self.maximumApplicationLines else { return }
    applicationLines.append(TextLimits.singleLine(TextLimits.capped(line.text(fromToken: from)), replacement: " "))
  }

  /// Takes a row of the exception's backtrace, or a line of its address list; false for any other line.
  private mutating func takeExceptionBacktraceLine(_ line: TextLine, from: Int) -> Bool {
    guard var backtrace = exceptionBacktrace else { return false }
    defer { exceptionBacktrace = backtrace }
    if from == 0, let row = AppleCrashReport.row(line) {
      if backtrace.rows.count < maximumFrames {
        backtrace.rows.append(row)
        backtrace.rowLines.append(line.number)
      }
      backtrace.lines = backtrace.lines.including(line.number)
      return true
    }
    guard let addresses = AppleCrashReport.addressList(line, from: from) else { return false }
    for address in addresses where backtrace.rows.count < maximumFrames {
      let text = "0x" + String(address, radix: 16)
      backtrace.rows.append(
        AppleCrashReport.Row(number: backtrace.rows.count, module: "???", address: address, text: text))
      backtrace.rowLines.append(line.number)
    }
    backtrace.lines = backtrace.lines.including(line.number)
    return true
  }

  /// Ends the report: the exception, the threads, then the images as modules.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer { reset() }
    guard isCollecting else { return }
    let codeType = fields["Code Type"]
    let architecture = codeType.flatMap { Architecture(appleCPUType: $0.value) } ?? .unknown
    let evidence =
      codeType.map { ["the report's Code Type line names \($0.value) (line \($0.line))"] }
      ?? ["the report has no Code Type line"]
    var crashedNumber = threads.first(where: \.crashed)?.number
    for name in ["Crashed Thread", "Triggered by Thread"] where crashedNumber == nil {
      crashedNumber = fields[name].flatMap { Int($0.value.split(separator: " ").first ?? "") }
    }
    for (name, value) in fields.sorted(by: { $0.value.line < $1.value.line })
    where ["Process", "OS Version", "Hardware Model", "Termination Reason"].contains(name) {
      emit(.systemProperty(SystemProperty(key: name, value: TextLimits.singleLine(value.value))))
    }
    for line in applicationLines {
      emit(.systemProperty(SystemProperty(key: AppleApplicationInformation.lineKey, value: line)))
    }
    if let exception = AppleApplicationInformation.exception(in: applicationLines) {
      emit(.systemProperty(SystemProperty(key: exception.key, value: exception.value)))
    }
    if let exception = exception() { emit(.exception(exception)) }
    let sortedImages = images.sorted { $0.start < $1.start }
    // An uncaught exception's stack is where the crash happened: the thread that then aborted
    // shows only the runtime's way to `abort()`, the same for every such crash.
    if let backtrace = exceptionBacktrace, !backtrace.rows.isEmpty {
      crashedNumber = nil
      emitThread(
        CrashThread(
          architecture: architecture, architectureEvidence: evidence,
          frames: Self.frames(backtrace, images: sortedImages, architecture: architecture), format: .appleCrashReport,
          lines: backtrace.lines, label: backtrace.name, isCrashed: true))
    }
    for thread in threads where !thread.rows.isEmpty {
      let crashed = thread.number == crashedNumber
      var crashThread = CrashThread(
        architecture: architecture, architectureEvidence: evidence,
        frames: Self.frames(thread, images: sortedImages, architecture: architecture), format: .appleCrashReport,
        lines: thread.lines, label: "Thread \(thread.number)" + (thread.name.map { " (\($0))" } ?? ""), isCrashed: crashed)
      if let registers, registers.thread == thread.number {
        crashThread.context = NamedRegisters.context(Self.renamed(registers.pairs), architecture: architecture)
        crashThread.contextLines = registers.lines
      }
      emitThread(crashThread)
    }
    for image in sortedImages {
      let name = image.fileName
      let (size, overflow) = (image.end - image.start).addingReportingOverflow(1)
      emit(
        .module(
          CodeModule(
            name: name, path: image.path, base: Address(image.start), size: overflow ? nil : size, version: image.version,
            debugFile: name, debugIdentifier: image.uuid.map { $0 + "0" })))
    }
  }

  /// `Exception Type:  EXC_BAD_ACCESS (SIGSEGV)` with `Exception Codes: KERN_INVALID_ADDRESS at 0x0`
  /// (or iOS's `Exception Subtype:`).
  private func exception() -> CrashException? {
    guard let type = fields["Exception Type"] else { return nil }
    let name = type.value.split(separator: " ").first ?? ""
    guard let code = MachException.number(named: name) else { return nil }
    var description = type.value
    var address: Address?
    var lines = LineRange(line: type.line)
    for detailName in ["Exception Subtype", "Exception Codes"] {
      guard let detail = fields[detailName] else { continue }
      lines = lines.including(detail.line)
      if let at = detail.value.firstRange(of: " at 0x") {
        address = UInt64(detail.value[at.upperBound...].prefix { $0.isHexDigit }, radix: 16).map { Address($0) }
        let words = detail.value[..<at.lowerBound]
        if !words.isEmpty, !words.hasPrefix("0x") { description += " / " + words }
        break
      }
    }
    return CrashException(code: ExceptionCode(rawValue: code), description: TextLimits.singleLine(description), address: address, lines: lines)
  }

  /// Apple's register names where this package's differ (`rfl` is RFLAGS).
  private static func renamed(_ pairs: [(name: String, value: UInt64)]) -> [(name: String, value: UInt64)] {
    pairs.map { $0.name == "rfl" ? ("eflags", $0.value) : $0 }
  }

  /// The rows as frames, each in the image its pc falls in; a caller's pc is its return address.
  private static func frames(_ thread: Thread, images: [AppleCrashReport.Image], architecture: Architecture) -> [StackFrame] {
    var frames: [StackFrame] = []
    frames.reserveCapacity(thread.rows.count)
    for (index, row) in thread.rows.enumerated() {
      let image = images.last { $0.start <= row.address && row.address <= $0.end }
      let module = image?.fileName ?? (row.module == "???" ? nil : row.module)
      var symbol = FrameSymbol(module: module, function: row.symbol, offset: row.symbol == nil ? nil : row.offset, printedText: row.text)
      if row.symbol == nil {
        if let image {
          symbol.moduleOffset = row.address &- image.start
        } else if let base = row.imageBase, let offset = row.offset {
          symbol.moduleOffset = offset
          symbol.moduleBase = Address(base)
        } else {
          symbol.address = Address(row.address)
        }
      }
      frames.append(
        StackFrame(
          index: index, symbol: symbol, sourceLine: row.file.map { SourceLine(file: $0, line: row.line ?? 0) }, trust: .text,
          lines: LineRange(line: thread.rowLines[index]), printedNumber: row.number, isInlined: row.isInlined))
    }
    CallStack.place(thread.rows.map { .returnAddress($0.address) }, in: &frames, architecture: architecture)
    return frames
  }

  private mutating func reset() {
    threads = []
    section = .none
    fields = [:]
    threadNames = [:]
    registers = nil
    images = []
    applicationLines = []
    exceptionBacktrace = nil
    isCollecting = false
  }
}
