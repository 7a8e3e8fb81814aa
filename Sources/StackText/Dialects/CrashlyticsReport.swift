//===--- CrashlyticsReport.swift - Firebase Crashlytics' issue page as text ---===//
//
// What people copy from a Crashlytics issue (Firebase's console, and Fabric's
// before it) for an iOS or macOS crash:
//
//   Crashed: com.apple.main-thread
//   EXC_BAD_ACCESS KERN_INVALID_ADDRESS 0x0000000000000010
//
//   com.apple.main-thread
//   0  libobjc.A.dylib                0x8dac <redacted> + 156
//   6  Ledger                         0x452810 AppDelegate.application(_:didFinishLaunchingWithOptions:) + 177 (AppDelegate.swift:177)
//   11 ???                            0x1f3cc1948 (Missing)
//
//   NSOperationQueue 0x103c6c070 (QOS: UNSPECIFIED)
//   0  libsystem_kernel.dylib         0xb48 mach_msg2_trap + 8
//
// The summary names the crashed thread (`Crashed:`, French consoles `Plantage :`)
// and the exception (a Mach exception with its code and address), or it is `Fatal
// Exception: NSRangeException` and its reason, which also heads the crashed
// thread's rows when no `Crashed:` line follows; each thread is its
// name or queue over rows laid out as Apple's reports lay them out
// (AppleCrashReport.row). Fabric printed the crashed thread's header again as
// `Crashed: …` over its rows, and addresses in the process; Firebase prints each
// row's offset into its image (no image is loaded below 4 GiB in a 64-bit iOS or
// macOS process, so a smaller address is an offset). Apple's system symbols are
// `<redacted>` (no name); an offset of a megabyte or more is Crashlytics naming the
// nearest exported symbol of an unsymbolicated frame (`main + 4346541408`), so the
// name is not trusted there.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A Crashlytics issue's text, gathered line by line.
struct CrashlyticsReportCollector {
  private struct Thread {
    var name: String
    var crashed: Bool
    var rows: [AppleCrashReport.Row] = []
    var rowLines: [Int] = []
    var lines: LineRange
  }

  private var threads: [Thread] = []
  /// The crashed thread's name, as the summary gives it.
  private var crashedName: String?
  private var exception: CrashException?
  /// Whether the exception's reason may follow on the next line (after `Fatal Exception:`).
  private var expectsReason = false
  /// A line that may name the next thread, held until its first row comes.
  private var pendingName: (name: String, line: Int)?
  /// The most frames kept for one thread, and threads.
  var maximumFrames = 4096
  var maximumThreads = 4096

  /// Whether a report is being read.
  private(set) var isCollecting = false

  /// The thread a `Crashed: NAME` (or `Plantage : NAME`) line names, or nil; the text export
  /// numbers it (`#0. Crashed: com.apple.main-thread`).
  static func crashedHeader(_ line: TextLine) -> String? {
    let from = numberedFrom(line)
    if line.tokens.count >= from + 2, line.tokenEquals(from, "Crashed:") { return capped(line.text(fromToken: from + 1)) }
    if line.tokens.count >= from + 3, line.tokenEquals(from, "Plantage"), line.tokenEquals(from + 1, ":") {
      return capped(line.text(fromToken: from + 2))
    }
    return nil
  }

  /// 1 when the line starts with the text export's thread number (`#0.`, `#12.`), else 0: the
  /// token its words start at.
  static func numberedFrom(_ line: TextLine) -> Int {
    guard let first = line.tokens.first, first.count >= 3, line.tokens.count >= 2 else { return 0 }
    let bytes = line.bytes
    guard bytes[first.lowerBound] == ASCII.hash, bytes[first.upperBound - 1] == ASCII.period,
      bytes[(first.lowerBound + 1)..<(first.upperBound - 1)].allSatisfy(ASCII.isDigit)
    else { return 0 }
    return 1
  }

  /// Whether `line` may open a report: `Crashed:` or `Fatal Exception:` (its first words
  /// looked at).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool { crashedHeader(line) != nil || isFatalException(line) }

  /// `Fatal Exception: NSRangeException`: an Objective-C exception, over the crashed thread's
  /// rows (or the summary's first line). An Android issue's `Fatal Exception:
  /// java.lang.IllegalStateException: …` (a class in a package) is Java's (JavaStackTrace).
  static func isFatalException(_ line: TextLine) -> Bool {
    line.tokens.count >= 3 && line.tokenEquals(0, "Fatal") && line.tokenEquals(1, "Exception:")
      && !line.token(2).contains(ASCII.period)
  }

