//===--- CrashReportBuilder.swift - Decoder events into one CrashReport -----===//
//
// Collects the decoder's events and, at the end, links what only the whole
// input can link: the exception gets the
// fault address of the thread that faulted; a Dr. Watson event-log entry
// (`The exception generated was c0000005 at address …`) supplies the exception
// when the text had no Dr. Watson header.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Builds a `CrashReport` from the events of a `StackTextDecoder`.
public struct CrashReportBuilder {
  private var report: CrashReport
  private var looseRegisters: [(RegisterContext, LineRange)] = []
  /// Frames kept across all threads; a thread that would pass it is dropped.
  private let maximumFrames: Int
  /// Modules, processes, system properties, events and register dumps kept, each.
  private let maximumRecords: Int
  private var framesKept = 0
  private var droppedThreads = 0
  private var droppedFrames = 0
  private var droppedRecords = 0

  /// Starts a report for the named input. A report keeps at most `maximumFrames` frames
  /// (about a kilobyte each in memory) and `maximumRecords` of each other kind of record,
  /// so that a huge listing cannot exhaust memory; what is dropped is counted in a warning.
  public init(input: InputDescription, maximumFrames: Int = 250_000, maximumRecords: Int = 100_000) {
    report = CrashReport(input: input)
    self.maximumFrames = maximumFrames
    self.maximumRecords = maximumRecords
  }

  /// Whether another record fits beside `count` of its kind; counts it as dropped when not.
  private mutating func fits(_ count: Int) -> Bool {
    if count < maximumRecords { return true }
    droppedRecords += 1
    return false
  }

  /// Adds one decoder event.
  public mutating func add(_ event: TextDecodingEvent) {
    switch event {
    case .application(let info):
      if report.application == nil {
        report.application = info
      } else if let line = info.lines?.first {
        report.diagnostics.append(
          Diagnostic(.note, "another Dr. Watson crash record starts here; its threads are included", line: line))
      }
    case .exception(let exception):
      if report.exception == nil {
        report.exception = exception
      } else if let held = report.exception, held.code == exception.code, held.description == nil, exception.description != nil {
        // The same exception told again with more (WER's e0434352, then .NET's type and message).
        report.exception = exception
      }
    case .systemProperty(let property): if fits(report.system.count) { report.system.append(property) }
    case .process(let process): if fits(report.processes.count) { report.processes.append(process) }
    case .module(let module): if fits(report.modules.count) { report.modules.append(module) }
    case .thread(let thread):
      guard framesKept + thread.frames.count <= maximumFrames, report.threads.count < maximumRecords else {
        droppedThreads += 1
        droppedFrames += thread.frames.count
        return
      }
      framesKept += thread.frames.count
      report.threads.append(thread)
    case .registers(let context, let lines): if fits(looseRegisters.count) { looseRegisters.append((context, lines)) }
    case .event(let record): if fits(report.events.count) { report.events.append(record) }
    case .bugCheck(let check):
      if !report.bugChecks.contains(where: { $0.code == check.code && $0.parameters == check.parameters }) {
        report.bugChecks.append(check)
      }
    case .diagnostic(let diagnostic): report.diagnostics.append(diagnostic)
    case .analysisField(let field, let line):
      var analysis = report.debuggerAnalysis ?? DebuggerAnalysis()
      analysis.record(field, line: line)
      report.debuggerAnalysis = analysis
    }
  }

