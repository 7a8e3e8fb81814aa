//===--- StackTextDecoder.swift - Every stack dialect in one pass -----------===//
//
// Reads text a line at a time, in bounded memory, and reports threads, modules,
// registers, events, STOP errors and diagnostics as it completes them.
//
// For each line, in order:
//   1. Dr. Watson banners and the crash header switch the section.
//   2. An open stack listing gets the line first (StackBlockAssembler).
//   3. Multi-line records in progress: event-log records, register dumps,
//      Windows 9x reports, SQL short stacks, Android tombstones.
//   4. Lines that belong to the current Dr. Watson section: module list, task
//      list, system information, raw stack dump, the state dump's fault line.
//   5. Starts of new things: stack headers, symbol-list headers, register dumps,
//      module lines, event records, STOP lines, Windows 9x and 3.1 reports,
//      header-less rows, bare symbol lists.
//   6. Anything else is prose; it only feeds the architecture evidence.
//
// Not Sendable: one decoder per input, confined to one task. Its per-line state
// is read and written on every line, and the decoder never hands out overlapping
// accesses to it, so the stored properties opt out of dynamic exclusivity checks
// (`@exclusivity(unchecked)`), which cost about a tenth of the decoding time.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Limits that keep decoding bounded whatever the input.
public struct TextDecoderOptions: Sendable {
  /// Longer lines are cut at this many bytes, with a diagnostic.
  public var maximumLineLength = 64 * 1024
  /// A listing with more rows is split, with a diagnostic.
  public var maximumFramesPerStack = 10_000
  /// Raw stack bytes kept per thread.
  public var maximumStackMemoryPerThread = 1 << 20
  /// Diagnostics reported per input; the rest are counted and summarised.
  public var maximumDiagnostics = 1_000
  /// Whether a lone CR ends a line (a CR-only file); CRLF is always handled.
  public var crEndsLines = false

  /// The default limits.
  public init() {}
}

/// Decodes the stack listings, Dr. Watson logs, event records and STOP errors in text.
public final class StackTextDecoder {
  private let options: TextDecoderOptions
  private var splitter: LineSplitter
  /// Undoes quoting, wrapping and flattening before any recogniser sees a line.
  private let paste = PasteStage()
  @exclusivity(unchecked) private var line = TextLine()
  /// The registers of the current line (one value, refilled for each line).
  private let registerLine = RegisterLine()
  /// The line of the last raw-stack-dump line read.
  @exclusivity(unchecked) private var lastRawStackDumpLine = 0
  private let lineStorage = LineStorage()
  private let heldLineStorage = LineStorage()
  /// Row symbol texts already parsed (bounded).
  private let symbolTexts = SymbolTextCache()
  @exclusivity(unchecked) private var evidence = ArchitectureEvidence()

  // Open multi-line state.
  @exclusivity(unchecked) private var block: StackBlockAssembler?
  @exclusivity(unchecked) private var blockIsTentativeSymbolList = false
  /// The last line before the current bare-symbol list that announced a stack.
  @exclusivity(unchecked) private var stackMentionBeforeBlock: Int?
  @exclusivity(unchecked) private var blockStartedWithBullet = false
  @exclusivity(unchecked) private var lastBulletItemLine: Int?
  @exclusivity(unchecked) private var hexOnlyCandidate: TextLine?
  /// A WinDbg `~*kb` thread header waiting for its listing.
  @exclusivity(unchecked) private var threadHeader: (id: UInt32, label: String, line: Int)?
  /// Listings whose architecture is still unknown wait here for clues printed after them.
  @exclusivity(unchecked) private var deferred: [(block: DecodedStackBlock, release: Int)] = []
  @exclusivity(unchecked) private var assembly: ThreadAssembly?
  @exclusivity(unchecked) private var standaloneRegisters: RegisterDumpBuilder?
  @exclusivity(unchecked) private var events = EventLogParser()
  @exclusivity(unchecked) private var bugChecks = BugCheckParser()
  @exclusivity(unchecked) private var analysis = AnalyzeOutputParser()
  @exclusivity(unchecked) private var moduleList = WinDbgModuleList()
  @exclusivity(unchecked) private var section: DrWatsonSection?
  @exclusivity(unchecked) private var drWatsonHeader: (info: ApplicationInfo, exception: CrashException?)?
  /// Lines after the crash header that may still hold its fields.
  @exclusivity(unchecked) private var drWatsonHeaderLinesLeft = 0
  @exclusivity(unchecked) private var pendingWin9xText: (text: String, lines: LineRange)?
  @exclusivity(unchecked) private var win9xState: Win9xState = .none
  @exclusivity(unchecked) private var shortStack: (text: String, lines: LineRange)?
  @exclusivity(unchecked) private var win31Frames: [StackFrame] = []
  @exclusivity(unchecked) private var win31Lines: LineRange?
  @exclusivity(unchecked) private var visualStudio = VisualStudioCallStackCollector()
  @exclusivity(unchecked) private var tombstone = AndroidTombstoneCollector()
  @exclusivity(unchecked) private var gdb = GDBBacktraceCollector()
  @exclusivity(unchecked) private var sanitizer = SanitizerStackCollector()
  @exclusivity(unchecked) private var appleReport = AppleCrashReportCollector()
  @exclusivity(unchecked) private var backtraceSymbols = BacktraceSymbolsCollector()
  @exclusivity(unchecked) private var swiftBacktrace = SwiftBacktraceCollector()
  @exclusivity(unchecked) private var goPanic = GoPanicCollector()
  @exclusivity(unchecked) private var kernelOops = KernelOopsCollector()
  @exclusivity(unchecked) private var swiftFatalError = SwiftFatalErrorTraceCollector()
  @exclusivity(unchecked) private var windowsErrorReport = WindowsErrorReportCollector()
  @exclusivity(unchecked) private var arm64UserFault = ARM64UserFaultRegisters()
  @exclusivity(unchecked) private var crashlytics = CrashlyticsReportCollector()
  @exclusivity(unchecked) private var systemdCoredump = SystemdCoredumpCollector()
  @exclusivity(unchecked) private var dotnet = DotNetStackTraceCollector()
  @exclusivity(unchecked) private var sos = SOSManagedStackCollector()
  @exclusivity(unchecked) private var socorro = SocorroCrashingThreadCollector()
  @exclusivity(unchecked) private var nodeNative = NodeNativeStackCollector()
  @exclusivity(unchecked) private var unity = UnityCrashLogCollector()
  @exclusivity(unchecked) private var chromiumRegisters = ChromiumSignalRegistersCollector()
  @exclusivity(unchecked) private var crashlyticsHeader = CrashlyticsExportHeaderCollector()
  @exclusivity(unchecked) private var java = JavaStackTraceCollector()
  @exclusivity(unchecked) private var javascript = JavaScriptStackCollector()
  @exclusivity(unchecked) private var hotspot = HotSpotErrorLogCollector()
  @exclusivity(unchecked) private var pythonFault = PythonFaultHandlerCollector()
  @exclusivity(unchecked) private var pythonTraceback = PythonTracebackCollector()
  @exclusivity(unchecked) private var pytest = PytestFailureCollector()
  @exclusivity(unchecked) private var androidANR = AndroidANRTraceCollector()
  @exclusivity(unchecked) private var valgrind = ValgrindReportCollector()
  @exclusivity(unchecked) private var rustPanic = RustPanicCollector()
  @exclusivity(unchecked) private var drMemory = DrMemoryReportCollector()
  /// The debugger's exception line that says most (`(1a2c.1b3c): Access violation - code …`).
  @exclusivity(unchecked) private var debuggerException: DebuggerExceptionEvent?
  @exclusivity(unchecked) private var lldb = LLDBBacktraceCollector()
  /// Whether one of the runtimes' reports is being read (its readers then see every line).
  @exclusivity(unchecked) private var runtimeReportsActive = false
  /// Whether one of the native tools' collectors holds something (it then sees every line).
  @exclusivity(unchecked) private var nativeToolsActive = false
  /// Whether one of the tool summaries' collectors holds something (it then sees every line).
  @exclusivity(unchecked) private var toolSummariesActive = false
  @exclusivity(unchecked) private var stackwalk = BreakpadStackwalkCollector()

