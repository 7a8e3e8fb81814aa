//===--- TextReportWriter.swift - CrashReport as a WinDbg-style listing -----===//
//
// The human output of `analyse`: a summary, then each thread as a `kb`-style
// table (frame number, frame pointer, return address, parameters,
// module!function+offset, annotations), then modules, processes, events and
// diagnostics. Stable enough to diff: no timestamps, no machine-dependent text.
// Safe to print: control characters taken from the input (a file name holding
// ESC, a symbol name holding a carriage return) are shown as escapes.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Signatures

/// Renders a `CrashReport` for people.
public enum TextReportWriter {
  /// Options for the listing.
  public struct Options: Sendable {
    /// Show each frame's lookup address (the instruction address used for symbols).
    public var showInstructionAddresses = false
    /// Show register dumps.
    public var showRegisters = true
    /// For minidumps: show every thread, not only the crashed one.
    public var showAllThreads = false

    /// The default options.
    public init() {}
  }

  /// The report as text, without control characters other than newline and tab.
  public static func render(_ report: CrashReport, classification: Classification? = nil, options: Options = Options())
    -> String
  {
    var out = ""
    if let classification { findings(classification, &out) }
    summary(report, &out)
    // A minidump lists every thread of the process; by default only the crashed one is shown.
    let crashed = report.threads.firstIndex(where: \.isCrashed)
    let crashedOnly = report.input.kind == .minidump && !options.showAllThreads && crashed != nil
    for (index, thread) in report.threads.enumerated() where !crashedOnly || index == crashed {
      out += "\n"
      self.thread(thread, index: index, of: report.threads.count, options: options, &out)
    }
    if crashedOnly && report.threads.count > 1 {
      out += "\n\(report.threads.count - 1) other thread(s) not shown (--all-threads shows them).\n"
    }
    if !report.hasStack {
      out += "\nNo stack found.\n"
    }
    modules(report, &out)
    symbols(report, &out)
    if !report.processes.isEmpty {
      out += "\nProcesses (\(report.processes.count)):\n"
      for process in report.processes { out += "  \(pad(String(process.id), 5, right: true))  \(process.name)\n" }
    }
    events(report, &out)
    if !report.diagnostics.isEmpty {
      out += "\nDiagnostics (\(report.diagnostics.count)):\n"
      for diagnostic in report.diagnostics { out += "  \(diagnostic)\n" }
    }
    return TextLimits.printable(out)
  }

  // MARK: - Sections

