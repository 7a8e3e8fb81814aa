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

  /// Starts a report for the named input.
  public init(input: InputDescription) {
    report = CrashReport(input: input)
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
      if report.exception == nil { report.exception = exception }
    case .systemProperty(let property): report.system.append(property)
    case .process(let process): report.processes.append(process)
    case .module(let module): report.modules.append(module)
    case .thread(let thread): report.threads.append(thread)
    case .registers(let context, let lines): looseRegisters.append((context, lines))
    case .event(let record): report.events.append(record)
    case .bugCheck(let check):
      if !report.bugChecks.contains(where: { $0.code == check.code && $0.parameters == check.parameters }) {
        report.bugChecks.append(check)
      }
    case .diagnostic(let diagnostic): report.diagnostics.append(diagnostic)
    }
  }

  /// Finishes the report.
  public mutating func build(lineCount: Int? = nil) -> CrashReport {
    report.input.lineCount = lineCount ?? report.input.lineCount
    report.threads.sort { ($0.lines?.first ?? 0) < ($1.lines?.first ?? 0) }
    attachLooseRegisters()
    if report.exception == nil { report.exception = exceptionFromDrWatsonEvent() }
    if var exception = report.exception, exception.address == nil,
      let faulting = report.threads.first(where: { $0.fault != nil })
    {
      exception.address = faulting.fault?.address
      exception.threadID = exception.threadID ?? faulting.id
      report.exception = exception
    }
    report.diagnostics.sort { ($0.line ?? 0, $0.offset ?? 0) < ($1.line ?? 0, $1.offset ?? 0) }
    return report
  }

  /// Register dumps printed outside a Dr. Watson state dump (kd's `!trap`, ntsd's `r`)
  /// become threads of their own: a trap frame's registers are not the listing's
  /// frame 0, so attaching them to a nearby listing would claim too much.
  private mutating func attachLooseRegisters() {
    for (context, lines) in looseRegisters {
      report.threads.append(
        CrashThread(
          architecture: context.architecture,
          architectureEvidence: ["a \(context.architecture.displayName) register dump"],
          context: context, contextLines: lines, lines: lines, label: "register dump"))
    }
    report.threads.sort { ($0.lines?.first ?? 0) < ($1.lines?.first ?? 0) }
  }

  /// `The exception generated was c0000005 at address 0041b2a9 (EMSMTA!…)` in a
  /// DrWatson event-log entry (event 4097).
  private func exceptionFromDrWatsonEvent() -> CrashException? {
    for record in report.events {
      guard let text = record.description, let range = text.rangeIgnoringCase(of: "exception generated was ") else {
        continue
      }
      let words = text[range.upperBound...].split(separator: " ")
      guard let code = words.first.flatMap({ UInt32($0, radix: 16) }) else { continue }
      var exception = CrashException(code: ExceptionCode(rawValue: code), lines: record.lines)
      if words.count >= 4, words[1] == "at", words[2] == "address",
        let address = UInt64(words[3].prefix { $0.isHexDigit }, radix: 16)
      {
        exception.address = Address(address)
      }
      return exception
    }
    return nil
  }
}