  // Bookkeeping.
  @exclusivity(unchecked) private var diagnosticCount = 0
  @exclusivity(unchecked) private var suppressedDiagnostics = 0
  @exclusivity(unchecked) private var sawNUL = false
  @exclusivity(unchecked) private var truncatedLines = 0
  @exclusivity(unchecked) private var lastLineEndedWithoutNewline = false
  @exclusivity(unchecked) private var titleSeen = false
  @exclusivity(unchecked) private var threadsEmitted = 0
  /// The first line that looked like another tool's stack (UnsupportedShape).
  @exclusivity(unchecked) private var foreignShape: (shape: UnsupportedShape.Finding, line: Int)?

  /// `c` (`caused`), as a constant (`TokenLeads.of` would be evaluated lazily on every use).
  static let causedLead = TokenLeads(bits: 1 << 2)
  /// `c` and `e`: `code` (WinDbg's `- code c0000005`) and `exception` (Visual Studio's
  /// `Unhandled exception at`), as a constant like `causedLead`.
  static let exceptionLineLead = TokenLeads(bits: 1 << 2 | 1 << 4)
  /// `s`, `t` and `u`: `segfault`, `traps:` and arm64's `unhandled` (the kernel's line for a
  /// program's fatal fault).
  static let userFaultLead = TokenLeads(bits: 1 << 18 | 1 << 19 | 1 << 20)

  private enum Win9xState {
    case none
    case message
    case bytes
    case stackDump(seenWords: Bool)
  }

  /// Creates a decoder with the given limits.
  public init(options: TextDecoderOptions = TextDecoderOptions()) {
    self.options = options
    splitter = LineSplitter(maximumLineLength: options.maximumLineLength, crIsLineBreak: options.crEndsLines)
    stackwalk.maximumFrames = options.maximumFramesPerStack
  }

  /// Lines read so far.
  public var lineCount: Int { splitter.lineCount }

  /// Bytes read so far.
  public var byteCount: Int { splitter.byteCount }

  /// Feeds the next chunk of input; findings completed in it go to `emit`.
  public func consume(_ chunk: UnsafeRawBufferPointer, _ emit: (TextDecodingEvent) -> Void) {
    splitter.consume(chunk) { raw in accept(raw, emit) }
  }

  /// A line from the splitter, through the paste stage to the recognisers. Most lines pass
  /// through as they are, and go to `process` directly.
  @inline(__always)
  private func accept(_ raw: RawLine, _ emit: (TextDecodingEvent) -> Void) {
    if paste.mayPassThrough(raw) {
      lineStorage.refill(from: raw, into: &line)
      let flags = line.flags
      if flags.isDisjoint(with: [.hadEscape, .hadBackslashOrHighByte])
        || (!flags.contains(.hadEscape) && PastedLine.hasPlainContent(raw.bytes))
      {
        processRefilled(raw, emit)
        return
      }
    }
    // Refilled again when the stage delivers it (rewritten, joined or split).
    paste.feed(raw) { process($0, emit) }
  }

  /// Emits a decoded thread, counting them (to say what the text was when it held none).
  private func emitThread(_ thread: CrashThread, _ emit: (TextDecodingEvent) -> Void) {
    threadsEmitted += 1
    emit(.thread(thread))
  }

  /// Ends the input and reports everything still open.
  public func finish(_ emit: (TextDecodingEvent) -> Void) {
    finishEverything(emit)
    if threadsEmitted == 0, let foreign = foreignShape {
      emit(.diagnostic(Diagnostic(.note, UnsupportedShape.note(foreign.shape, line: foreign.line), line: foreign.line)))
    }
  }

  private func finishEverything(_ emit: (TextDecodingEvent) -> Void) {
    splitter.finish { raw in accept(raw, emit) }
    paste.finish { process($0, emit) }
    if let pending = pendingWin9xText {
      pendingWin9xText = nil
      startWin9x(pending.text, pending.lines, emit)
    }
    closeBlock(emit, endOfInput: true)
    releaseDeferred(upTo: Int.max, emit)
    finishShortStack(emit)
    finishWin31(emit)
    finishVisualStudio(emit)
    finishStackwalk(emit)
    tombstone.finish(emit: emit, emitThread: { emitThread($0, emit) })
    androidANR.finish(emit: emit, emitThread: { emitThread($0, emit) })
    valgrind.finish(emit: emit, emitThread: { emitThread($0, emit) })
    rustPanic.finish(emit: emit, emitThread: { emitThread($0, emit) })
    drMemory.finish(emit: emit, emitThread: { emitThread($0, emit) })
    gdb.finish(emit: emit, emitThread: { emitThread($0, emit) })
    sanitizer.finish(emit: emit, emitThread: { emitThread($0, emit) })
    appleReport.finish(emit: emit, emitThread: { emitThread($0, emit) })
    backtraceSymbols.finish(emit: emit, emitThread: { emitThread($0, emit) })
    swiftBacktrace.finish(emit: emit, emitThread: { emitThread($0, emit) })
    goPanic.finish(emit: emit, emitThread: { emitThread($0, emit) })
    kernelOops.finish(emit: emit, emitThread: { emitThread($0, emit) })
    swiftFatalError.finish(emit: emit, emitThread: { emitThread($0, emit) })
    windowsErrorReport.finish(emit: emit, emitThread: { emitThread($0, emit) })
    arm64UserFault.finish(emit: emit, emitThread: { emitThread($0, emit) })
    crashlytics.finish(emit: emit, emitThread: { emitThread($0, emit) })
    systemdCoredump.finish(emit: emit, emitThread: { emitThread($0, emit) })
    dotnet.finish(emit: emit, emitThread: { emitThread($0, emit) })
    sos.finish(emit: emit, emitThread: { emitThread($0, emit) })
    socorro.finish(emit: emit, emitThread: { emitThread($0, emit) })
    nodeNative.finish(emit: emit, emitThread: { emitThread($0, emit) })
    unity.finish(emit: emit, emitThread: { emitThread($0, emit) })
    chromiumRegisters.finish(emit: emit)
    java.finish(emit: emit, emitThread: { emitThread($0, emit) })
    javascript.finish(emit: emit, emitThread: { emitThread($0, emit) })
    hotspot.finish(emit: emit, emitThread: { emitThread($0, emit) })
    pythonFault.finish(emit: emit, emitThread: { emitThread($0, emit) })
    pythonTraceback.finish(emit: emit, emitThread: { emitThread($0, emit) })
    pytest.finish(emit: emit, emitThread: { emitThread($0, emit) })
    if let debuggerException { emit(.exception(debuggerException.exception)) }
    lldb.finish(emit: emit, emitThread: { emitThread($0, emit) })
    finishAssembly(emit)
    finishStandaloneRegisters(emit)
    events.finish { emit(.event($0)) }
    bugChecks.finish { emit(.bugCheck($0)) }
    moduleList.finish { emit(.module($0)) }
    flushDrWatsonHeader(emit)
    if truncatedLines > 1 {
      report(.warning, "\(truncatedLines) lines were longer than \(options.maximumLineLength) bytes and were cut", line: nil, emit)
    }
    if suppressedDiagnostics > 0 {
      emit(.diagnostic(Diagnostic(.note, "\(suppressedDiagnostics) further diagnostics were not reported")))
    }
  }