  private static func summary(_ report: CrashReport, _ out: inout String) {
    let input = report.input
    var facts = [input.kind.rawValue]
    if let encoding = input.encoding { facts.append(encoding) }
    if let lines = input.lineCount { facts.append("\(lines) lines") }
    facts.append("\(input.byteCount) bytes")
    if let compression = input.compression {
      facts.append("\(compression)-compressed" + (input.compressedByteCount.map { " in \($0) bytes" } ?? ""))
    }
    out += "Input:        \(input.name) (\(facts.joined(separator: ", ")))\n"
    if let application = report.application {
      var text = application.name ?? "(unnamed)"
      if let pid = application.processID { text += " (pid \(pid))" }
      if let when = application.when { text += ", \(when)" }
      out += "Application:  \(text)\n"
    }
    for property in report.system where [
      "computer name", "processor type", "windows version", "current build", "service pack", "number of processors",
      "operating system", "cpu", "processors", "abi", "abort message", "cause", "sanitizer", "summary",
      "process", "os version", "hardware model", "termination reason", "distribution", "command line",
      "application specific information", "crash report", "moz_crash reason", "crash reason", "node.js version",
      "report trigger", "application", "application version", "device", "crashlytics issue", "sentry event", "release",
      "runtime",
    ].contains(property.key.lowercased()) {
      out += "System:       \(property.key): \(property.value)\n"
    }
    out += annotationRows(report.system, modules: report.modules)
    // A language's exception (Java's, Python's) is no signal: kept as properties, shown here.
    for property in report.system {
      switch property.key {
      case "Java exception", "Python exception", "JavaScript exception", "Objective-C exception", "C++ exception",
        "Exception reason":
        out += "Exception:    \(property.value)\n"
      case "Android ANR": out += "Exception:    Application Not Responding: \(property.value)\n"
      case "Memory error": out += "Error:        \(property.value)\n"
      case "Rust panic": out += "Exception:    \(property.value)\n"
      case "Rust error", "Node fatal error": out += "Error:        \(property.value)\n"
      case "Java root cause", "Python root cause", "JavaScript root cause": out += "Root cause:   \(property.value)\n"
      default: break
      }
    }
    if let exception = report.exception {
      var text = "0x" + HexFormat.digits(UInt64(exception.code.rawValue), width: 8)
      if let name = exception.code.name { text += " " + name }
      if let description = exception.description, description != exception.code.name { text += " (\(description))" }
      if let address = exception.address {
        // A word of the crashed thread's architecture: 16 digits on amd64 and arm64.
        let crashed = report.threads.first { $0.isCrashed } ?? report.threads.first
        if let size = crashed?.architecture.pointerSize, size == 8 {
          text += " at 0x" + HexFormat.digits(address.rawValue, width: 16)
        } else {
          text += " at \(address)"
        }
      }
      if let thread = exception.threadID { text += ", thread 0x" + String(thread, radix: 16) }
      out += "Exception:    \(text)\n"
    }
    for check in report.bugChecks {
      let parameters = check.parameters.map { $0.map { "0x" + HexFormat.digits($0, width: 8) } ?? "0x????????" }
      var text = "0x" + HexFormat.digits(UInt64(check.code), width: 8)
      if let name = check.name { text += " " + name }
      text += " (" + parameters.joined(separator: ", ") + ")"
      if let lines = check.lines { text += "  line \(lines)" }
      out += "STOP:         \(text)\n"
    }
    if let analysis = report.debuggerAnalysis {
      let fields: [(String, String?)] = [
        ("bucket", analysis.failureBucketID), ("symbol", analysis.symbolName), ("module", analysis.moduleName),
        ("image", analysis.imageName), ("process", analysis.processName), ("faulting IP", analysis.faultingIP),
      ]
      let shown = fields.compactMap { name, value in value.map { "\(name) \($0)" } }
      if !shown.isEmpty { out += "!analyze:     " + shown.joined(separator: "; ") + "\n" }
    }
    let stacks = report.threads.filter { !$0.frames.isEmpty }
    let architectures = Set(stacks.map(\.architecture))
    if !architectures.isEmpty {
      out += "Architecture: \(architectures.map(\.displayName).sorted().joined(separator: ", "))\n"
    }
    out += "Stacks:       \(stacks.count) with \(stacks.reduce(0) { $0 + $1.frames.count }) frames\n"
  }

  /// The most annotation rows the text shows (Chrome's process carries some fifty; JSON has all).
  static let maximumAnnotationRows = 24

  /// Crashpad's report id and annotations: `Annotation:   prod = Electron`,
  /// `Annotation:   libsystem_c.dylib: BUG IN CLIENT OF LIBDISPATCH…`.
  private static func annotationRows(_ system: [SystemProperty], modules: [CodeModule]) -> String {
    var out = ""
    var shown = 0
    var left = 0
    let prefix = MinidumpReportBuilder.annotationKeyPrefix
    for property in system {
      if property.key == "Crashpad report" {
        out += "Report:       Crashpad \(property.value)\n"
        continue
      }
      guard property.key.hasPrefix(prefix) else { continue }
      guard shown < maximumAnnotationRows else {
        left += 1
        continue
      }
      shown += 1
      var rest = property.key.dropFirst(prefix.count)
      if rest.hasPrefix(": ") {
        out += "Annotation:   \(rest.dropFirst(2)) = \(property.value)\n"
      } else if rest.hasPrefix(" (") {
        rest = rest.dropFirst(2)
        // `NAME): KEY` for a named annotation, `NAME)` for a module's list entry. NAME is a
        // module's file name, which may itself hold `): `: the longest module name the key
        // begins with decides where it ends.
        let named = modules.lazy.map { TextLimits.singleLine(Self.fileName($0.name)) }
          .filter { rest.hasPrefix($0 + "): ") || rest == $0 + ")" }.max { $0.count < $1.count }
        if let named {
          let after = rest.dropFirst(named.count + 1)
          out += after.isEmpty
            ? "Annotation:   \(named): \(property.value)\n"
            : "Annotation:   \(named): \(after.dropFirst(2)) = \(property.value)\n"
        } else if let close = rest.firstRange(of: "): ") {
          out += "Annotation:   \(rest[..<close.lowerBound]): \(rest[close.upperBound...]) = \(property.value)\n"
        } else {
          out += "Annotation:   \(rest.dropLast()): \(property.value)\n"
        }
      }
    }
    if left > 0 { out += "Annotation:   … and \(left) more (in the JSON report)\n" }
    return out
  }

