//===--- ReportJSONReader.swift - A report back from its JSON ----------------===//
//
// An external plugin receives the report as JSON (docs/json-output.md). A
// Swift one (ExternalPluginHost) turns it back into the CrashReport that
// `SignaturePlugin` takes: threads and frames (with the names the symbol maps
// resolved, as `symbol` when the listing printed none), modules, which symbol
// files were used, events and the exception — what FrameView and the plugins
// read. Registers, memory and
// the debugger's analysis are not carried back. Values that do not parse are
// left out, never trapped on.
//
//===----------------------------------------------------------------------===//

/// Reads a report written by `JSONReportWriter` back into a `CrashReport`.
public enum ReportJSONReader {
  /// The report in `value` (the top-level object of `analyse --json`).
  public static func report(from value: JSONValue) -> CrashReport {
    let inputValue = value["input"]
    var report = CrashReport(
      input: InputDescription(
        name: inputValue?["name"]?.stringValue ?? "report",
        kind: inputValue?["kind"]?.stringValue.flatMap(InputDescription.Kind.init(rawValue:)) ?? .text,
        byteCount: max(0, inputValue?["bytes"]?.intValue ?? 0)))
    if case .array(let threads)? = value["threads"] {
      report.threads = threads.prefix(100_000).map(thread)
    }
    if case .array(let modules)? = value["modules"] {
      report.modules = modules.prefix(100_000).compactMap(module)
    }
    if case .array(let statuses)? = value["symbols"] {
      report.moduleSymbols = statuses.prefix(100_000).compactMap { (status: JSONValue) -> ModuleSymbols? in
        guard let module = status["module"]?.stringValue,
          let state = status["status"]?.stringValue.flatMap({ ModuleSymbols.Status(rawValue: $0) })
        else { return nil }
        let format = status["format"]?.stringValue.flatMap { SymbolSourceOrigin.Format(rawValue: $0) }
        let origin = format.flatMap { format in status["path"]?.stringValue.map { SymbolSourceOrigin(format: format, path: $0) } }
        return ModuleSymbols(module: module, status: state, origin: origin, detail: status["detail"]?.stringValue)
      }
    }
    if case .array(let events)? = value["events"] {
      report.events = events.prefix(100_000).compactMap { (event: JSONValue) -> EventRecord? in
        guard let id = event["id"]?.intValue, id >= 0, id <= Int(UInt32.max) else { return nil }
        return EventRecord(
          id: UInt32(id), source: event["source"]?.stringValue, type: event["type"]?.stringValue,
          description: event["description"]?.stringValue, lines: lines(event["lines"]))
      }
    }
    if let exception = value["exception"], let code = number(exception["code"]), code <= UInt64(UInt32.max) {
      report.exception = CrashException(
        code: ExceptionCode(rawValue: UInt32(code)), description: exception["description"]?.stringValue,
        address: number(exception["address"]).map { Address($0) },
        threadID: number(exception["thread_id"]).flatMap { $0 <= UInt64(UInt32.max) ? UInt32($0) : nil })
    }
    return report
  }

  private static func thread(_ value: JSONValue) -> CrashThread {
    var frames: [StackFrame] = []
    if case .array(let items)? = value["frames"] {
      frames = items.prefix(100_000).enumerated().map { index, item in frame(item, index: index) }
    }
    return CrashThread(
      id: number(value["id"]).flatMap { $0 <= UInt64(UInt32.max) ? UInt32($0) : nil },
      architecture: value["architecture"]?.stringValue.flatMap(Architecture.init(rawValue:)) ?? .unknown,
      frames: frames, lines: lines(value["lines"]), label: value["label"]?.stringValue,
      isCrashed: value["crashed"] == .bool(true))
  }

  private static func frame(_ value: JSONValue, index: Int) -> StackFrame {
    var parameters: [UInt64?] = []
    if case .array(let items)? = value["parameters"] { parameters = items.prefix(64).map(number) }
    // The resolved name when there is one (a dump's frames have no other), else the printed one.
    let resolved = value["resolved"]
    let module = resolved?["module"]?.stringValue ?? value["module"]?.stringValue
    let function = resolved?["function"]?.stringValue ?? value["function"]?.stringValue
    let offset = number(resolved?["offset"]) ?? number(value["offset"])
    var symbol: FrameSymbol?
    if module != nil || function != nil {
      symbol = FrameSymbol(module: module, function: function, offset: offset, moduleOffset: number(value["module_offset"]))
    }
    let framePointer: Address? = number(value["frame_pointer"]).map { Address($0) }
    let returnAddress: Address? = number(value["return_address"]).map { Address($0) }
    let instruction: Address? = number(value["instruction"]).map { Address($0) }
    let source: ParameterSource = value["parameter_source"]?.stringValue.flatMap { ParameterSource(rawValue: $0) } ?? .none
    let trust: FrameTrust = value["trust"]?.stringValue.flatMap { FrameTrust(rawValue: $0) } ?? .none
    var frame = StackFrame(
      index: value["index"]?.intValue ?? index, framePointer: framePointer, returnAddress: returnAddress,
      instruction: instruction, parameters: parameters, parameterSource: source, symbol: symbol, trust: trust,
      lines: lines(value["lines"]), isInlined: value["inlined"] == JSONValue.bool(true))
    if case .array(let annotations)? = value["annotations"],
      annotations.contains(.string(FrameAnnotation.namedByCallSite.displayText))
    {
      frame.annotations = [FrameAnnotation.namedByCallSite]
    }
    return frame
  }

  private static func module(_ value: JSONValue) -> CodeModule? {
    guard let name = value["name"]?.stringValue, let base = number(value["base"]) else { return nil }
    return CodeModule(
      name: name, path: value["path"]?.stringValue, base: Address(base), size: number(value["size"]),
      version: value["version"]?.stringValue, debugFile: value["debug_file"]?.stringValue,
      debugIdentifier: value["debug_id"]?.stringValue, lines: lines(value["lines"]))
  }

  private static func lines(_ value: JSONValue?) -> LineRange? {
    guard let first = value?["first"]?.intValue, let last = value?["last"]?.intValue, first >= 0, last >= first else { return nil }
    return LineRange(first, last)
  }

  /// `"0x…"` strings and plain integers.
  private static func number(_ value: JSONValue?) -> UInt64? {
    guard let value else { return nil }
    if let integer = value.intValue { return integer >= 0 ? UInt64(integer) : nil }
    guard let text = value.stringValue, text.hasPrefix("0x") else { return nil }
    return UInt64(text.dropFirst(2), radix: 16)
  }
}