  /// Decodes a whole text at once (tests, small inputs).
  public static func decode(_ text: String, options: TextDecoderOptions = TextDecoderOptions()) -> [TextDecodingEvent] {
    let decoder = StackTextDecoder(options: options)
    var events: [TextDecodingEvent] = []
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
      decoder.consume(UnsafeRawBufferPointer(buffer)) { events.append($0) }
    }
    decoder.finish { events.append($0) }
    return events
  }

  // MARK: - Per line

  private func process(_ raw: RawLine, _ emit: (TextDecodingEvent) -> Void) {
    lineStorage.refill(from: raw, into: &line)
    processRefilled(raw, emit)
  }

  /// Runs the recognisers on `line`, just refilled from `raw`.
  private func processRefilled(_ raw: RawLine, _ emit: (TextDecodingEvent) -> Void) {
    lastLineEndedWithoutNewline = raw.endedWithoutNewline

    if raw.wasTruncated {
      truncatedLines += 1
      if truncatedLines == 1 {
        report(.warning, "line is longer than \(options.maximumLineLength) bytes; only the first \(options.maximumLineLength) were read", line: line.number, emit)
      }
    }
    if line.flags.contains(.hadNUL) && !sawNUL {
      sawNUL = true
      report(.warning, "NUL bytes in the text (read as blanks), first at byte offset \(raw.offset)", line: line.number, emit)
    }
    if !titleSeen && line.number <= 12 { observeTitle() }
    evidence.observeProse(line)
    dispatch(emit)
    releaseDeferred(upTo: line.number, emit)
  }

  /// Emits listings whose architecture waited for later clues, once the window has passed.
  private func releaseDeferred(upTo lineNumber: Int, _ emit: (TextDecodingEvent) -> Void) {
    // `deferred.first` would build a copy of the first block (or a large nil) on every line.
    while !deferred.isEmpty, deferred[0].release <= lineNumber {
      var block: DecodedStackBlock? = deferred.removeFirst().block
      emitThread(makeThread(block: &block, context: nil, assembly: nil), emit)
    }
  }

  private func observeTitle() {
    let text = line.trimmedText
    if text.lowercased().hasPrefix("title:") {
      evidence.observeTitle(String(text.dropFirst(6)))
      titleSeen = true
    } else if text.hasPrefix("## ") {
      evidence.observeTitle(String(text.dropFirst(3)))
      titleSeen = true
    }
  }

  private func dispatch(_ emit: (TextDecodingEvent) -> Void) {
    // 0. Runtimes' and checkers' reports whose lines would read as other dialects' (an ANR's
    // `----- pid … -----` as a Dr. Watson banner, a Python frame's source line as anything).
    if runtimeReportsActive || RuntimeReportLeads.mayLead(line) && RuntimeReportLeads.mayOpen(line), handleRuntimeReports(emit) {
      return
    }
    // 1. Dr. Watson structure.
    if let newSection = DrWatsonSection.recognise(line) {
      enterSection(newSection, emit)
      return
    }
    if DrWatsonHeader.isStart(line) {
      closeBlock(emit)
      finishAssembly(emit)
      flushDrWatsonHeader(emit)
      section = nil
      var info = ApplicationInfo(lines: LineRange(line: line.number))
      var exception: CrashException?
      DrWatsonHeader.fields(line, into: &info, exception: &exception)
      drWatsonHeader = (info, exception)
      drWatsonHeaderLinesLeft = 6
      return
    }
    // The count is tested first: reading the optional header would copy it on every line.
    if drWatsonHeaderLinesLeft > 0, case .some = drWatsonHeader {
      drWatsonHeaderLinesLeft -= 1
      if line.contains("App:") || line.starts(with: "Application:") || line.contains("When:")
        || line.contains("Exception number:")
      {
        DrWatsonHeader.fields(line, into: &drWatsonHeader!.info, exception: &drWatsonHeader!.exception)
        if drWatsonHeader!.exception != nil && drWatsonHeader!.info.name != nil { flushDrWatsonHeader(emit) }
        return
      }
      if !line.isBlank { flushDrWatsonHeader(emit) }
    }

    // 2. The open stack listing. (`case .some` tests the optionals in place: `!= nil` would copy
    // the whole value on every line.)
    if case .some = block {
      if block!.isFull(atRows: options.maximumFramesPerStack, before: line) {
        report(.warning, "stack listing has more than \(options.maximumFramesPerStack) rows; split here", line: line.number, emit)
        let next = block!.continuation(line: line.number)
        closeBlock(emit)
        block = next
        _ = block?.consume(line)
        return
      } else if block!.consume(line) == .consumed {
        return
      } else {
        closeBlock(emit)
      }
    }

    // 3. Multi-line records in progress.
    if case .some = shortStack {
      if line.isBlank {
        finishShortStack(emit)
      } else {
        shortStack!.text += " " + line.trimmedText
        shortStack!.lines = shortStack!.lines.including(line.number)
        if shortStack!.text.utf8.count > options.maximumLineLength { finishShortStack(emit) }
      }
      return
    }
    if case .some = pendingWin9xText, let pending = pendingWin9xText {
      pendingWin9xText = nil
      let joined = pending.text + " " + line.trimmedText
      if Win9xFaultMessage.parse(joined, lines: pending.lines.including(line.number))?.offset != nil {
        startWin9x(joined, pending.lines.including(line.number), emit)
        return
      }
      startWin9x(pending.text, pending.lines, emit)
    }
    // minidump_stackwalk's thread: its frames, and the registers and `Found by:` under each
    // (which would otherwise read as register dumps).
    if stackwalk.isReadingModules, stackwalk.consumeModules(line, emit: { emit(.module($0)) }) { return }
    if stackwalk.isCollecting {
      if stackwalk.consume(line) { return }
      finishStackwalk(emit)
      if line.isBlank { return }
    }
    if stackwalk.machineReadable.isCollecting {
      if stackwalk.machineReadable.consume(line, emit: emit, emitThread: { emitThread($0, emit) }) { return }
      finishStackwalk(emit)
    }
    // Debugger extensions' and crash services' summaries: SOS's managed stacks (whose rows look
    // like kd's), Socorro's crashing thread, Node's native stack, Chromium's fatal signal.
    if toolSummariesActive || ToolSummaryLeads.mayLead(line), handleToolSummaries(emit) { return }
    // An Android tombstone: its threads, registers and backtraces, and its other sections kept
    // from the recognisers below.
    if tombstone.isCollecting || AndroidTombstone.mayOpen(line),
      tombstone.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return
    }
    // arm64's fault line waiting for the registers with its pc.
    if arm64UserFault.isCollecting, arm64UserFault.consume(line, emit: emit, emitThread: { emitThread($0, emit) }) { return }
    // Swift's `Fatal error: …`, kept for a `Current stack trace:` that may follow.
    swiftFatalError.observe(line)
    // Today's native tools: the Swift runtime, Apple's reports, lldb, gdb, sanitizers, glibc.
    if nativeToolsActive || NativeDebuggerLeads.mayOpen(line), handleNativeTools(emit) { return }
    if handleWin9x(emit) { return }
    // Windows Error Reporting's summary (event 1000 or 1001, the problem details); inside an
    // event record, the record keeps its lines too.
    if windowsErrorReport.isCollecting || WindowsErrorReportCollector.mayOpen(line),
      windowsErrorReport.consume(line, emit: emit, emitThread: { emitThread($0, emit) }), !events.isActive
    {
      return
    }
    // .NET's unhandled exception (event 1026, or the console's); inside an event record, the
    // record keeps its lines too.
    if dotnet.isCollecting || DotNetStackTraceCollector.mayLead(line) && DotNetStackTraceCollector.mayOpen(line),
      dotnet.consume(line, emit: emit, emitThread: { emitThread($0, emit) }), !events.isActive
    {
      return
    }
    // A Java exception's stack (Throwable's text, in a log or a crash report).
    if java.holdsAnything || JavaStackTraceCollector.mayOpen(line),
      java.consume(line, emit: emit, emitThread: { emitThread($0, emit) }), !events.isActive
    {
      return
    }
    // A JavaScript error's stack (V8's `Error.stack`, as Node and browsers print it).
    if javascript.holdsAnything || JavaScriptStackCollector.mayOpen(line),
      javascript.consume(line, emit: emit, emitThread: { emitThread($0, emit) }), !events.isActive
    {
      return
    }
    if events.consumeIfActive(line, emit: { emit(.event($0)) }) { return }
    if moduleList.isActive, moduleList.consume(line, emit: { emit(.module($0)) }) { return }
    if handleRegisters(emit) { return }
    if bugChecks.consume(line, emit: { emit(.bugCheck($0)) }) { return }

    // 4. The current Dr. Watson section.
    if handleSection(emit) { return }

    // 5. Starts of new things.
    if visualStudio.isCollecting {
      if visualStudio.consume(line) { return }
      finishVisualStudio(emit)
    }
    if line.isBlank { return }
    // Only said of a text that held no stack: once one is out, no line need be asked.
    if threadsEmitted == 0, foreignShape == nil, let shape = UnsupportedShape.recognise(line) { foreignShape = (shape, line.number) }
    if BreakpadMachineReadable.mayBe(line),
      stackwalk.machineReadable.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return
    }
    if BreakpadStackwalk.mayStartSomething(line) {
      if stackwalk.observeHeader(line, emit: { emit(.exception($0)) }) { return }
      if stackwalk.consumeModules(line, emit: { emit(.module($0)) }) { return }
      if stackwalk.start(line, emit: { emitThread($0, emit) }) { return }
    }
    if let header = DebuggerThreadHeader.parse(line) {
      threadHeader = (header.id, header.label, line.number)
      return
    }
    if let header = StackHeader.recognise(line) {
      openBlock(StackBlockAssembler(header: header, line: line.number), emit)
      if header.trailingTokenIndex < line.tokens.count {
        // The header shares its line with the first row.
        _ = block?.consume(line.droppingTokens(header.trailingTokenIndex))
      }
      return
    }
    let number = line.number
    if analysis.consume(line, emit: { emit(.analysisField($0, line: number)) }) { return }
    // `!analyze -v`: `STACK_TEXT:` announces a listing without column names.
    if line.tokenEquals(0, "STACK_TEXT:") {
      openBlock(StackBlockAssembler(labelLine: line.number), emit)
      if line.tokens.count > 1 { _ = block?.consume(line.droppingTokens(1)) }
      return
    }
    if isSymbolListHeader() {
      var assembler = StackBlockAssembler(
        headerlessLayout: RowLayout.framePointerRows(format: .symbolsOnly, hasFramePointer: false, hasReturnAddress: false, parameters: 0),
        line: line.number, allowsSymbolOnlyRows: true)
      assembler.markHeader()
      openBlock(assembler, emit)
      return
    }
    if line.tokens.count == 2 && line.tokenEquals(0, "stack") && line.tokenEquals(1, "trace:") {
      var assembler = StackBlockAssembler(headerlessLayout: .returnAddressSymbolArgs, line: line.number)
      assembler.markHeader()
      openBlock(assembler, emit)
      return
    }
    if ShortStackDump.isHeader(line) {
      shortStack = ("", LineRange(line: line.number))
      return
    }
    if Win31DrWatson.mayBeFrame(line), let found = Win31DrWatson.frame(line) {
      if found.number == 0 { finishWin31(emit) }
      if win31Frames.count >= options.maximumFramesPerStack {
        report(.warning, "stack listing has more than \(options.maximumFramesPerStack) rows; split here", line: line.number, emit)
        finishWin31(emit)
      }
      win31Frames.append(found.frame)
      win31Lines = (win31Lines ?? LineRange(line: line.number)).including(line.number)
      return
    }
    if line.tokenLeads.intersects(Self.causedLead), let caused = line.firstToken(withPrefix: "caused"), caused > 0, caused + 1 < line.tokens.count,
      line.tokenEquals(caused, "caused")
    {
      let text = line.trimmedText
      if Win9xFaultMessage.needsContinuation(text) && !text.contains(":") {
        pendingWin9xText = (text, LineRange(line: line.number))
        return
      }
      if Win9xFaultMessage.parse(text, lines: LineRange(line: line.number)) != nil {
        startWin9x(text, LineRange(line: line.number), emit)
        return
      }
    }
    if ModuleListLine.mayBe(line), let module = ModuleListLine.parse(line) {
      emit(.module(module))
      return
    }
    // WinDbg's `lm`: its column header, `Unloaded modules:`, or a row with a symbol status.
    if WinDbgModuleList.mayStart(line), moduleList.consume(line, emit: { emit(.module($0)) }) { return }
    if events.consume(line, emit: { emit(.event($0)) }) { return }
    if line.tokenLeads.intersects(Self.userFaultLead), let fault = LinuxUserFault.parse(line) {
      if fault.isARM64 {
        arm64UserFault.start(fault, emit: emit, emitThread: { emitThread($0, emit) })
      } else {
        fault.emit(emit, emitThread: { emitThread($0, emit) })
      }
      return
    }
    if line.tokenLeads.intersects(Self.exceptionLineLead),
      let event = DebuggerExceptionEvent.parse(line) ?? DebuggerExceptionEvent.parseVisualStudio(line)
    {
      if debuggerException.map({ event.outranks($0) }) ?? true { debuggerException = event }
      return
    }
    if let fault = FaultLine.parse(line) {
      recordFault(fault)
      return
    }
    if isAlphaDisassembly() {
      evidence.alphaDisassembly = line.number
      return
    }
    if isX86Disassembly() {
      evidence.x86Disassembly = line.number
      return
    }
    if visualStudio.consume(line) { return }
    if resumeHexOnlyCandidate(emit) { return }
    if startHeaderlessBlock(emit) { return }
    if isHexOnlyRow(line) { hexOnlyCandidate = heldLineStorage.copy(of: line) }
  }

  // MARK: - Runtimes' reports

  /// Offers the line to the readers of runtimes' and checkers' reports (an Android ANR's thread
  /// dump, Dr. Memory's report, a Python traceback, a Rust panic); true when one took it. Kept
  /// out of `dispatch`, which every line runs through.
  @inline(never)
  private func handleRuntimeReports(_ emit: (TextDecodingEvent) -> Void) -> Bool {
    defer {
      runtimeReportsActive =
        androidANR.isCollecting || drMemory.isCollecting || pythonTraceback.isCollecting || pytest.isCollecting
        || rustPanic.isCollecting || rustPanic.isWatching
    }
    // An Android ANR's thread dump (its native rows and ABI line are a tombstone's too).
    if androidANR.isCollecting || AndroidANRTraceCollector.mayOpen(line),
      androidANR.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // Dr. Memory's report (its `# 0` rows would read as other tools').
    if drMemory.isCollecting || DrMemoryReportCollector.mayOpen(line),
      drMemory.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // A Python traceback: its frames with their source lines under them, the exception, the
    // chained ones.
    if pythonTraceback.isCollecting || PythonTracebackCollector.mayOpen(line),
      pythonTraceback.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // A failing test as pytest prints it (its `>` and `E` lines, its entries' places).
    if pytest.isCollecting || PytestFailureCollector.mayOpen(line),
      pytest.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // A Rust panic and its backtrace (the rows' `at` lines under them).
    if rustPanic.isCollecting || rustPanic.isWatching || RustPanicCollector.mayOpen(line) || RustPanicCollector.isErrorLine(line),
      rustPanic.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    return false
  }

  // MARK: - Tool summaries

  /// Offers the line to the readers of debugger extensions' and crash services' summaries (SOS,
  /// Socorro, Node's native stack, Chromium's fatal signal); true when one took it. Kept out of
  /// `dispatch`, which every line runs through.
  @inline(never)
  private func handleToolSummaries(_ emit: (TextDecodingEvent) -> Void) -> Bool {
    defer {
      toolSummariesActive =
        sos.isCollecting || socorro.isCollecting || nodeNative.holdsAnything || unity.isCollecting
        || chromiumRegisters.isCollecting || crashlyticsHeader.isCollecting
    }
    // A Unity log's crash handler: its module list, its exception, its stack.
    if unity.isCollecting || UnityCrashLogCollector.mayOpen(line),
      unity.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // SOS's managed stacks (`!clrstack`, `!pe`): their second column is no return address.
    if sos.isCollecting || SOSManagedStackCollector.mayOpen(line),
      sos.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // Chromium's fatal signal, before the stack its handler prints.
    if ChromiumFatalSignal.mayBe(line), let exception = ChromiumFatalSignal.exception(line) {
      emit(.exception(exception))
      return true
    }
    // The header of Crashlytics' text export (`# Crashlytics - Stack trace`, `# Version: …`).
    if crashlyticsHeader.isCollecting || CrashlyticsExportHeaderCollector.mayOpen(line), crashlyticsHeader.consume(line, emit: emit) {
      return true
    }
    // The registers Chromium's handler prints after the stack.
    if chromiumRegisters.isCollecting || ChromiumSignalRegistersCollector.mayOpen(line), chromiumRegisters.consume(line, emit: emit) {
      return true
    }
    // Node.js's native stack after a fatal error (a V8 heap exhausted, a failed check).
    if nodeNative.holdsAnything || NodeNativeStackCollector.mayOpen(line),
      nodeNative.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // Socorro's crashing thread as a Mozilla bug quotes it, and crash-stats' frame table.
    if socorro.isCollecting || SocorroCrashingThreadCollector.mayOpen(line),
      socorro.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    return false
  }

  // MARK: - Native tools

  /// Offers the line to the native tools' collectors (Swift runtime, Apple crash reports, lldb,
  /// gdb, sanitizers, glibc's backtrace_symbols), in that order; true when one took it. Kept out
  /// of `dispatch`, which every line runs through.
  @inline(never)
  private func handleNativeTools(_ emit: (TextDecodingEvent) -> Void) -> Bool {
    defer {
      nativeToolsActive =
        swiftBacktrace.isCollecting || appleReport.isCollecting || lldb.isCollecting || gdb.holdsAnything
        || sanitizer.isCollecting || backtraceSymbols.isCollecting || goPanic.isCollecting
        || kernelOops.isCollecting || swiftFatalError.isCollecting || crashlytics.isCollecting || hotspot.isCollecting
        || systemdCoredump.isCollecting
        || pythonFault.isCollecting || valgrind.isCollecting
    }
    // Swift's stack trace before 5.9: `Current stack trace:` and its rows.
    if swiftFatalError.isCollecting || SwiftFatalErrorTraceCollector.isHeader(line),
      swiftFatalError.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // The Swift runtime's backtrace: the crash, its threads, registers and images.
    if swiftBacktrace.isCollecting || SwiftBacktraceCollector.mayOpen(line),
      swiftBacktrace.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // A macOS or iOS crash report: its header fields, threads, registers and binary images.
    if appleReport.isCollecting || AppleCrashReportCollector.mayOpen(line),
      appleReport.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // The Java VM's fatal error log: its summary, native frames, signal and registers.
    if hotspot.isCollecting || HotSpotErrorLogCollector.mayOpen(line),
      hotspot.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // Python's faulthandler: the fatal error, each thread's frames.
    if pythonFault.isCollecting || PythonFaultHandlerCollector.mayOpen(line),
      pythonFault.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // A Crashlytics issue: the crashed thread and exception, then each thread's name and rows.
    if crashlytics.isCollecting || CrashlyticsReportCollector.mayOpen(line),
      crashlytics.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // systemd-coredump's report (coredumpctl info): the signal, modules' build ids, each thread's rows.
    if systemdCoredump.isCollecting || SystemdCoredumpCollector.mayOpen(line),
      systemdCoredump.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // lldb's backtraces: thread headers and frame rows (its source listings are left alone).
    if LLDBBacktrace.mayBe(line), lldb.consume(line) { return true }
    // gdb's backtraces: rows (wrapped ones joined), the lines under them, thread headers, the stop.
    if gdb.holdsAnything || GDBBacktrace.mayStart(line), gdb.consume(line) { return true }
    // Valgrind's report: `==12345==` lines (the sanitizers' first word is `==12345==ERROR:`).
    if valgrind.isCollecting || ValgrindReportCollector.mayOpen(line),
      valgrind.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // A sanitizer's report (its stacks, registers and summary) or an LLVM crash stack.
    if sanitizer.isCollecting || GDBBacktrace.mayBeRow(line) || SanitizerStack.mayOpen(line),
      sanitizer.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // A Linux kernel oops, BUG or WARNING and its trace.
    if kernelOops.isCollecting || KernelOopsCollector.mayOpen(line),
      kernelOops.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // A Go panic, fatal error or goroutine dump.
    if goPanic.isCollecting || GoPanicCollector.mayOpen(line),
      goPanic.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    // glibc's `backtrace_symbols` lines: `./app(main+0x1d)[0x400b1d]`.
    if backtraceSymbols.isCollecting || BacktraceSymbols.mayBeRow(line),
      backtraceSymbols.consume(line, emit: emit, emitThread: { emitThread($0, emit) })
    {
      return true
    }
    return false
  }

  // MARK: - Sections

  private func enterSection(_ newSection: DrWatsonSection, _ emit: (TextDecodingEvent) -> Void) {
    closeBlock(emit)
    finishStandaloneRegisters(emit)
    flushDrWatsonHeader(emit)
    switch newSection {
    case .stateDump(let id):
      finishAssembly(emit)
      let label = id.map { "State Dump for Thread Id 0x" + String($0, radix: 16) } ?? "State Dump"
      assembly = ThreadAssembly(kind: .drWatsonStateDump, id: id, label: label, line: line.number)
    case .systemInformation, .taskList, .moduleList:
      finishAssembly(emit)
    case .stackBackTrace, .rawStackDump:
      if assembly == nil {
        let title = newSection == .stackBackTrace ? "Stack Back Trace" : "Raw Stack Dump"
        assembly = ThreadAssembly(kind: .drWatsonStateDump, id: nil, label: title, line: line.number)
      }
    case .symbolTable, .other:
      break
    }
    section = newSection
  }

  private func handleSection(_ emit: (TextDecodingEvent) -> Void) -> Bool {
    guard let section else { return false }
    switch section {
    case .moduleList:
      if ModuleListLine.mayBe(line), let module = ModuleListLine.parse(line) {
        emit(.module(module))
        return true
      }
    case .taskList:
      if line.tokens.count == 2, let id = UInt32(line.string(0)) {
        emit(.process(ProcessEntry(id: id, name: line.string(1))))
        return true
      }
    case .systemInformation:
      let text = line.bytes[line.contentStart...]
      if let colon = text.firstIndex(of: ASCII.colon), colon > text.startIndex {
        let key = Bytes.trimmingBlanks(text[..<colon])
        let value = Bytes.trimmingBlanks(text[(colon + 1)...])
        if key.count <= 40 {
          emit(.systemProperty(SystemProperty(key: Bytes.string(key), value: Bytes.string(value))))
          if Bytes.hasPrefix(key, "processor type") {
            if Bytes.contains(value, "alpha") { evidence.processorType = .alpha }
            if Bytes.contains(value, "x86") || Bytes.contains(value, "intel") || Bytes.contains(value, "pentium") {
              evidence.processorType = .x86
            }
          }
          return true
        }
      }
    case .rawStackDump:
      if let dumped = RawStackDumpLine.parse(line) {
        let appended = dumped.bytes.span.withUnsafeBufferPointer { buffer in
          assembly?.appendMemory(
            address: dumped.address, bytes: UnsafeBufferPointer(rebasing: buffer[..<dumped.count]),
            limit: options.maximumStackMemoryPerThread)
        }
        if appended == false {
          report(.warning, "raw stack dump exceeds \(options.maximumStackMemoryPerThread) bytes; the rest is ignored", line: line.number, emit)
          self.section = .other("raw stack (limit reached)")
        }
        lastRawStackDumpLine = line.number
        return true
      }
      if line.isBlank { return false }
      // The ASCII column wraps onto its own line right after its dump line; it carries
      // nothing we need.
      if line.tokens.count <= 3 && line.number - lastRawStackDumpLine <= 2 && StackHeader.recognise(line) == nil {
        return true
      }
      // Anything else ends the dump: what follows (an event record, a kd session, prose)
      // is read for what it is.
      self.section = nil
    case .stateDump:
      if let fault = FaultLine.parse(line) {
        recordFault(fault)
        return true
      }
      if let function = FaultLine.functionLabel(line) {
        assembly?.faultFunction = function
        return true
      }
      if isAlphaDisassembly() {
        evidence.alphaDisassembly = line.number
        return true
      }
      if isX86Disassembly() {
        evidence.x86Disassembly = line.number
        return true
      }
    case .symbolTable:
      return !line.isBlank
    case .stackBackTrace, .other:
      break
    }
    return false
  }

  private func recordFault(_ fault: FaultInstruction) {
    if assembly != nil {
      if assembly?.fault == nil { assembly?.fault = fault }
      assembly?.extend(to: line.number)
    }
    if line.bytes.contains(ASCII.greaterThan) && line.bytes.contains(ASCII.colon) {
      // `Fault  ->603049ac: 2c510000 ldq_u …`: Alpha disassembly has a colon after the address.
      let text = line.trimmedText
      if let arrow = text.rangeIgnoringCase(of: "->") {
        let after = text[arrow.upperBound...].prefix { $0 != " " }
        if after.hasSuffix(":") { evidence.alphaDisassembly = line.number }
      }
    }
  }

  /// `77eb3ea5 85c9 test ecx,ecx` (optionally after `FAULT ->`): x86 disassembly,
  /// an address, opcode bytes and an x86 mnemonic.
  private func isX86Disassembly() -> Bool {
    var index = 0
    if line.tokens.count > 1, Bytes.hasPrefix(line.token(0), "fault") {
      index = 1
      if line.tokenEquals(1, "->") { index = 2 }
    }
    guard line.tokens.count >= index + 3 else { return false }
    var address = line.token(index)
    if Bytes.hasPrefix(address, "->") { address = address.dropFirst(2) }
    guard HexNumber.word(address, allowMasked: false)?.digits == 8 else { return false }
    let opcode = line.token(index + 1)
    guard opcode.count >= 2, opcode.count <= 24, opcode.count % 2 == 0, opcode.allSatisfy(ASCII.isHexDigit) else {
      return false
    }
    return SymbolLineShape.isMnemonic(line.token(index + 2))
  }

  /// `603049a8: e6200019 beq a1,60304a10`: Alpha disassembly.
  private func isAlphaDisassembly() -> Bool {
    guard line.tokens.count >= 3 else { return false }
    let first = line.token(0)
    guard first.count == 9, first.last == ASCII.colon, HexNumber.word(first.dropLast(), allowMasked: false) != nil,
      HexNumber.word(line.token(1), allowMasked: false) != nil
    else { return false }
    return SymbolLineShape.isMnemonic(line.token(2))
  }

  // MARK: - Register dumps

  private func handleRegisters(_ emit: (TextDecodingEvent) -> Void) -> Bool {
    // Parsed into one reused object (a line's registers are held inline: passing a value
    // copied them all).
    let hasRegisters = RegisterDumpParser.parse(line, into: registerLine)
    if hasRegisters, registerLine.count >= 2 {
      if registerLine.architecture == .alpha { evidence.alphaRegisters = line.number } else { evidence.x86Registers = line.number }
    }
    // 64-bit register dumps are evidence only: their values are not decoded.
    if hasRegisters, registerLine.count < 2 {
      if registerLine.arm64Count >= 2 { evidence.arm64Registers = line.number }
      if registerLine.amd64Count >= 2 { evidence.amd64Registers = line.number }
      if registerLine.count == 0 { return false }
    }
    // Continue an open dump, changed in place (a copy would copy its register files on write).
    if hasCurrentRegisterDump {
      if hasRegisters, addToCurrentRegisterDump(registerLine) { return true }
      if RegisterDumpParser.isFlagsLine(line) || isRegisterTrailer() {
        extendCurrentRegisterDump()
        return true
      }
      if !hasRegisters { closeRegisterDump(emit) }
    }
    guard hasRegisters, registerLine.count >= 2 || (registerLine.count == 1 && win9xExpectsRegisters) else { return false }
    let dump = RegisterDumpBuilder(registerLine, at: line.number)
    let joinsAssembly = assembly.map { $0.registers == nil && acceptsRegisters($0) } ?? false
    // A dump outside any report must show more than a pair of `name=value` words,
    // which prose and noise hold now and then.
    guard joinsAssembly || registerLine.count >= 3 else { return false }
    if let existing = assembly, joinsAssembly {
      assembly?.registers = dump
      assembly?.lines = existing.lines.including(line.number)
    } else {
      finishStandaloneRegisters(emit)
      standaloneRegisters = dump
    }
    return true
  }

  private var win9xExpectsRegisters: Bool {
    if case .message = win9xState { return true }
    return false
  }

  private func acceptsRegisters(_ assembly: ThreadAssembly) -> Bool {
    switch assembly.kind {
    case .win9xFault: return true
    case .drWatsonStateDump:
      if case .stateDump = section { return assembly.block == nil }
      return false
    }
  }

  /// Lines that travel with register dumps: `mode=1 ie=1 irql=0`, `ErrCode = 0`, `psr=…` alone.
  private func isRegisterTrailer() -> Bool {
    line.starts(with: "mode=") || line.starts(with: "ErrCode") || line.starts(with: "vip=")
      || line.starts(with: "Registers:")
  }

  /// Whether a register dump is open: a standalone one, or the assembly's within two lines.
  private var hasCurrentRegisterDump: Bool {
    // Runs on every line: tests in place, copies nothing.
    if case .some = standaloneRegisters { return true }
    if let last = assembly?.registers?.lines.last, last >= line.number - 2 { return true }
    return false
  }

  /// Adds `parsed` to the open dump; false when its architecture differs.
  private func addToCurrentRegisterDump(_ parsed: RegisterLine) -> Bool {
    if case .some = standaloneRegisters { return standaloneRegisters!.add(parsed, at: line.number) }
    guard assembly!.registers!.add(parsed, at: line.number) else { return false }
    assembly!.extend(to: line.number)
    return true
  }

  /// Extends the open dump over a flags or trailer line.
  private func extendCurrentRegisterDump() {
    if case .some = standaloneRegisters {
      standaloneRegisters!.extend(to: line.number)
    } else {
      assembly!.registers!.extend(to: line.number)
      assembly!.extend(to: line.number)
    }
  }

  private func closeRegisterDump(_ emit: (TextDecodingEvent) -> Void) {
    finishStandaloneRegisters(emit)
  }

  private func finishStandaloneRegisters(_ emit: (TextDecodingEvent) -> Void) {
    if let dump = standaloneRegisters, !dump.context.isEmpty {
      emit(.registers(dump.context, dump.lines))
    }
    standaloneRegisters = nil
  }

  // MARK: - Stack listings

  private func openBlock(_ assembler: StackBlockAssembler, _ emit: (TextDecodingEvent) -> Void) {
    closeBlock(emit)
    finishStandaloneRegisters(emit)
    block = assembler
    blockIsTentativeSymbolList = false
  }

  private func isSymbolListHeader() -> Bool {
    if line.tokens.count <= 2, line.tokenEquals(0, "function"),
      line.tokens.count == 1 || line.tokenEquals(1, "name") || line.tokenEquals(1, "names")
    {
      return line.tokens.count == 2
    }
    if line.starts(with: "Stack Back Trace - Function Names") { return true }
    // UMDH: `1234 bytes in 0x2 allocations (@ 0x10) by: BackTrace00123`.
    if line.tokens.count >= 2, let last = line.tokens.last,
      Bytes.hasPrefix(line.bytes[last], "BackTrace") || Bytes.hasPrefix(line.bytes[last], "(Backtrace"),
      line.tokenEquals(line.tokens.count - 2, "by:") || line.tokenEquals(0, "Creator:")
    {
      return true
    }
    return false
  }

  /// Rows without a header whose symbol is on the next line: a line of hex words
  /// alone is held back; if a symbol line follows, both open a listing (Q259877).
  private func resumeHexOnlyCandidate(_ emit: (TextDecodingEvent) -> Void) -> Bool {
    guard let candidate = hexOnlyCandidate else { return false }
    hexOnlyCandidate = nil
    guard candidate.number == line.number - 1, SymbolLineShape.isStrictSymbolLine(line) else { return false }
    let probe = RowLayout.framePointerRows(format: .headerless, hasFramePointer: true, hasReturnAddress: true, parameters: 6)
    guard let start = RowStart.parse(candidate, layout: probe) else { return false }
    let layout = RowLayout.headerless(hexColumns: start.hexWords.count, colonAfter: nil)
    block = StackBlockAssembler(headerlessLayout: layout, line: candidate.number)
    blockIsTentativeSymbolList = false
    _ = block?.consume(candidate)
    _ = block?.consume(line)
    return true
  }

  private func isHexOnlyRow(_ candidate: TextLine) -> Bool {
    // An optional frame number (`00`, `0a`), then 2–8 hex words and nothing else.
    let first = candidate.tokens.count > 2 && HexNumber.isFrameNumber(candidate.token(0)) ? 1 : 0
    guard (2...8).contains(candidate.tokens.count - first) else { return false }
    return (first..<candidate.tokens.count).allSatisfy { HexNumber.word(candidate.token($0), allowMasked: false) != nil }
  }

  private func startHeaderlessBlock(_ emit: (TextDecodingEvent) -> Void) -> Bool {
    let probe = RowLayout.framePointerRows(format: .headerless, hasFramePointer: true, hasReturnAddress: true, parameters: 6)
    if let start = RowStart.parse(line, layout: probe), start.hexWords.count >= 2, start.frameNumber == nil || start.hexWords.count >= 2 {
      if StackBlockAssembler.isDisassembly(line, start) || StackBlockAssembler.isModuleListLine(line, start) { return false }
      let symbolIndex = start.symbolTokenIndex
      let colonForm = start.colonAfter != nil
      let hasSymbol = symbolIndex < line.tokens.count && SymbolLineShape.isStrictSymbolLine(line, from: symbolIndex)
      if hasSymbol && (!colonForm || start.colonAfter == 1 || start.colonAfter == 2) {
        let layout = RowLayout.headerless(
          hexColumns: start.hexWords.count, colonAfter: start.colonAfter, wide: start.hexWords.isSixtyFourBitRow(colonAfter: start.colonAfter))
        block = StackBlockAssembler(headerlessLayout: layout, line: line.number)
        blockIsTentativeSymbolList = false
        _ = block?.consume(line)
        return true
      }
      return false
    }
    let bullet = line.tokens.count > 1 && line.tokenEquals(0, "-")
    if SymbolLineShape.isStrictSymbolLine(line, from: bullet ? 1 : 0) {
      let layout = RowLayout.framePointerRows(format: .symbolsOnly, hasFramePointer: false, hasReturnAddress: false, parameters: 0)
      var assembler = StackBlockAssembler(headerlessLayout: layout, line: line.number, allowsSymbolOnlyRows: true)
      if bullet { assembler.markHeader() }
      block = assembler
      blockIsTentativeSymbolList = !bullet
      blockStartedWithBullet = bullet
      stackMentionBeforeBlock = evidence.stackMention.flatMap { $0 < line.number ? $0 : nil }
      _ = block?.consume(line)
      return true
    }
    return false
  }

  /// Whether the current line is a bulleted symbol (`- module!function`).
  private var closingLineIsBulletItem: Bool {
    line.tokens.count > 1 && line.tokenEquals(0, "-") && SymbolLineShape.isStrictSymbolLine(line, from: 1)
  }

  private func closeBlock(_ emit: (TextDecodingEvent) -> Void, endOfInput: Bool = false) {
    guard case .some = block, var assembler = block.take() else { return }
    guard var finished = assembler.finish(symbolTexts: symbolTexts) else { return }
    // Bare symbols with no header or bullet must look like a stack on their own.
    if blockIsTentativeSymbolList || blockStartedWithBullet,
      !BareSymbolList.isPlausibleStack(
        finished.frames, bulleted: blockStartedWithBullet, firstLine: finished.lines.first, stackMention: stackMentionBeforeBlock)
    {
      blockIsTentativeSymbolList = false
      blockStartedWithBullet = false
      return
    }
    blockIsTentativeSymbolList = false
    // `dps` / `dqs` / `dd` output has the shape of header-less rows, but its first column
    // counts up in steps of one word: memory, not frames.
    if !finished.hadHeader, let step = Self.memoryDumpStep(finished.frames) {
      report(
        .note, "lines \(finished.lines.first)-\(finished.lines.last) are a memory dump (addresses \(step) bytes apart), not a stack",
        line: finished.lines.first, emit)
      return
    }
    // Bulleted one-symbol items next to each other are a list of functions, not stacks
    // (`- ddmserv!mwOpen()` / `- ddmserv!InitializeFileInfo()`).
    if blockStartedWithBullet && finished.frames.count == 1 {
      blockStartedWithBullet = false
      let adjacentBefore = lastBulletItemLine.map { finished.lines.first - $0 <= 2 } ?? false
      let adjacentAfter = closingLineIsBulletItem && line.number - finished.lines.last <= 2
      lastBulletItemLine = finished.lines.last
      if adjacentBefore || adjacentAfter { return }
    }
    blockStartedWithBullet = false
    if endOfInput && lastLineEndedWithoutNewline && finished.lines.last == lineCount {
      finished.diagnostics.append(
        Diagnostic(.error, "the input ends inside this stack listing without a final line break; it may be truncated", line: lineCount))
    }
    for diagnostic in finished.diagnostics { report(diagnostic, emit) }
    attachThreadHeader(to: &finished)
    if let current = assembly, current.block == nil, current.kind == .drWatsonStateDump, isThreadSection {
      assembly?.block = finished
      assembly?.lines = current.lines.including(finished.lines.last)
      return
    }
    // Moved, not copied, into the thread: a copy would have its frames copied on write.
    var block: DecodedStackBlock? = consume finished
    let thread = makeThread(block: &block, context: nil, assembly: nil)
    if thread.architecture == .unknown && !endOfInput {
      // An undecided architecture leaves the frames as they were; they wait with their block.
      block!.frames = thread.frames
      deferred.append((block!, block!.lines.last + ArchitectureEvidence.window))
      return
    }
    emitThread(thread, emit)
  }

  /// The step when the first column of three or more rows goes up by exactly 4, 8, 16 or 32
  /// bytes from row to row, as `dps`, `dqs` and `dd` print memory; nil otherwise.
  static func memoryDumpStep(_ frames: [StackFrame]) -> UInt64? {
    guard frames.count >= 3, let first = frames[0].framePointer?.rawValue, let second = frames[1].framePointer?.rawValue,
      second > first
    else { return nil }
    let step = second - first
    guard [4, 8, 16, 32].contains(step) else { return nil }
    for index in 2..<frames.count {
      guard let current = frames[index].framePointer?.rawValue, let previous = frames[index - 1].framePointer?.rawValue,
        current &- previous == step
      else { return nil }
    }
    return step
  }

  /// A debugger's thread header (`~*kb`: `.  0  Id: 1a2c.1f30 Suspend: 1 …`) names the listing
  /// right under it.
  private func attachThreadHeader(to block: inout DecodedStackBlock) {
    guard case .some = threadHeader, let header = threadHeader.take() else { return }
    guard header.line < block.lines.first, block.lines.first - header.line <= 3 else { return }
    block.threadID = header.id
    block.label = header.label
  }

  private var isThreadSection: Bool {
    switch section {
    case .stackBackTrace, .stateDump: true
    default: false
    }
  }

  /// The thread for a listing and what came with it. The block's frames are moved out of
  /// `block` into the thread.
  private func makeThread(block: inout DecodedStackBlock?, context: RegisterDumpBuilder?, assembly: ThreadAssembly?)
    -> CrashThread
  {
    var frames: [StackFrame] = []
    if case .some = block { swap(&frames, &block!.frames) }
    let format = block?.layout.format
    let lines = block?.lines ?? assembly?.lines ?? LineRange(line: line.number)
    var decision: ArchitectureDecision
    if let format {
      decision = ArchitectureClassifier.decide(
        frames: frames, format: format, lines: lines, evidence: evidence, threadRegisters: context?.architecture,
        wideColumns: block?.hasWideColumns ?? false, onlyEightDigitColumns: block?.hasOnlyEightDigitColumns ?? false)
    } else if let context {
      decision = ArchitectureDecision(architecture: context.architecture, evidence: ["the thread's register dump is \(context.architecture.displayName)'s"])
    } else {
      decision = ArchitectureDecision(architecture: .unknown, evidence: ["no frames and no registers"])
    }
    if decision.architecture.hasFixedWidthInstructions {
      // On the RISC ports the Param columns are a0–a3 of the unwound context (walkalp.c).
      for index in frames.indices where frames[index].parameterSource == .stack {
        frames[index].parameterSource = .registers
      }
    }
    CallStack.assignInstructionAddresses(
      &frames, architecture: decision.architecture, contextInstructionPointer: context?.context.instructionPointer)
    var thread = CrashThread(
      id: assembly?.id ?? block?.threadID, architecture: decision.architecture, architectureEvidence: decision.evidence,
      frames: consume frames, context: context?.context, contextLines: context?.lines, format: format, lines: lines,
      label: assembly?.label ?? block?.label)
    if let assembly {
      thread.stackMemory = assembly.memory
      if var fault = assembly.fault {
        fault.function = assembly.faultFunction
        thread.fault = fault
      }
    }
    return thread
  }

  // MARK: - Thread assemblies

  private func finishAssembly(_ emit: (TextDecodingEvent) -> Void) {
    guard case .some = assembly, var current = assembly.take() else { return }
    win9xState = .none
    var block = current.block.take()
    var thread = makeThread(block: &block, context: current.registers, assembly: current)
    if current.kind == .win9xFault, let message = current.win9xMessage {
      thread.format = .win9xStackDump
      thread.architecture = .x86
      thread.architectureEvidence = ["a Windows 9x fault report (x86 only)"]
      thread.label = "\(message.application) caused \(message.fault)"
      if let pointer = current.registers?.context.instructionPointer ?? message.offset {
        let frame = StackFrame(
          index: 0, instruction: Address(pointer), symbol: message.module.map { FrameSymbol(module: $0, printedText: $0) },
          trust: .context, lines: message.lines)
        thread.frames = [frame]
      }
    }
    if thread.frames.isEmpty && thread.context == nil && thread.stackMemory.isEmpty && thread.fault == nil { return }
    emitThread(thread, emit)
  }

  // MARK: - Windows 9x

  private func startWin9x(_ text: String, _ lines: LineRange, _ emit: (TextDecodingEvent) -> Void) {
    guard let message = Win9xFaultMessage.parse(text, lines: lines) else { return }
    closeBlock(emit)
    finishAssembly(emit)
    finishStandaloneRegisters(emit)
    var new = ThreadAssembly(kind: .win9xFault, id: nil, label: text, line: lines.first)
    new.lines = lines
    new.win9xMessage = message
    assembly = new
    win9xState = .message
  }

  private func handleWin9x(_ emit: (TextDecodingEvent) -> Void) -> Bool {
    switch win9xState {
    case .none:
      return false
    case .message:
      if line.starts(with: "Registers:") { return true }
      if line.starts(with: "Bytes at CS:EIP") {
        win9xState = .bytes
        return true
      }
      if line.starts(with: "Stack dump:") {
        win9xState = .stackDump(seenWords: false)
        return true
      }
      return false  // register lines go through the register handler
    case .bytes:
      win9xState = .message
      return !line.isBlank
    case .stackDump(let seenWords):
      if line.isBlank { return true }
      if let words = Win9xStackDumpLine.words(line) {
        let base = assembly?.registers?.context.stackPointer ?? 0
        let offset = UInt64(assembly?.memoryBytes ?? 0)
        var bytes: [UInt8] = []
        for word in words { bytes += [UInt8(word & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word >> 16 & 0xFF), UInt8(word >> 24)] }
        _ = assembly?.appendMemory(address: base &+ offset, bytes: bytes, limit: options.maximumStackMemoryPerThread)
        assembly?.extend(to: line.number)
        win9xState = .stackDump(seenWords: true)
        return true
      }
      _ = seenWords
      finishAssembly(emit)
      return false
    }
  }

  // MARK: - Other formats

  private func finishShortStack(_ emit: (TextDecodingEvent) -> Void) {
    guard let collected = shortStack else { return }
    shortStack = nil
    var frames = ShortStackDump.frames(collected.text, lines: collected.lines)
    guard !frames.isEmpty else { return }
    CallStack.assignInstructionAddresses(&frames, architecture: .x86, contextInstructionPointer: nil)
    emitThread(
      CrashThread(
        architecture: .x86, architectureEvidence: ["the sql-short-stack format is printed only for x86"],
        frames: frames, format: .sqlShortStack, lines: collected.lines, label: "Short Stack Dump"), emit)
  }

  private func finishStackwalk(_ emit: (TextDecodingEvent) -> Void) {
    if let thread = stackwalk.finish() { emitThread(thread, emit) }
    if let thread = stackwalk.machineReadable.finish() { emitThread(thread, emit) }
  }

  private func finishVisualStudio(_ emit: (TextDecodingEvent) -> Void) {
    if let thread = visualStudio.finish() { emitThread(thread, emit) }
  }

  private func finishWin31(_ emit: (TextDecodingEvent) -> Void) {
    guard !win31Frames.isEmpty, let lines = win31Lines else { return }
    var frames = win31Frames
    for index in frames.indices { frames[index].index = index }
    win31Frames = []
    win31Lines = nil
    emitThread(
      CrashThread(
        architecture: .x86, architectureEvidence: ["Windows 3.1 Dr. Watson reports 16-bit x86 frames"],
        frames: frames, format: .win31DrWatson, lines: lines, label: "Stack Dump (stack)"), emit)
  }

  private func flushDrWatsonHeader(_ emit: (TextDecodingEvent) -> Void) {
    // Tested in place, then moved out: binding the optional would copy it on every call.
    guard case .some = drWatsonHeader, let header = drWatsonHeader.take() else { return }
    emit(.application(header.info))
    if let exception = header.exception { emit(.exception(exception)) }
  }

  // MARK: - Diagnostics

  private func report(_ severity: Diagnostic.Severity, _ message: String, line: Int?, _ emit: (TextDecodingEvent) -> Void) {
    report(Diagnostic(severity, message, line: line), emit)
  }

  private func report(_ diagnostic: Diagnostic, _ emit: (TextDecodingEvent) -> Void) {
    guard diagnosticCount < options.maximumDiagnostics else {
      suppressedDiagnostics += 1
      return
    }
    diagnosticCount += 1
    emit(.diagnostic(diagnostic))
  }
}