  /// Takes a line of the report; false for a line it does not read (which may end it).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if line.isBlank {
      expectsReason = false
      return false
    }
    if let name = Self.crashedHeader(line) {
      isCollecting = true
      crashedName = crashedName ?? name
      pendingName = nil
      startThread(name: name, crashed: true, line: line.number)
      return true
    }
    if Self.isFatalException(line), exception == nil {
      isCollecting = true
      pendingName = nil
      startThread(name: Self.capped(line.text(fromToken: 0)), crashed: true, line: line.number)
    }
    guard isCollecting else { return false }
    if exception == nil, let found = Self.exception(line) {
      exception = found
      expectsReason = found.description?.hasPrefix("Fatal Exception") == true
      return true
    }
    if let row = AppleCrashReport.row(line) {
      expectsReason = false
      let current = threads.last
      if current == nil || pendingName != nil || (row.number == 0 && current?.rows.isEmpty == false) {
        let name = pendingName ?? ("Thread", line.number)
        pendingName = nil
        startThread(name: name.name, crashed: false, line: name.line)
      }
      guard !threads.isEmpty else { return true }
      let last = threads.count - 1
      if threads[last].rows.count < maximumFrames {
        threads[last].rows.append(row)
        threads[last].rowLines.append(line.number)
      }
      threads[last].lines = threads[last].lines.including(line.number)
      return true
    }
    if expectsReason, var found = exception {
      // `*** -[__NSArrayM objectAtIndex:]: index 5 beyond bounds [0 .. 4]`
      expectsReason = false
      found.description = TextLimits.singleLine(TextLimits.capped((found.description ?? "") + ": " + line.text(fromToken: 0)))
      found.lines = found.lines?.including(line.number)
      exception = found
      return true
    }
    // A thread's name or queue (`com.apple.main-thread`, `NSOperationQueue 0x103c6c070 (QOS:
    // UNSPECIFIED)`): a short line. Two in a row, or a longer line, end the report.
    if pendingName == nil, line.tokens.count <= 6 {
      pendingName = (Self.capped(line.text(fromToken: Self.numberedFrom(line))), line.number)
      return true
    }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  private mutating func startThread(name: String, crashed: Bool, line: Int) {
    guard threads.count < maximumThreads else { return }
    // The summary's `Crashed:` line, left without rows, is no thread.
    if let last = threads.last, last.rows.isEmpty { threads.removeLast() }
    threads.append(Thread(name: name, crashed: crashed, lines: LineRange(line: line)))
  }

  /// `EXC_BAD_ACCESS KERN_INVALID_ADDRESS 0x0000000000000010`, `EXC_BREAKPOINT 0x00000001a2b3c4d5`,
  /// `Fatal Exception: NSInvalidArgumentException`.
  private static func exception(_ line: TextLine) -> CrashException? {
    let lines = LineRange(line: line.number)
    if isFatalException(line) {
      // An Objective-C exception ends the process with SIGABRT: EXC_CRASH.
      return CrashException(
        code: ExceptionCode(rawValue: MachException.number(named: "EXC_CRASH") ?? 10),
        description: capped(line.text(fromToken: 0)), lines: lines)
    }
    guard Bytes.hasPrefix(line.token(0), "EXC_"), let code = MachException.number(named: line.string(0)) else { return nil }
    var address: Address?
    if line.tokens.count >= 2, let last = line.tokens.last, Bytes.hasPrefix(line.bytes[last], "0x"),
      let value = HexNumber.digits(line.bytes[last].dropFirst(2))
    {
      address = Address(value)
    }
    return CrashException(code: ExceptionCode(rawValue: code), description: capped(line.text(fromToken: 0)), address: address, lines: lines)
  }

  /// Ends the report: the exception, then each thread with rows.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      threads = []
      crashedName = nil
      exception = nil
      expectsReason = false
      pendingName = nil
      isCollecting = false
    }
    guard isCollecting else { return }
    let withRows = threads.filter { !$0.rows.isEmpty }
    guard !withRows.isEmpty else { return }
    if let exception { emit(.exception(exception)) }
    // Fabric marked the crashed thread's own header; Firebase names it in the summary only.
    let crashedIndex =
      withRows.firstIndex(where: \.crashed) ?? withRows.firstIndex { $0.name == crashedName } ?? 0
    // Fabric's rows are addresses in the process: its system libraries' give the processor.
    let decided = AppleSharedRegion.architecture(of: withRows.lazy.flatMap { $0.rows.lazy.map { (module: $0.module, address: $0.address) } })
    for (index, thread) in withRows.enumerated() {
      emitThread(
        CrashThread(
          architecture: decided?.0 ?? .unknown,
          architectureEvidence: [decided?.1 ?? "Crashlytics names no processor (its rows are an iOS or macOS process's)"],
          frames: Self.frames(thread, architecture: decided?.0 ?? .unknown), format: .crashlytics, lines: thread.lines,
          label: thread.name, isCrashed: index == crashedIndex))
    }
  }

  /// The rows as frames: module and name (`<redacted>` and names a megabyte or more away are
  /// none), the pc or the offset into the image.
  private static func frames(_ thread: Thread, architecture: Architecture) -> [StackFrame] {
    var frames: [StackFrame] = []
    frames.reserveCapacity(thread.rows.count)
    for (index, row) in thread.rows.enumerated() {
      let module = row.module == "???" ? nil : row.module
      var function = row.symbol
      if function == "<redacted>" || (row.offset ?? 0) >= 1 << 20 || function?.hasPrefix("(") == true { function = nil }
      var symbol = FrameSymbol(module: module, function: function, offset: function == nil ? nil : row.offset, printedText: row.text)
      let isOffset = row.address < 1 << 32
      if function == nil {
        if isOffset, module != nil {
          symbol.moduleOffset = row.address
        } else {
          symbol.address = Address(row.address)
        }
      }
      // A name that was not trusted has no trusted line either (`<compiler-generated>:4346541408`).
      let sourceLine = function == nil && row.symbol != nil ? nil : row.file.map { SourceLine(file: $0, line: row.line ?? 0) }
      frames.append(
        StackFrame(
          index: index, symbol: symbol, sourceLine: sourceLine, trust: .text, lines: LineRange(line: thread.rowLines[index]),
          printedNumber: row.number))
    }
    // Addresses in the process: the pc, then return addresses (as Apple's reports).
    if thread.rows.allSatisfy({ $0.address >= 1 << 32 }) {
      CallStack.place(thread.rows.map { .returnAddress($0.address) }, in: &frames, architecture: architecture)
    }
    return frames
  }

  private static func capped(_ text: String) -> String { TextLimits.singleLine(TextLimits.capped(text, maximumBytes: 256)) }
}