  /// The last component of a Windows or POSIX path.
  private static func fileName(_ path: String) -> String {
    path.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init) ?? path
  }

  private static func thread(_ thread: CrashThread, index: Int, of count: Int, options: Options, _ out: inout String) {
    var title = "Thread \(index) of \(count)"
    if let id = thread.id { title += ", id 0x" + String(id, radix: 16) }
    if thread.isCrashed { title += " (crashed)" }
    title += " — \(thread.architecture.displayName)"
    if let format = thread.format { title += " — \(format.rawValue)" }
    if let lines = thread.lines { title += ", lines \(lines)" }
    out += title + "\n"
    if let label = thread.label { out += "  Label:        \(label)\n" }
    if !thread.architectureEvidence.isEmpty {
      out += "  Why \(thread.architecture.displayName): \(thread.architectureEvidence.joined(separator: "; "))\n"
    }
    if let fault = thread.fault {
      var text = fault.address.description
      if let disassembly = fault.disassembly { text += "  \(disassembly)" }
      if let function = fault.function { text += "  (in \(function))" }
      out += "  Fault:        \(text)\n"
    }
    if options.showRegisters, let context = thread.context {
      out += "  Registers"
      if let lines = thread.contextLines { out += " (lines \(lines))" }
      out += ":\n"
      let perLine = context.architecture == .alpha ? 4 : 6
      let values = context.namedValues
      var start = 0
      while start < values.count {
        let row = values[start..<min(start + perLine, values.count)].map { "\($0.name)=\(HexFormat.digits($0.value, width: $0.digits))" }
        out += "    " + row.joined(separator: " ") + "\n"
        start += perLine
      }
    }
    if !thread.frames.isEmpty { frames(thread, options: options, &out) }
    for region in thread.stackMemory {
      out += "  Stack memory: \(region.base) - \(region.end.map(\.description) ?? "?") (\(region.bytes.count) bytes)\n"
    }
  }

  private static func frames(_ thread: CrashThread, options: Options, _ out: inout String) {
    // Frames with no stack words at all (a Java, Python or Go stack, an oops' trace) print as
    // WinDbg's `kc` does: the number and the call site.
    if !options.showInstructionAddresses,
      !thread.frames.contains(where: { $0.framePointer != nil || $0.returnAddress != nil || !$0.parameters.isEmpty })
    {
      out += "   # Call Site\n"
      // Where the input numbered its rows, a frame it printed without a number (a name under
      // a numbered one) has none here either.
      let isNumbered = thread.frames.contains { $0.printedNumber != nil }
      for frame in thread.frames {
        let number = frame.printedNumber ?? (isNumbered ? nil : frame.index)
        var text = number.map { pad(String($0, radix: 16), 2, right: true, fill: "0") } ?? "  "
        text += " " + callSite(frame)
        if frame.isInlined { text += "  (inlined)" }
        out += "  " + text.trimmingTrailingBlanks() + "\n"
        sourceTextRow(frame, &out)
        inlinedRows(frame, &out)
      }
      return
    }
    // 64-bit threads print as WinDbg does on amd64 and arm64: `Child-SP`, words split by a backtick.
    let isWide =
      thread.architecture.pointerSize == 8
      || (thread.architecture == .unknown
        && thread.frames.contains { ($0.framePointer?.rawValue ?? 0) > UInt64(UInt32.max) || ($0.returnAddress?.rawValue ?? 0) > UInt64(UInt32.max) })
    let width = isWide ? 17 : 8
    // An argument list a debugger printed (Go's words) is shown whole after the name; its
    // first four words fill the columns, as a `kb` listing's four.
    let parameterCount =
      thread.frames.map { $0.parameterSource == .argumentList ? min($0.parameters.count, 4) : $0.parameters.count }.max() ?? 0
    let source = thread.frames.first { !$0.parameters.isEmpty }?.parameterSource ?? .none
    let isRISC = thread.architecture.hasFixedWidthInstructions && thread.architecture != .arm64
    // A listing read as Child-SP keeps that name, whatever its width, as does a 32-bit ARM walk.
    let isChildSP = thread.format == .childSP || thread.format == .childSPArgs || thread.architecture == .arm
    let stackTitle = isRISC ? "Callee-SP" : isWide || isChildSP ? "Child-SP" : "ChildEBP"
    var header = " # " + pad(stackTitle, width) + " " + pad(isRISC ? "Return-RA" : "RetAddr", width)
    if parameterCount > 0 {
      let title: String
      switch source {
      case .registers: title = "Arguments (a0-a3 of the unwound context: hints)"
      case .argumentList: title = "Arguments"
      case .rawStack: title = "Stack dwords"
      default: title = "Args to Child"
      }
      header += " " + title
    }
    if options.showInstructionAddresses { header = header.padding(toLength: 3 + (width + 1) * (2 + parameterCount)) + " Lookup  " }
    out += "  " + header.trimmingTrailingBlanks() + "\n"
    func word(_ value: UInt64?) -> String {
      guard let value else { return String(repeating: " ", count: width) }
      guard isWide else { return HexFormat.digits(value, width: 8) }
      return HexFormat.digits(value >> 32, width: 8) + "`" + HexFormat.digits(value & 0xFFFF_FFFF, width: 8)
    }
    for frame in thread.frames {
      var row = pad(String(frame.printedNumber ?? frame.index, radix: 16), 2, right: true, fill: "0") + " "
      if frame.isInlined {
        row += pad("(Inline Function)", width) + " " + (isWide ? "--------`--------" : "--------")
      } else {
        row += word(frame.framePointer?.rawValue) + " " + word(frame.returnAddress?.rawValue)
      }
      for position in 0..<parameterCount {
        let value = position < frame.parameters.count ? frame.parameters[position] : nil
        let present = position < frame.parameters.count
        row += " " + (present ? (value.map { isWide ? word($0) : HexFormat.digits($0, width: 8) } ?? (isWide ? "????????`????????" : "????????")) : String(repeating: " ", count: isWide ? width : 8))
      }
      if options.showInstructionAddresses {
        row += " " + word(frame.instruction?.rawValue)
      }
      out += "  " + (row + " " + callSite(frame)).trimmingTrailingBlanks() + "\n"
      sourceTextRow(frame, &out)
      inlinedRows(frame, &out)
    }
  }

  /// A frame's name as printed and as resolved, its source line, annotations and how it was found.
  private static func callSite(_ frame: StackFrame) -> String {
    var text = frame.symbol?.displayText ?? ""
    if let resolution = frame.resolution {
      switch resolution.agreement {
      case .supplied: text = text.isEmpty ? resolution.displayText : text + " = " + resolution.displayText
      case .confirmed: break
      case .mismatch: text += "  (map: \(resolution.displayText))"
      }
    }
    if let line = frame.sourceLine {
      if !text.isEmpty { text += " " }
      if let original = frame.original {
        // A script's place and, after `=`, where its source map says the code was written.
        text += "[\(line.file) @ \(line.line):\(line.column ?? 0)] ="
        if let function = original.function { text += " " + function }
        text += " [\(original.file) @ \(original.line):\(original.column)]"
      } else {
        text += line.file.isEmpty ? "Line \(line.line)" : "[\(line.file) @ \(line.line)]"
      }
    }
    for annotation in frame.annotations { text += " " + annotation.displayText }
    if frame.trust != .text { text += "  (found by \(frame.trust.phrase))" }
    return text
  }

  /// The original line a source map's sources give for a script frame, under its row.
  private static func sourceTextRow(_ frame: StackFrame, _ out: inout String) {
    if let text = frame.original?.sourceText { out += "       | " + text.drop { $0 == " " } + "\n" }
  }

  /// The functions inlined at a frame's address, innermost first as llvm-symbolizer prints
  /// them (the row above is the function they sit in).
  private static func inlinedRows(_ frame: StackFrame, _ out: inout String) {
    for inlined in frame.resolution?.lookup.inlinedFrames ?? [] {
      var line = "     inlined \(inlined.name)"
      if let source = inlined.sourceLine { line += " [\(source.file) @ \(source.line)]" }
      out += "  " + line + "\n"
    }
    // Functions that reached this one by tail calls, innermost first: gdb's tail-call frames.
    for caller in frame.resolution?.tailCallers ?? [] {
      let name = caller.lookup.function.name.isEmpty ? "<unknown>" : caller.lookup.function.name
      var line = "     tail call from \(frame.resolution?.module ?? "")!\(name)+\(HexFormat.prefixed(caller.offset))"
      if let source = caller.lookup.function.sourceLine { line += " [\(source.file) @ \(source.line)]" }
      out += "  " + line + "\n"
      for inlined in caller.lookup.inlinedFrames {
        var row = "       inlined \(inlined.name)"
        if let source = inlined.sourceLine { row += " [\(source.file) @ \(source.line)]" }
        out += "  " + row + "\n"
      }
    }
  }

  /// Known issues first: a verdict line each, then evidence and remedy.
  private static func findings(_ classification: Classification, _ out: inout String) {
    let shown = classification.findings
    for finding in shown {
      out += "Known issue:  \(finding.plugin) \(finding.title) — \(finding.confidence.rawValue)\n"
      for evidence in finding.evidence {
        let mark: String
        switch evidence.bearing {
        case .supports: mark = "+"
        case .contradicts: mark = "-"
        case .note: mark = "·"
        }
        var line = "  \(mark) \(evidence.text)"
        if evidence.isInference { line += " [inference]" }
        if evidence.isDefining { line += " [defining]" }
        if evidence.rulesOut { line += " [rules out]" }
        if let location = evidence.location { line += " — \(location.description)" }
        out += line + "\n"
      }
      if let remedy = finding.remedy {
        out += "  Remedy: \(remedy.summary)\n"
        if !remedy.files.isEmpty {
          let files = remedy.files.map { $0.name + ($0.version.map { " \($0)" } ?? "") }.joined(separator: ", ")
          out += "  Files: \(files)\n"
        }
      }
      out += "\n"
    }
    for note in classification.notes { out += "Note:         \(note)\n" }
    if let signature = classification.signature { out += "Signature:    \(signature)\n" }
    if !shown.isEmpty || !classification.notes.isEmpty || classification.signature != nil { out += "\n" }
  }

  private static func symbols(_ report: CrashReport, _ out: inout String) {
    guard !report.moduleSymbols.isEmpty else { return }
    out += "\nSymbols:\n"
    for status in report.moduleSymbols {
      var row = "  \(pad(status.module, 14)) \(status.status.rawValue)"
      if let origin = status.origin { row += "  \(origin.path)" }
      if let detail = status.detail { row += "  (\(detail))" }
      out += row + "\n"
    }
  }

  private static func modules(_ report: CrashReport, _ out: inout String) {
    guard !report.modules.isEmpty else { return }
    out += "\nModules (\(report.modules.count)):\n"
    for module in report.modules {
      let end = module.end.map { $0.hexDigits(8) } ?? "????????"
      var row = "  \(module.base.hexDigits(8)) - \(end)  \(pad(module.name, 14))"
      if let version = module.version { row += " \(version)" }
      if let path = module.path, path != module.name { row += "  \(path)" }
      out += row.trimmingTrailingBlanks() + "\n"
    }
  }

  private static func events(_ report: CrashReport, _ out: inout String) {
    guard !report.events.isEmpty else { return }
    out += "\nEvents (\(report.events.count)):\n"
    for record in report.events {
      var head = "  Event \(record.id)"
      if let source = record.source { head += "  \(source)" }
      if let type = record.type { head += "  \(type)" }
      if let category = record.category { head += "  [\(category)]" }
      if let lines = record.lines { head += lines.first == lines.last ? "  (line \(lines))" : "  (lines \(lines))" }
      out += head + "\n"
      if let description = record.description { out += wrap(description, indent: "    ", width: 100) }
    }
  }

  // MARK: - Helpers

  private static func column(_ value: UInt64?, _ width: Int) -> String {
    value.map { HexFormat.digits($0, width: width) } ?? String(repeating: " ", count: width)
  }

  private static func pad(_ text: String, _ width: Int, right: Bool = false, fill: Character = " ") -> String {
    guard text.count < width else { return text }
    let padding = String(repeating: fill, count: width - text.count)
    return right ? padding + text : text + padding
  }

  private static func wrap(_ text: String, indent: String, width: Int) -> String {
    var out = ""
    var current = indent
    for word in text.split(separator: " ").map(String.init) {
      if current.count + word.count + 1 > width && current.count > indent.count {
        out += current + "\n"
        current = indent
      }
      if current.count > indent.count { current += " " }
      current += word
    }
    if current.count > indent.count { out += current + "\n" }
    return out
  }
}

extension String {
  fileprivate func trimmingTrailingBlanks() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }

  fileprivate func padding(toLength length: Int) -> String {
    count >= length ? self : self + String(repeating: " ", count: length - count)
  }
}
