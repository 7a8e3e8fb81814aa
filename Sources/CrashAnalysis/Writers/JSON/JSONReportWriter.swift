//===--- JSONReportWriter.swift - CrashReport as documented JSON ------------===//
//
// The schema is docs/json-output.md. Rules: every field may be absent;
// addresses, offsets, codes and register values are "0x…" strings (8 hex digits
// for 32-bit values, 16 for wider); counts, ids of events and line numbers are
// numbers; keys appear in the documented order.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Signatures

/// Renders a `CrashReport` as JSON.
public enum JSONReportWriter {
  /// The version of the JSON schema this writer produces.
  public static let schemaVersion = 1

  /// The report as pretty-printed JSON text.
  public static func render(_ report: CrashReport, classification: Classification? = nil, tool: String? = nil) -> String {
    value(for: report, classification: classification, tool: tool).serialized(indent: 2) + "\n"
  }

  /// Writes the report as pretty-printed JSON to `stream`, the same text `render` returns,
  /// one thread, module, event or diagnostic at a time: a dump of thousands of threads or
  /// modules never has its whole JSON tree, or its whole text, in memory.
  public static func write(
    _ report: CrashReport, classification: Classification? = nil, tool: String? = nil, to stream: OutputStream
  ) {
    stream.write("{")
    for (position, (key, member)) in members(report, classification: classification, tool: tool).enumerated() {
      stream.write(position > 0 ? ",\n  " : "\n  ")
      stream.write(JSONValue.string(key).serialized(indent: 2) + ": ")
      switch member {
      case .value(let value):
        stream.write(value.serialized(indent: 2, level: 1))
      case .objects(let count, _) where count == 0:
        stream.write("[]")
      case .objects(let count, let element):
        stream.write("[")
        for index in 0..<count {
          stream.write(index > 0 ? ",\n    " : "\n    ")
          stream.write(element(index).serialized(indent: 2, level: 2))
        }
        stream.write("\n  ]")
      }
    }
    stream.write("\n}\n")
  }

  /// The report as a JSON tree.
  public static func value(for report: CrashReport, classification: Classification? = nil, tool: String? = nil) -> JSONValue {
    .object(
      members(report, classification: classification, tool: tool).map { key, member in
        switch member {
        case .value(let value): (key, value)
        case .objects(let count, let element): (key, .array((0..<count).map(element)))
        }
      })
  }

  /// A top-level member: a value, or an array of objects built one element at a time.
  private enum Member {
    case value(JSONValue)
    case objects(count: Int, element: (Int) -> JSONValue)
  }

  /// The top-level members in the documented order.
  private static func members(_ report: CrashReport, classification: Classification?, tool: String?) -> [(String, Member)] {
    var members: [(String, Member)] = [("schema_version", .value(.int(schemaVersion)))]
    if let tool { members.append(("tool", .value(.string(tool)))) }
    members.append(("input", .value(input(report.input))))
    if let classification {
      members.append(("findings", .value(.array(classification.findings.map(finding)))))
      if let signature = classification.signature { members.append(("signature", .value(.string(signature)))) }
      if !classification.notes.isEmpty {
        members.append(("plugin_notes", .value(.array(classification.notes.map(JSONValue.string)))))
      }
      if !classification.pluginErrors.isEmpty {
        members.append(("plugin_errors", .value(.array(classification.pluginErrors.map(pluginError)))))
      }
    }
    if let architecture = report.threads.first(where: { !$0.frames.isEmpty })?.architecture {
      members.append(("architecture", .value(.string(architecture.rawValue))))
    }
    members.append(("stack_found", .value(.bool(report.hasStack))))
    if let crashed = report.crashedThreadIndex { members.append(("crashed_thread", .value(.int(crashed)))) }
    if let application = report.application { members.append(("application", .value(self.application(application)))) }
    if !report.system.isEmpty {
      members.append(
        ("system", .value(.array(report.system.map { .object([("key", .string($0.key)), ("value", .string($0.value))]) }))))
    }
    if let exception = report.exception {
      let architecture = report.threads.first { $0.isCrashed }?.architecture ?? report.threads.first?.architecture ?? .unknown
      members.append(("exception", .value(self.exception(exception, architecture))))
    }
    if !report.bugChecks.isEmpty { members.append(("bug_checks", .value(.array(report.bugChecks.map(bugCheck))))) }
    if let analysis = report.debuggerAnalysis { members.append(("debugger_analysis", .value(debuggerAnalysis(analysis)))) }
    members.append(("threads", .objects(count: report.threads.count) { thread(report.threads[$0], index: $0) }))
    let architecture = report.threads.first { !$0.frames.isEmpty }?.architecture ?? report.threads.first?.architecture ?? .unknown
    members.append(("modules", .objects(count: report.modules.count) { module(report.modules[$0], architecture) }))
    if !report.moduleSymbols.isEmpty {
      members.append(("symbols", .objects(count: report.moduleSymbols.count) { moduleSymbols(report.moduleSymbols[$0]) }))
    }
    if !report.processes.isEmpty {
      members.append(
        ("processes", .value(.array(report.processes.map { .object([("pid", .int(Int($0.id))), ("name", .string($0.name))]) }))))
    }
    members.append(("events", .objects(count: report.events.count) { event(report.events[$0]) }))
    members.append(("diagnostics", .objects(count: report.diagnostics.count) { diagnostic(report.diagnostics[$0]) }))
    return members
  }

