//===--- NodeDiagnosticReportBuilder.swift - Node.js's diagnostic report -----===//
//
// Node.js writes a diagnostic report (`node --report-uncaught-exception`,
// `--report-on-fatalerror`, `--report-on-signal`, `process.report.writeReport()`)
// as one JSON object (doc/api/report.md, src/node_report.cc):
//
//   {
//     "header": {"reportVersion": 4, "event": "Exception", "trigger": "Exception",
//                "processId": 4158, "commandLine": ["node", "ledger.js"], "nodejsVersion": "v20.20.2",
//                "arch": "x64", "platform": "linux", "osName": "Linux", "osRelease": "6.1.0", …},
//     "javascriptStack": {"message": "TypeError: Cannot read properties of undefined (reading 'length')",
//                         "stack": ["at closeBook (/srv/ledger.js:1:46)", …], "errorProperties": {}},
//     "nativeStack": [{"pc": "0x0000000000d59a08", "symbol": " [node]"},
//                     {"pc": "0x0000000000d5c4fa", "symbol": "node::TriggerNodeReport(…) [node]"}, …],
//     "workers": [ {a report of each worker thread, its own "javascriptStack"} ],
//     "javascriptHeap": {…}, "libuv": […], "sharedObjects": ["/lib/x86_64-linux-gnu/libc.so.6", …], …
//   }
//
// The trigger says what the report is: `Exception` an uncaught exception (the
// JavaScript stack is the crash, the native stack only the way into the report's
// writer); `FatalError` or `OOMError` a fatal error in native code (`event` the
// reason, `Allocation failed - JavaScript heap out of memory`; the JavaScript
// stack is `No stack.`, the native stack is the crash); `Signal`, `API` and
// `GetReport` a report asked for while the process ran (nothing crashed). The
// JavaScript stack is read as Node prints it (StackText's JavaScriptStack), the
// native one as its fatal-error stack (NodeNativeStack): a report reads as the
// text it stands for, without line numbers (there are none to point at).
//
//===----------------------------------------------------------------------===//

import CrashCore
import JSONText
import StackText

/// Builds a report from a Node.js diagnostic report.
enum NodeDiagnosticReportBuilder {
  /// Whether `prefix` (an input's first bytes) opens a Node.js diagnostic report: a JSON object
  /// whose first member is `header` and which names `reportVersion` in its first KiB.
  static func mayBe(_ prefix: [UInt8]) -> Bool {
    let head = prefix.prefix(1024)
    guard let key = JSONInputPrefix.firstKey(head) else { return false }
    return key.elementsEqual("\"header\"".utf8) && JSONInputPrefix.contains(head, "\"reportVersion\"")
  }

  /// What the errors call the format.
  static let format = "Node.js diagnostic report"

  /// The largest report read (Node's are tens of KiB; its JSON is held as a tree).
  static let maximumSize = 64 << 20

  /// The most frames a stack, and workers, read.
  static let maximumFrames = 4096
  static let maximumWorkers = 256

  /// The report of the diagnostic report in `bytes`; an error naming the byte offset where its
  /// JSON is not well formed, or what it lacks.
  static func report(_ bytes: [UInt8], name: String) throws(AnalysisError) -> CrashReport {
    guard bytes.count <= maximumSize else { throw .tooLarge(path: name, size: bytes.count, limit: maximumSize) }
    // What a report does not show is checked as JSON and not built.
    let omitted = [
      "environmentVariables", "javascriptHeap", "libuv", "sharedObjects", "resourceUsage", "uvthreadResourceUsage",
      "userLimits", "cpus", "networkInterfaces", "componentVersions",
    ]
    let root: JSONValue
    do {
      root = try JSONValue.parse(bytes, omittingMembers: omitted)
    } catch {
      throw .damaged(path: name, offset: error.offset, format: Self.format, reason: "it is not JSON: \(error.reason)")
    }
    guard case .object? = root["header"], let header = root["header"], header["reportVersion"]?.intValue != nil else {
      throw .damaged(path: name, offset: 0, format: Self.format, reason: "it has no header with a reportVersion")
    }
    let trigger = header["trigger"]?.stringValue ?? ""
    let event = header["event"]?.stringValue.map { TextLimits.singleLine(TextLimits.capped($0, maximumBytes: 512)) } ?? ""
    let kind = Trigger(trigger)
    let architecture = header["arch"]?.stringValue.flatMap(Self.architecture) ?? .unknown
    let evidence = header["arch"]?.stringValue.map { ["the report's header names arch \(TextLimits.capped($0, maximumBytes: 32))"] }
      ?? ["the report's header names no arch"]

    // The JavaScript stack as Node prints it, decoded as such (its exception and chain of causes).
    let input = InputDescription(
      name: name, kind: .nodeReport, byteCount: bytes.count, lineCount: bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 })
    var report = javascript(root["javascriptStack"]) ?? CrashReport(input: input)
    report.input = input
    report.system = properties(header) + report.system
    for index in report.threads.indices {
      report.threads[index].label = "JavaScript stack"
      report.threads[index].isCrashed = kind == .exception && index == 0
    }
    if kind != .exception {
      // What the JavaScript stack's line names is no error then (`Error [ERR_SYNTHETIC]: JavaScript
      // Callstack` for a report asked for by the program).
      report.exception = nil
      report.system.removeAll { $0.key.hasPrefix("JavaScript ") }
    }