  /// Finishes the report.
  public mutating func build(lineCount: Int? = nil) -> CrashReport {
    report.input.lineCount = lineCount ?? report.input.lineCount
    // The bug check and exception `!analyze` named, when nothing else in the text did.
    if let analysis = report.debuggerAnalysis {
      if let code = analysis.bugCheckCode, !report.bugChecks.contains(where: { $0.code == code }) {
        report.bugChecks.append(
          BugCheck(code: code, parameters: analysis.bugCheckParameters, name: analysis.bugCheckName, lines: analysis.lines))
      }
      if let code = analysis.exceptionCode, report.exception == nil {
        report.exception = CrashException(code: ExceptionCode(rawValue: code), lines: analysis.lines)
      }
    }
    if droppedThreads > 0 {
      report.diagnostics.append(
        Diagnostic(
          .warning,
          "\(droppedThreads) stack(s) with \(droppedFrames) frame(s) were not kept: the report holds at most \(maximumFrames) frames"))
    }
    if droppedRecords > 0 {
      report.diagnostics.append(
        Diagnostic(.warning, "\(droppedRecords) record(s) were not kept: at most \(maximumRecords) of each kind are"))
    }
    report.threads.sort { ($0.lines?.first ?? 0) < ($1.lines?.first ?? 0) }
    readModuleOffsets()
    attachLooseRegisters()
    if report.exception == nil { report.exception = exceptionFromDrWatsonEvent()?.exception }
    if !report.hasStack, let thread = threadFromDrWatsonEvent() { report.threads.append(thread) }
    if var exception = report.exception, exception.address == nil,
      let faulting = report.threads.first(where: { $0.fault != nil })
    {
      exception.address = faulting.fault?.address
      exception.threadID = exception.threadID ?? faulting.id
      report.exception = exception
    }
    flagCrashedThread()
    preferManagedStack()
    report.diagnostics.sort { ($0.line ?? 0, $0.offset ?? 0) < ($1.line ?? 0, $1.offset ?? 0) }
    return report
  }

  /// A .NET exception's managed stack says more than WER's one frame of the same crash (the
  /// CLR raising e0434352 in KERNELBASE): with both in the text, the managed stack is the
  /// crashed one.
  private mutating func preferManagedStack() {
    guard report.threads.contains(where: { $0.format == .dotnet && $0.isCrashed }) else { return }
    for index in report.threads.indices where report.threads[index].format == .windowsErrorReport {
      report.threads[index].isCrashed = false
    }
  }

  /// The thread the text says crashed: the one whose listing marks the faulting instruction
  /// (Dr. Watson's `FAULT ->`), else the one with frames whose id the exception names. A text
  /// that says neither flags none (`CrashReport.crashedThreadIndex` then takes the first stack).
  private mutating func flagCrashedThread() {
    let index =
      report.threads.firstIndex { $0.fault != nil && !$0.frames.isEmpty }
      ?? report.exception?.threadID.flatMap { id in report.threads.firstIndex { $0.id == id && !$0.frames.isEmpty } }
    if let index { report.threads[index].isCrashed = true }
  }

  /// WinDbg prints a frame in a module it has no symbols for as `MODULE+0xoffset`, which reads
  /// like a function named after the module. When the text lists that module (`lm`, a module
  /// list) and the frame's address, if known, falls inside it, the frame is read as the module
  /// and an offset into it; frame 0 without an address is then at base + offset.
  private mutating func readModuleOffsets() {
    readAnalyzedModuleOffsets()
    guard !report.modules.isEmpty else { return }
    var byName: [String: CodeModule] = [:]
    for module in report.modules where module.size != nil {
      byName[module.name.lowercased()] = byName[module.name.lowercased()] ?? module
      byName[module.stem.lowercased()] = byName[module.stem.lowercased()] ?? module
    }
    guard !byName.isEmpty else { return }
    for threadIndex in report.threads.indices {
      for frameIndex in report.threads[threadIndex].frames.indices {
        let frame = report.threads[threadIndex].frames[frameIndex]
        guard let symbol = frame.symbol, symbol.module == nil, symbol.address == nil, symbol.moduleOffset == nil,
          let function = symbol.function, let offset = symbol.offset, let module = byName[function.lowercased()],
          let size = module.size, offset < size
        else { continue }
        if let instruction = frame.instruction, !module.contains(instruction) { continue }
        var replaced = FrameSymbol(
          module: function, moduleOffset: offset, moduleBase: module.base, isUnresolved: symbol.isUnresolved)
        replaced.printedText = symbol.printedText
        report.threads[threadIndex].frames[frameIndex].symbol = replaced
        if frame.instruction == nil, frame.index == 0 {
          report.threads[threadIndex].frames[frameIndex].instruction = module.base.adding(offset)
        }
      }
    }
  }