  // MARK: - Pieces

  /// A rule that was not loaded: `{"file", "line"?, "message"}`.
  static func pluginError(_ error: PluginLoadError) -> JSONValue {
    var members: [(String, JSONValue)] = [("file", .string(error.file))]
    if let line = error.line { members.append(("line", .int(line))) }
    members.append(("message", .string(error.message)))
    return .object(members)
  }

  /// A value as `0x` and 8 digits, or 16 when it needs them.
  static func hex(_ value: UInt64) -> JSONValue {
    .string("0x" + HexFormat.digits(value, width: value <= UInt64(UInt32.max) ? 8 : 16))
  }

  static func hex(_ address: Address) -> JSONValue { hex(address.rawValue) }

  /// An address or word of `architecture`: 16 digits on 64-bit ones (amd64, arm64), 8 on
  /// 32-bit ones, by value when the architecture is unknown.
  static func word(_ value: UInt64, _ architecture: Architecture) -> JSONValue {
    guard let size = architecture.pointerSize else { return hex(value) }
    return .string("0x" + HexFormat.digits(value, width: size * 2))
  }

  static func offset(_ value: UInt64) -> JSONValue { .string(HexFormat.prefixed(value)) }

  static func lines(_ range: LineRange) -> JSONValue {
    .object([("first", .int(range.first)), ("last", .int(range.last))])
  }