    let native = nativeThread(root["nativeStack"], architecture: architecture, evidence: evidence, crashed: kind == .fatalError)
    if let native {
      if kind == .fatalError {
        if !event.isEmpty { report.system.append(SystemProperty(key: "Node fatal error", value: event)) }
        report.threads.insert(native, at: 0)
      } else {
        report.threads.append(native)
      }
    }
    if case .array(let workers)? = root["workers"] {
      for (index, worker) in workers.prefix(maximumWorkers).enumerated() {
        guard let part = javascript(worker["javascriptStack"]) else { continue }
        for var thread in part.threads.prefix(1) {
          let id = worker["header"]?["threadId"]?.intValue.map { " (thread \($0))" } ?? ""
          thread.label = "Worker \(index + 1)\(id) JavaScript stack"
          thread.isCrashed = false
          report.threads.append(thread)
        }
      }
    }
    switch kind {
    case .exception, .fatalError:
      if report.crashedThreadIndex == nil {
        report.diagnostics.append(Diagnostic(.warning, "the report's \(kind == .exception ? "JavaScript" : "native") stack is empty"))
      }
    case .request(let name):
      report.diagnostics.append(
        Diagnostic(
          .note,
          "the report was asked for (trigger \(name)\(event.isEmpty ? "" : ", event \(event)")) while the process ran: nothing crashed"))
    }
    return report
  }

  /// What made Node write the report.
  private enum Trigger: Equatable {
    /// An uncaught exception: the JavaScript stack is the crash.
    case exception
    /// A fatal error in native code (V8's heap exhausted, a failed check): the native stack is.
    case fatalError
    /// A signal, `process.report.writeReport()` or `getReport()`: no crash.
    case request(String)

    init(_ trigger: String) {
      switch trigger {
      case "Exception", "UnhandledRejection": self = .exception
      case "FatalError", "OOMError": self = .fatalError
      default: self = .request(trigger.isEmpty ? "unnamed" : TextLimits.singleLine(TextLimits.capped(trigger, maximumBytes: 64)))
      }
    }
  }

  /// The JavaScript stack decoded as Node prints it (the message, then each frame `    at …`):
  /// its thread, and the error's exception and properties when the message names one; nil when
  /// the report has no stack (`No stack.`, `Unavailable.`).
  static func javascript(_ value: JSONValue?) -> CrashReport? {
    guard let value, case .array(let entries)? = value["stack"] else { return nil }
    var rows = ""
    for entry in entries.prefix(maximumFrames) {
      guard let text = entry.stringValue else { continue }
      let row = trimmed(Substring(TextLimits.singleLine(TextLimits.capped(text), replacement: " ")))
      guard row.hasPrefix("at ") else { continue }
      // A report's own frames print an unnamed function as `at  (/srv/books.js:10:3)`; Node's
      // error stacks, as `at /srv/books.js:10:3`.
      let rest = trimmed(row.dropFirst(3))
      if rest.hasPrefix("("), rest.hasSuffix(")") {
        rows += "    at " + rest.dropFirst().dropLast() + "\n"
      } else {
        rows += "    " + row + "\n"
      }
    }
    guard !rows.isEmpty else { return nil }
    let message = value["message"]?.stringValue.map { TextLimits.capped($0) } ?? ""
    var part = decode(message + "\n" + rows)
    if part.threads.isEmpty {
      // A message that names no error (a worker's `Exception`): the rows after a bare headline,
      // the thread all that is kept.
      part = decode("Error:\n" + rows)
      part.exception = nil
      part.system.removeAll { $0.key.hasPrefix("JavaScript ") }
    }
    guard !part.threads.isEmpty else { return nil }
    part.diagnostics.removeAll()
    clearLines(&part)
    return part
  }

  private static func decode(_ text: String) -> CrashReport {
    var builder = CrashReportBuilder(
      input: InputDescription(name: "", kind: .nodeReport, byteCount: text.utf8.count), maximumFrames: maximumFrames * 4)
    for event in StackTextDecoder.decode(text) { builder.add(event) }
    return builder.build()
  }

  /// The native stack: each `{"pc": "0x…", "symbol": "FUNCTION [FILE]"}` a frame.
  private static func nativeThread(_ value: JSONValue?, architecture: Architecture, evidence: [String], crashed: Bool)
    -> CrashThread?
  {
    guard case .array(let entries)? = value else { return nil }
    var frames: [StackFrame] = []
    var addresses: [PrintedAddress] = []
    for entry in entries.prefix(maximumFrames) {
      guard let pcText = entry["pc"]?.stringValue, pcText.hasPrefix("0x"), pcText.count > 2, pcText.count <= 18,
        let pc = UInt64(pcText.dropFirst(2), radix: 16)
      else { continue }
      let (function, module) = nativeSymbol(entry["symbol"]?.stringValue ?? "")
      var symbol = FrameSymbol(module: module, function: function, printedText: function ?? "")
      if function == nil { symbol.address = Address(pc) }
      frames.append(StackFrame(index: frames.count, symbol: symbol, trust: .text, printedNumber: frames.count + 1))
      addresses.append(.returnAddress(pc))
    }
    guard !frames.isEmpty else { return nil }
    CallStack.place(addresses, in: &frames, architecture: architecture)
    return CrashThread(
      architecture: architecture, architectureEvidence: evidence, frames: frames, format: .nodeNative,
      label: "Node.js native stack", isCrashed: crashed)
  }

  /// `node::Abort() [node]`, ` [node]`, `v8::… [/usr/local/bin/node]`: the function (nil when
  /// the binary's symbols did not name it) and the file's last component.
  static func nativeSymbol(_ text: String) -> (function: String?, module: String?) {
    var rest = trimmed(Substring(TextLimits.singleLine(TextLimits.capped(text), replacement: " ")))
    var module: String?
    if rest.hasSuffix("]"), let open = rest.lastIndex(of: "["), open == rest.startIndex || rest[rest.index(before: open)] == " " {
      let file = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
      if !file.isEmpty {
        module = file.split(separator: "/").last.map { TextLimits.capped(String($0), maximumBytes: 256) }
        rest = trimmed(rest[..<open])
      }
    }
    return (rest.isEmpty ? nil : String(rest), module)
  }

  /// Node's `process.arch` names.
  static func architecture(_ name: String) -> Architecture? {
    switch name {
    case "x64": .amd64
    case "ia32", "x32": .x86
    case "arm64": .arm64
    case "arm": .arm
    case "riscv64": .riscv64
    case "ppc", "ppc64": .ppc
    case "mips", "mipsel": .mips
    default: nil
    }
  }

  /// The process, its command line, Node's version and the system.
  private static func properties(_ header: JSONValue) -> [SystemProperty] {
    var list = ReportPropertyList()
    var arguments: [String] = []
    if case .array(let values)? = header["commandLine"] {
      arguments = values.prefix(256).compactMap(\.stringValue)
    }
    let pid = header["processId"]?.intValue.map { " [\($0)]" } ?? ""
    list.add("Process", arguments.first.map { ($0.split(separator: "/").last.map(String.init) ?? $0) + pid })
    list.add("Command line", arguments.isEmpty ? nil : arguments.joined(separator: " "))
    list.add("Node.js version", header["nodejsVersion"]?.stringValue)
    let platform = [header["platform"]?.stringValue, header["arch"]?.stringValue].compactMap { $0 }.joined(separator: " ")
    list.add("Platform", platform)
    let system = [header["osName"]?.stringValue, header["osRelease"]?.stringValue, header["osMachine"]?.stringValue]
      .compactMap { $0 }.joined(separator: " ")
    list.add("Operating system", system)
    // `Exception` is both the trigger and the event of an uncaught exception's report.
    let trigger = header["trigger"]?.stringValue
    let event = header["event"]?.stringValue.flatMap { $0 == trigger ? nil : $0 }
    list.add("Report trigger", [trigger, event].compactMap { $0 }.joined(separator: ": "))
    list.add("Report time", header["dumpEventTime"]?.stringValue)
    return list.properties
  }

  /// `text` without the blanks around it.
  private static func trimmed(_ text: Substring) -> Substring {
    let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) }) else { return "" }
    return text[first...last]
  }

  /// Line ranges point into the text a report's stacks were decoded from, not into the JSON:
  /// none is kept.
  private static func clearLines(_ report: inout CrashReport) {
    report.exception?.lines = nil
    for index in report.threads.indices {
      report.threads[index].lines = nil
      for frame in report.threads[index].frames.indices { report.threads[index].frames[frame].lines = nil }
    }
  }
}