  /// `!analyze -v` names the module it blames (`MODULE_NAME: ledgerflt`, `IMAGE_NAME:
  /// ledgerflt.sys`): a frame printed `ledgerflt+0x1b2c` is that module and an offset into it,
  /// not a function of that name, even with no module list to say so.
  private mutating func readAnalyzedModuleOffsets() {
    guard let analysis = report.debuggerAnalysis else { return }
    let names = Set([analysis.moduleName, analysis.imageName.map(ModuleName.stem)].compactMap { $0?.lowercased() })
    guard !names.isEmpty else { return }
    for threadIndex in report.threads.indices {
      for frameIndex in report.threads[threadIndex].frames.indices {
        guard let symbol = report.threads[threadIndex].frames[frameIndex].symbol, symbol.module == nil, symbol.address == nil,
          symbol.moduleOffset == nil, let function = symbol.function, let offset = symbol.offset,
          names.contains(function.lowercased())
        else { continue }
        var replaced = FrameSymbol(module: function, moduleOffset: offset, isUnresolved: symbol.isUnresolved)
        replaced.printedText = symbol.printedText
        report.threads[threadIndex].frames[frameIndex].symbol = replaced
      }
    }
  }

  /// Register dumps printed outside a Dr. Watson state dump (kd's `!trap`, ntsd's `r`)
  /// become threads of their own: a trap frame's registers are not the listing's
  /// frame 0, so attaching them to a nearby listing would claim too much. A dump whose
  /// instruction pointer is a frame's own instruction (Chromium's handler prints the faulting
  /// frame's registers after the stack that holds it) belongs to that frame's stack.
  private mutating func attachLooseRegisters() {
    for (context, lines) in looseRegisters {
      if let pc = context.instructionPointer,
        let owner = report.threads.firstIndex(where: { thread in
          thread.context == nil && (thread.architecture == context.architecture || thread.architecture == .unknown)
            && thread.frames.contains { $0.instruction?.rawValue == pc }
        })
      {
        report.threads[owner].context = context
        report.threads[owner].contextLines = lines
        continue
      }
      report.threads.append(
        CrashThread(
          architecture: context.architecture,
          architectureEvidence: ["a \(context.architecture.displayName) register dump"],
          context: context, contextLines: lines, lines: lines, label: "register dump"))
    }
    report.threads.sort { ($0.lines?.first ?? 0) < ($1.lines?.first ?? 0) }
  }

  /// `The exception generated was c0000005 at address 0041b2a9 (EMSMTA!…)` in a
  /// DrWatson event-log entry (event 4097): the exception, and what the entry printed for
  /// the address (`(CmnBptMessage::cleanTNEF)`, `(ntdll!RtlpWaitForCriticalSection)`,
  /// `(<nosymbols>)`).
  private func exceptionFromDrWatsonEvent() -> (exception: CrashException, symbol: Substring?)? {
    for record in report.events {
      guard let text = record.description, let range = text.rangeIgnoringCase(of: "exception generated was ") else {
        continue
      }
      let words = text[range.upperBound...].split(separator: " ")
      guard let code = words.first.flatMap({ UInt32($0, radix: 16) }) else { continue }
      var exception = CrashException(code: ExceptionCode(rawValue: code), lines: record.lines)
      var symbol: Substring?
      if words.count >= 4, words[1] == "at", words[2] == "address",
        let address = UInt64(words[3].prefix { $0.isHexDigit }, radix: 16)
      {
        exception.address = Address(address)
        if words.count >= 5, words[4].hasPrefix("(") {
          var printed = words[4].dropFirst()
          while let last = printed.last, last == "." || last == ")" { printed = printed.dropLast() }
          symbol = printed
        }
      }
      return (exception, symbol)
    }
    return nil
  }

  /// A Dr. Watson event-log entry pasted without its log: the faulting address as a
  /// one-frame stack, named as the entry named it.
  private func threadFromDrWatsonEvent() -> CrashThread? {
    guard let (exception, printed) = exceptionFromDrWatsonEvent(), let address = exception.address, let lines = exception.lines else {
      return nil
    }
    var symbol = FrameSymbol(address: address, isUnresolved: true, printedText: printed.map(String.init))
    if let printed, !printed.isEmpty, printed != "<nosymbols>", printed.utf8.count <= 512 {
      if let bang = printed.firstIndex(of: "!") {
        symbol = FrameSymbol(module: String(printed[..<bang]), function: String(printed[printed.index(after: bang)...]))
      } else {
        symbol = FrameSymbol(function: String(printed))
      }
      symbol.printedText = String(printed)
    }
    let frame = StackFrame(index: 0, instruction: address, symbol: symbol, trust: .text, lines: lines)
    return CrashThread(
      id: exception.threadID, architectureEvidence: ["a Dr. Watson event-log entry names no processor"], frames: [frame],
      format: .windowsErrorReport, lines: lines, label: "Dr. Watson event 4097 (the faulting address)", isCrashed: true)
  }
}