  private static func input(_ input: InputDescription) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("name", .string(input.name)), ("kind", .string(input.kind.rawValue)), ("bytes", .int(input.byteCount)),
    ]
    if let encoding = input.encoding { members.append(("encoding", .string(encoding))) }
    if let count = input.lineCount { members.append(("lines", .int(count))) }
    if let compression = input.compression { members.append(("compression", .string(compression))) }
    if let count = input.compressedByteCount { members.append(("compressed_bytes", .int(count))) }
    return .object(members)
  }

  private static func application(_ info: ApplicationInfo) -> JSONValue {
    var members: [(String, JSONValue)] = []
    if let name = info.name { members.append(("name", .string(name))) }
    if let pid = info.processID { members.append(("pid", .int(Int(pid)))) }
    if let when = info.when { members.append(("when", .string(when))) }
    if let range = info.lines { members.append(("lines", lines(range))) }
    return .object(members)
  }

  /// The exception; its address as a word of the crashed thread's architecture.
  private static func exception(_ exception: CrashException, _ architecture: Architecture) -> JSONValue {
    var members: [(String, JSONValue)] = [("code", hex(UInt64(exception.code.rawValue)))]
    if let name = exception.code.name { members.append(("name", .string(name))) }
    if let description = exception.description { members.append(("description", .string(description))) }
    if let address = exception.address { members.append(("address", word(address.rawValue, architecture))) }
    if let thread = exception.threadID { members.append(("thread_id", hex(UInt64(thread)))) }
    if let range = exception.lines { members.append(("lines", lines(range))) }
    return .object(members)
  }

  private static func bugCheck(_ check: BugCheck) -> JSONValue {
    var members: [(String, JSONValue)] = [("code", hex(UInt64(check.code)))]
    if let name = check.name { members.append(("name", .string(name))) }
    members.append(("parameters", .array(check.parameters.map { $0.map(hex) ?? .null })))
    if let range = check.lines { members.append(("lines", lines(range))) }
    return .object(members)
  }

  private static func debuggerAnalysis(_ analysis: DebuggerAnalysis) -> JSONValue {
    var members: [(String, JSONValue)] = []
    if let value = analysis.failureBucketID { members.append(("failure_bucket_id", .string(value))) }
    if let value = analysis.symbolName { members.append(("symbol_name", .string(value))) }
    if let value = analysis.moduleName { members.append(("module_name", .string(value))) }
    if let value = analysis.imageName { members.append(("image_name", .string(value))) }
    if let value = analysis.processName { members.append(("process_name", .string(value))) }
    if let code = analysis.bugCheckCode { members.append(("bugcheck_code", hex(UInt64(code)))) }
    if analysis.bugCheckParameters.contains(where: { $0 != nil }) {
      members.append(("bugcheck_parameters", .array(analysis.bugCheckParameters.map { $0.map(hex) ?? .null })))
    }
    if let code = analysis.exceptionCode { members.append(("exception_code", hex(UInt64(code)))) }
    if let value = analysis.faultingIP { members.append(("faulting_ip", .string(value))) }
    if let range = analysis.lines { members.append(("lines", lines(range))) }
    return .object(members)
  }

  private static func thread(_ thread: CrashThread, index: Int) -> JSONValue {
    var members: [(String, JSONValue)] = [("index", .int(index))]
    if let id = thread.id { members.append(("id", hex(UInt64(id)))) }
    members.append(("crashed", .bool(thread.isCrashed)))
    members.append(("architecture", .string(thread.architecture.rawValue)))
    members.append(("architecture_evidence", .array(thread.architectureEvidence.map(JSONValue.string))))
    if let format = thread.format { members.append(("format", .string(format.rawValue))) }
    if let label = thread.label { members.append(("label", .string(label))) }
    if let range = thread.lines { members.append(("lines", lines(range))) }
    if let context = thread.context {
      var registers: [(String, JSONValue)] = []
      for (name, value, digits) in context.namedValues {
        registers.append((name, .string("0x" + HexFormat.digits(value, width: digits))))
      }
      var contextMembers: [(String, JSONValue)] = [
        ("architecture", .string(context.architecture.rawValue)), ("registers", .object(registers)),
      ]
      if let range = thread.contextLines { contextMembers.append(("lines", lines(range))) }
      members.append(("context", .object(contextMembers)))
    }
    if let fault = thread.fault {
      var faultMembers: [(String, JSONValue)] = [("address", hex(fault.address))]
      if let disassembly = fault.disassembly { faultMembers.append(("disassembly", .string(disassembly))) }
      if let function = fault.function { faultMembers.append(("function", .string(function))) }
      if let range = fault.lines { faultMembers.append(("lines", lines(range))) }
      members.append(("fault", .object(faultMembers)))
    }
    members.append(("frames", .array(thread.frames.map { frame($0, thread.architecture) })))
    if !thread.stackMemory.isEmpty {
      members.append(
        ("stack_memory", .array(thread.stackMemory.map { .object([("base", hex($0.base)), ("size", .int($0.bytes.count))]) })))
    }
    return .object(members)
  }

  private static func frame(_ frame: StackFrame, _ architecture: Architecture) -> JSONValue {
    var members: [(String, JSONValue)] = [("index", .int(frame.index))]
    if let number = frame.printedNumber { members.append(("printed_number", .int(number))) }
    if let pointer = frame.framePointer { members.append(("frame_pointer", word(pointer.rawValue, architecture))) }
    if let address = frame.returnAddress { members.append(("return_address", word(address.rawValue, architecture))) }
    if let instruction = frame.instruction { members.append(("instruction", word(instruction.rawValue, architecture))) }
    if frame.isInlined { members.append(("inlined", .bool(true))) }
    members.append(("parameters", .array(frame.parameters.map { $0.map { word($0, architecture) } ?? .null })))
    members.append(("parameter_source", .string(frame.parameterSource.rawValue)))
    if let symbol = frame.symbol {
      if let module = symbol.module { members.append(("module", .string(module))) }
      if let function = symbol.function { members.append(("function", .string(function))) }
      if let offset = symbol.offset { members.append(("offset", self.offset(offset))) }
      if let address = symbol.address { members.append(("address", word(address.rawValue, architecture))) }
      if let moduleOffset = symbol.moduleOffset { members.append(("module_offset", self.offset(moduleOffset))) }
      if let base = symbol.moduleBase { members.append(("module_base", word(base.rawValue, architecture))) }
      if symbol.isUnresolved { members.append(("unresolved", .bool(true))) }
      members.append(("symbol", .string(symbol.displayText)))
      if let printed = symbol.printedText { members.append(("printed", .string(printed))) }
    }
    if let source = frame.sourceLine {
      // A Visual Studio call stack names the line without the file.
      if source.file.isEmpty {
        members.append(("source", .object([("line", .int(source.line))])))
      } else {
        var place: [(String, JSONValue)] = [("file", .string(source.file)), ("line", .int(source.line))]
        if let column = source.column { place.append(("column", .int(column))) }
        members.append(("source", .object(place)))
        members.append(("file", .string(source.file)))
      }
      members.append(("line", .int(source.line)))
    }
    if let original = frame.original {
      var place: [(String, JSONValue)] = []
      if let function = original.function { place.append(("function", .string(function))) }
      place += [("file", .string(original.file)), ("line", .int(original.line)), ("column", .int(original.column))]
      if let text = original.sourceText { place.append(("source_text", .string(text))) }
      if original.isIgnored { place.append(("ignored", .bool(true))) }
      place.append(("source_map", .string(original.sourceMap)))
      members.append(("original", .object(place)))
    }
    if let resolution = frame.resolution {
      members.append(("resolved", self.resolution(resolution)))
      let inlines = resolution.lookup.inlinedFrames
      if !inlines.isEmpty { members.append(("inlines", .array(inlines.map(symbolizedFunction)))) }
      if !resolution.tailCallers.isEmpty {
        members.append(("tail_calls", .array(resolution.tailCallers.map(tailCall))))
      }
    }
    if !frame.annotations.isEmpty {
      members.append(("annotations", .array(frame.annotations.map { .string($0.displayText) })))
    }
    members.append(("trust", .string(frame.trust.rawValue)))
    if let context = frame.context, frame.index > 0 {
      // Registers a walker recovered for this frame (frame 0's are the thread's context).
      var registers: [(String, JSONValue)] = []
      for (name, value, digits) in context.namedValues {
        registers.append((name, .string("0x" + HexFormat.digits(value, width: digits))))
      }
      members.append(("registers", .object(registers)))
    }
    if let range = frame.lines { members.append(("lines", lines(range))) }
    return .object(members)
  }

  static func finding(_ finding: Finding) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("plugin", .string(finding.plugin)), ("title", .string(finding.title)),
      ("confidence", .string(finding.confidence.rawValue)),
    ]
    members.append(
      (
        "evidence",
        .array(
          finding.evidence.map { evidence in
            var item: [(String, JSONValue)] = [("bearing", .string(evidence.bearing.rawValue)), ("text", .string(evidence.text))]
            if evidence.isInference { item.append(("inference", .bool(true))) }
            if evidence.isDefining { item.append(("defining", .bool(true))) }
            if evidence.rulesOut { item.append(("rules_out", .bool(true))) }
            if let location = evidence.location { item.append(("where", self.location(location))) }
            return .object(item)
          })
      ))
    if let remedy = finding.remedy {
      var item: [(String, JSONValue)] = [("summary", .string(remedy.summary))]
      if let fixed = remedy.fixedIn { item.append(("fixed_in", .string(fixed))) }
      if !remedy.files.isEmpty {
        item.append(
          (
            "files",
            .array(
              remedy.files.map { file in
                .object([("name", .string(file.name))] + (file.version.map { [("version", JSONValue.string($0))] } ?? []))
              })
          ))
      }
      members.append(("remedy", .object(item)))
    }
    return .object(members)
  }

  private static func location(_ location: EvidenceLocation) -> JSONValue {
    switch location {
    case .frame(let thread, let frame, let lines):
      return .object([("thread", .int(thread)), ("frame", .int(frame))] + (lines.map { [("lines", self.lines($0))] } ?? []))
    case .event(let index, let lines):
      return .object([("event", .int(index))] + (lines.map { [("lines", self.lines($0))] } ?? []))
    case .module(let index, let lines):
      return .object([("module", .int(index))] + (lines.map { [("lines", self.lines($0))] } ?? []))
    case .symbols(let module):
      return .object([("symbols_of", .string(module))])
    }
  }

  private static func resolution(_ resolution: FrameResolution) -> JSONValue {
    let lookup = resolution.lookup
    var members: [(String, JSONValue)] = [
      ("module", .string(resolution.module)),
      ("function", .string(lookup.function.name)),
      ("function_address", hex(resolution.functionAddress)),
      ("offset", offset(resolution.offset)),
    ]
    if let size = lookup.functionSize { members.append(("function_size", offset(size))) }
    if let file = lookup.function.file { members.append(("file", .string(file))) }
    if let line = lookup.function.line { members.append(("line", .int(line))) }
    if let column = lookup.function.column { members.append(("column", .int(column))) }
    members.append(("kind", .string(lookup.kind.rawValue)))
    members.append(("agreement", .string(resolution.agreement.rawValue)))
    members.append(("symbols_from", .string(lookup.origin.description)))
    return .object(members)
  }

  /// A function that reached the frame's by a tail call: where its jump left it, and its position.
  private static func tailCall(_ caller: TailCallFrame) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("address", hex(caller.address)), ("function", .string(caller.lookup.function.name)),
      ("offset", offset(caller.offset)),
    ]
    if let file = caller.lookup.function.file { members.append(("file", .string(file))) }
    if let line = caller.lookup.function.line { members.append(("line", .int(line))) }
    let inlines = caller.lookup.inlinedFrames
    if !inlines.isEmpty { members.append(("inlines", .array(inlines.map(symbolizedFunction)))) }
    return .object(members)
  }

  private static func symbolizedFunction(_ function: SymbolizedFunction) -> JSONValue {
    var members: [(String, JSONValue)] = [("function", .string(function.name))]
    if let file = function.file { members.append(("file", .string(file))) }
    if let line = function.line { members.append(("line", .int(line))) }
    if let column = function.column { members.append(("column", .int(column))) }
    return .object(members)
  }

  static func moduleSymbols(_ status: ModuleSymbols) -> JSONValue {
    var members: [(String, JSONValue)] = [("module", .string(status.module)), ("status", .string(status.status.rawValue))]
    if let origin = status.origin {
      members.append(("format", .string(origin.format.rawValue)))
      members.append(("path", .string(origin.path)))
    }
    if let detail = status.detail { members.append(("detail", .string(detail))) }
    return .object(members)
  }

  private static func module(_ module: CodeModule, _ architecture: Architecture) -> JSONValue {
    var members: [(String, JSONValue)] = [("name", .string(module.name))]
    if let path = module.path { members.append(("path", .string(module.path ?? path))) }
    members.append(("base", word(module.base.rawValue, architecture)))
    if let size = module.size { members.append(("size", offset(size))) }
    if let end = module.end { members.append(("end", word(end.rawValue, architecture))) }
    if let version = module.version { members.append(("version", .string(version))) }
    if let timestamp = module.timestamp { members.append(("timestamp", hex(UInt64(timestamp)))) }
    if let debugFile = module.debugFile { members.append(("debug_file", .string(debugFile))) }
    if let debugID = module.debugIdentifier { members.append(("debug_id", .string(debugID))) }
    if let codeID = module.codeIdentifier { members.append(("code_id", .string(codeID))) }
    if let range = module.lines { members.append(("lines", lines(range))) }
    return .object(members)
  }

  private static func event(_ record: EventRecord) -> JSONValue {
    var members: [(String, JSONValue)] = [("id", .int(Int(record.id)))]
    let optional: [(String, String?)] = [
      ("source", record.source), ("type", record.type), ("category", record.category), ("date", record.date),
      ("time", record.time), ("user", record.user), ("computer", record.computer), ("description", record.description),
    ]
    for (key, value) in optional { if let value { members.append((key, .string(value))) } }
    if let range = record.lines { members.append(("lines", lines(range))) }
    return .object(members)
  }

  private static func diagnostic(_ diagnostic: Diagnostic) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("severity", .string(diagnostic.severity.rawValue)), ("message", .string(diagnostic.message)),
    ]
    if let line = diagnostic.line { members.append(("line", .int(line))) }
    if let offset = diagnostic.offset { members.append(("offset", .int(offset))) }
    return .object(members)
  }
}
