//===--- SentryEventReportBuilder.swift - A Sentry event's JSON ---------------===//
//
// Sentry's SDKs send each error as an event (develop.sentry.dev, "Event
// Payloads"), and its web interface shows the stored event as JSON; people
// attach either to a ticket:
//
//   {"event_id": "…", "platform": "python", "release": "ledger@2.4.0", "level": "error",
//    "exception": {"values": [
//       {"type": "KeyError", "value": "'rent'", "mechanism": {"type": "chained", "source": "__cause__", …},
//        "stacktrace": {"frames": [{"function": "settle", "filename": "ledger.py", "lineno": 23, "in_app": true}, …]}},
//       {"type": "ValueError", "value": "cannot settle", "stacktrace": {…}}]},
//    "threads": {"values": [{"id": 1, "crashed": true, "name": "main", "stacktrace": {…}}]},
//    "debug_meta": {"images": [{"type": "elf", "code_file": "/usr/lib/libc.so.6", "image_addr": "0x7f…",
//                               "image_size": 2031616, "debug_id": "…"}]},
//    "contexts": {"os": {"name": "Ubuntu", "version": "22.04"}, "device": {"arch": "x86_64"}, …},
//    "sdk": {"name": "sentry.python", "version": "3.0.1"}}
//
// Its REST API gives the same event with `entries` (`{"type": "exception", "data": {"values":
// …}}`, `threads`, `debugmeta`) and camel-cased frame fields (`lineNo`, `instructionAddr`);
// both are read. A stack's frames are listed oldest first (the crash site last); chained
// exceptions too (the root cause first, the exception that surfaced last). Each exception's
// stack is a thread, innermost frame first; the crashed one is the root cause through
// `__cause__`-style links (as the Java, JavaScript and Python text readers take it), else the
// last. A native crash's stack may sit on the crashed thread instead (the exception names its
// `thread_id`). The signal or Mach exception in the mechanism's `meta` is the report's
// exception; a language's exception is kept as a property (`Python exception`, …), as the
// text readers keep it. `debug_meta`'s images are the modules, their Sentry debug ids in
// Breakpad's form.
//
//===----------------------------------------------------------------------===//

import CrashCore
import JSONText
import StackText

/// Builds a report from a Sentry event's JSON.
enum SentryEventReportBuilder {
  /// Whether `prefix` (an input's first bytes, up to 64 KiB) opens a Sentry event: a JSON object
  /// naming an exception, threads or entries, and one of an event's own members.
  static func mayBe(_ prefix: [UInt8]) -> Bool {
    let head = prefix.prefix(Self.sniffedBytes)
    guard JSONInputPrefix.firstKey(head) != nil else { return false }
    let stacks = ["\"exception\"", "\"threads\"", "\"entries\""].contains { JSONInputPrefix.contains(head, $0) }
    let event = ["\"event_id\"", "\"eventID\"", "\"sdk\"", "\"platform\""].contains { JSONInputPrefix.contains(head, $0) }
    return stacks && event
  }

  /// How many first bytes the question looks at (an event's `exception` may come first and hold
  /// many frames before `event_id`).
  static let sniffedBytes = 64 << 10

  /// What the errors call the format.
  static let format = "Sentry event"

  /// The largest event read (Sentry stores events up to 1 MB; its JSON is held as a tree).
  static let maximumSize = 64 << 20

  /// The most exceptions, threads, frames a stack and images read.
  static let maximumExceptions = 64
  static let maximumThreads = 4096
  static let maximumFrames = 4096
  static let maximumImages = 8192

  /// The report of the event in `bytes`; nil when the JSON holds no stack in an event's shape (the
  /// input is then read as text), an error naming the byte offset where its JSON breaks.
  static func report(_ bytes: [UInt8], name: String) throws(AnalysisError) -> CrashReport? {
    guard bytes.count <= maximumSize else { throw .tooLarge(path: name, size: bytes.count, limit: maximumSize) }
    // What a report does not show is checked as JSON and not built.
    let omitted = ["pre_context", "post_context", "vars", "breadcrumbs", "modules", "request", "extra"]
    let root: JSONValue
    do {
      root = try JSONValue.parse(bytes, omittingMembers: omitted)
    } catch {
      throw .damaged(path: name, offset: error.offset, format: Self.format, reason: "it is not JSON: \(error.reason)")
    }
    guard case .object = root else { return nil }
    let exceptionValues = values(root, member: "exception", entry: "exception")
    let threadValues = values(root, member: "threads", entry: "threads")
    guard !exceptionValues.isEmpty || !threadValues.isEmpty else { return nil }

    var report = CrashReport(
      input: InputDescription(
        name: name, kind: .sentryEvent, byteCount: bytes.count, lineCount: bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }))
    let contexts = root["contexts"]
    let deviceArchitecture = contexts?["device"]?["arch"]?.stringValue
    let architecture = deviceArchitecture.flatMap(Self.architecture) ?? .unknown
    let images = Self.images(imagesValue(root))
    report.modules = images

    // Each exception with frames a thread; the crashed one the root cause through cause links.
    let exceptions = exceptionValues.prefix(maximumExceptions).map { Exception($0) }
    let crashedException = crashedIndex(exceptions)
    for (index, exception) in exceptions.enumerated() {
      let frames = Self.frames(exception.value["stacktrace"], images: images, architecture: architecture)
      guard !frames.frames.isEmpty else { continue }
      var thread = CrashThread(
        id: exception.threadID, architecture: frames.hasAddresses ? architecture : .unknown,
        architectureEvidence: [evidence(frames.hasAddresses, deviceArchitecture)], frames: frames.frames,
        format: .sentryEvent, label: exception.text, isCrashed: index == crashedException)
      if thread.isCrashed, let registers = exception.value["stacktrace"]?["registers"] {
        thread.context = NamedRegisters.context(Self.registers(registers), architecture: architecture)
      }
      report.threads.append(thread)
    }
    // The threads: one the exception names (`thread_id`) crashed when no exception had frames.
    let crashedThreadID = exceptions.last?.threadID
    let exceptionHadFrames = !report.threads.isEmpty
    for value in threadValues.prefix(maximumThreads) {
      let frames = Self.frames(value["stacktrace"], images: images, architecture: architecture)
      let id = unsigned(value["id"]).flatMap { UInt32(exactly: $0) }
      let crashed = !exceptionHadFrames && (value["crashed"] == .bool(true) || (id != nil && id == crashedThreadID))
      // A thread's stack the exception already gave is not repeated.
      if value["crashed"] == .bool(true), exceptionHadFrames, frames.frames.isEmpty { continue }
      var thread = CrashThread(
        id: id, architecture: frames.hasAddresses ? architecture : .unknown,
        architectureEvidence: [evidence(frames.hasAddresses, deviceArchitecture)], frames: frames.frames, format: .sentryEvent,
        label: label(value), isCrashed: crashed && !report.threads.contains(where: \.isCrashed))
      if thread.isCrashed, let registers = value["stacktrace"]?["registers"] {
        thread.context = NamedRegisters.context(Self.registers(registers), architecture: architecture)
      }
      report.threads.append(thread)
    }
    if threadValues.count > maximumThreads {
      report.diagnostics.append(Diagnostic(.warning, "\(threadValues.count) threads; the first \(maximumThreads) were read"))
    }
    if exceptionValues.count > maximumExceptions {
      report.diagnostics.append(
        Diagnostic(.warning, "\(exceptionValues.count) chained exceptions; the first \(maximumExceptions) were read"))
    }
    if let last = exceptions.last {
      report.exception = Self.signal(last.value["mechanism"])
      // A signal's or Mach exception's own text (`SIGSEGV: Segfault`) says nothing more.
      if report.exception == nil {
        let key = languageKey(root["platform"]?.stringValue ?? "")
        if let text = last.text { report.system.append(SystemProperty(key: key.exception, value: text)) }
        if let crashedException, crashedException != exceptions.count - 1, let cause = exceptions[crashedException].text {
          report.system.append(SystemProperty(key: key.rootCause, value: cause))
        }
      }
    }
    report.system = properties(root) + report.system
    if !report.hasStack {
      report.diagnostics.append(Diagnostic(.warning, "the event's exceptions and threads carry no frames"))
    }
    return report
  }

  /// An exception value, its `TYPE: value` text and the thread it names.
  private struct Exception {
    var value: JSONValue
    var text: String?
    var threadID: UInt32?
    var source: String?

    init(_ value: JSONValue) {
      self.value = value
      let type = value["type"]?.stringValue
      let message = value["value"]?.stringValue
      let module = value["module"]?.stringValue
      var name = type
      // Python's and Java's SDKs give the type's module apart (`requests.exceptions`).
      if let type, let module, !module.isEmpty, module != "builtins", module != "__main__", !type.contains(".") {
        name = module + "." + type
      }
      let joined = [name, message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
      text = joined.isEmpty ? nil : TextLimits.singleLine(TextLimits.capped(joined, maximumBytes: 1024), replacement: " ")
      threadID = (value["thread_id"] ?? value["threadId"]).flatMap { $0.intValue }.flatMap { UInt32(exactly: $0) }
      source = value["mechanism"]?["source"]?.stringValue
    }
  }

  /// The root cause: from the exception that surfaced (the last), back through each one that
  /// names itself the cause of the next (`__cause__`, `cause`; no link named counts as one, as
  /// Java's and JavaScript's SDKs send none), not through Python's `__context__`.
  private static func crashedIndex(_ exceptions: [Exception]) -> Int? {
    guard !exceptions.isEmpty else { return nil }
    var index = exceptions.count - 1
    while index > 0, exceptions[index - 1].source.map({ $0 != "__context__" }) ?? true { index -= 1 }
    return index
  }

  /// The property keys a platform's exception is kept under.
  private static func languageKey(_ platform: String) -> (exception: String, rootCause: String) {
    switch platform {
    case "python": ("Python exception", "Python root cause")
    case "javascript", "node": ("JavaScript exception", "JavaScript root cause")
    case "java": ("Java exception", "Java root cause")
    default: ("Exception reason", "Root cause")
    }
  }

  /// An event member's `values` (`"exception": {"values": […]}`, or a bare list), or the REST
  /// API's entry of that type (`"entries": [{"type": "exception", "data": {"values": […]}}]`).
  private static func values(_ root: JSONValue, member: String, entry: String) -> [JSONValue] {
    if let value = root[member] {
      if case .array(let list)? = value["values"] { return list }
      if case .array(let list) = value { return list }
    }
    guard case .array(let entries)? = root["entries"] else { return [] }
    for item in entries where item["type"]?.stringValue == entry {
      if case .array(let list)? = item["data"]?["values"] { return list }
    }
    return []
  }

  private static func imagesValue(_ root: JSONValue) -> JSONValue? {
    if let images = root["debug_meta"]?["images"] { return images }
    guard case .array(let entries)? = root["entries"] else { return nil }
    return entries.first { $0["type"]?.stringValue == "debugmeta" }?["data"]?["images"]
  }

  /// A frame's member by the event's name or the REST API's (`lineno`, `lineNo`).
  private static func field(_ frame: JSONValue, _ names: String...) -> JSONValue? {
    for name in names { if let value = frame[name], value != .null { return value } }
    return nil
  }

  /// A stack trace's frames, innermost first, and whether any had an address.
  private static func frames(_ stacktrace: JSONValue?, images: [CodeModule], architecture: Architecture)
    -> (frames: [StackFrame], hasAddresses: Bool)
  {
    guard case .array(let values)? = stacktrace?["frames"] else { return ([], false) }
    var frames: [StackFrame] = []
    var addresses: [PrintedAddress] = []
    // Oldest first in the event: the last frames are the crash site's.
    for value in values.suffix(maximumFrames).reversed() {
      guard case .object = value else { continue }
      let function = field(value, "function", "symbol").flatMap(\.stringValue).flatMap { $0 == "<unknown>" || $0.isEmpty ? nil : $0 }
      let address = field(value, "instruction_addr", "instructionAddr").flatMap(hexNumber)
      // A native frame's binary (`package`, a path); a script's place is its file.
      let package = field(value, "package").flatMap(\.stringValue)
      let image = address.flatMap { address in images.last { contains($0, address) } }
      let module: String? = address == nil ? nil : (package.map(lastComponent) ?? image?.name)
      var symbol = FrameSymbol(
        module: module.map { TextLimits.capped($0, maximumBytes: 256) }, function: function.map { TextLimits.capped($0) },
        printedText: function ?? "")
      if function == nil, let address {
        if let image {
          symbol.moduleOffset = address - image.base.rawValue
        } else {
          symbol.address = Address(address)
        }
      }
      var source: SourceLine?
      if let file = (field(value, "abs_path", "absPath") ?? field(value, "filename")).flatMap(\.stringValue), !file.isEmpty,
        let line = field(value, "lineno", "lineNo")?.intValue, line > 0
      {
        let column = field(value, "colno", "colNo")?.intValue.flatMap { $0 > 0 ? $0 : nil }
        source = SourceLine(file: TextLimits.capped(file), line: line, column: column)
      }
      frames.append(StackFrame(index: frames.count, symbol: symbol, sourceLine: source, trust: .text))
      addresses.append(address.map { .returnAddress($0) } ?? .none)
    }
    if addresses.contains(where: { $0 != .none }) {
      CallStack.place(addresses, in: &frames, architecture: architecture)
    }
    return (frames, addresses.contains { $0 != .none })
  }

  private static func contains(_ image: CodeModule, _ address: UInt64) -> Bool {
    guard let size = image.size, address >= image.base.rawValue else { return false }
    return address - image.base.rawValue < size
  }

  /// `debug_meta`'s images as modules: the code file, its load address and size, the debug file
  /// and id (Sentry's `UUID-age` as Breakpad's `UUIDAGE`).
  private static func images(_ value: JSONValue?) -> [CodeModule] {
    guard case .array(let values)? = value else { return [] }
    var modules: [CodeModule] = []
    for value in values.prefix(maximumImages) {
      guard let base = field(value, "image_addr", "imageAddr").flatMap(hexNumber) else { continue }
      let path = field(value, "code_file", "codeFile").flatMap(\.stringValue).map { TextLimits.capped($0) }
      let debugFile = field(value, "debug_file", "debugFile").flatMap(\.stringValue).map { TextLimits.capped(lastComponent($0)) }
      let name = TextLimits.capped(path.map(lastComponent) ?? debugFile ?? "???", maximumBytes: 256)
      let size = field(value, "image_size", "imageSize").flatMap { $0.intValue ?? $0.stringValue.flatMap { Int($0) } }
        .flatMap { $0 > 0 ? UInt64($0) : nil }
      let debugID = field(value, "debug_id", "debugId", "uuid").flatMap(\.stringValue).flatMap(breakpadIdentifier)
      var module = CodeModule(
        name: name, path: path, base: Address(base), size: size, debugFile: debugFile ?? name, debugIdentifier: debugID)
      if let codeID = field(value, "code_id", "codeId").flatMap(\.stringValue), codeID.count <= 80,
        codeID.allSatisfy(\.isHexDigit), field(value, "type")?.stringValue == "elf"
      {
        module.buildID = codeID.lowercased()
      }
      modules.append(module)
    }
    return modules
  }

  /// Sentry's debug id (`3249d99d-0c40-4931-8610-f4e4fb0b6936-1`, the age after the UUID) in
  /// Breakpad's form (`3249D99D0C4049318610F4E4FB0B69361`); nil when it is no such id.
  static func breakpadIdentifier(_ text: String) -> String? {
    let groups = text.split(separator: "-", omittingEmptySubsequences: false)
    guard groups.count == 5 || groups.count == 6 else {
      // Without hyphens: 32 digits, or 33 and more with the age.
      guard text.count >= 32, text.count <= 40, text.allSatisfy(\.isHexDigit) else { return nil }
      return text.count == 32 ? text.uppercased() + "0" : text.uppercased()
    }
    let uuid = groups.prefix(5).joined()
    let age = groups.count == 6 ? String(groups[5]) : "0"
    guard uuid.count == 32, uuid.allSatisfy(\.isHexDigit), !age.isEmpty, age.count <= 8, age.allSatisfy(\.isHexDigit) else {
      return nil
    }
    return (uuid + age).uppercased()
  }

  /// A `0x…` string (or a number) as an address.
  private static func hexNumber(_ value: JSONValue) -> UInt64? {
    if let text = value.stringValue {
      guard text.hasPrefix("0x"), text.count > 2, text.count <= 18 else { return nil }
      return UInt64(text.dropFirst(2), radix: 16)
    }
    return value.intValue.flatMap { $0 >= 0 ? UInt64($0) : nil }
  }

  private static func unsigned(_ value: JSONValue?) -> UInt64? {
    guard let number = value?.intValue, number >= 0 else { return nil }
    return UInt64(number)
  }

  /// A stack trace's `registers` (`{"rip": "0x…", …}`).
  private static func registers(_ value: JSONValue) -> [(name: String, value: UInt64)] {
    guard case .object(let members) = value else { return [] }
    return members.prefix(128).compactMap { name, value in hexNumber(value).map { (name == "rflags" ? "eflags" : name, $0) } }
  }

  /// The signal or Mach exception the mechanism's `meta` names, as the report's exception.
  private static func signal(_ mechanism: JSONValue?) -> CrashException? {
    guard let meta = mechanism?["meta"] else { return nil }
    if let mach = meta["mach_exception"], let number = mach["exception"]?.intValue, let code = UInt32(exactly: number) {
      let name = mach["name"]?.stringValue.map { TextLimits.capped($0, maximumBytes: 64) }
      return CrashException(code: ExceptionCode(rawValue: code), description: name)
    }
    if let signal = meta["signal"], let number = signal["number"]?.intValue, let code = UInt32(exactly: number), code > 0, code < 65 {
      var description = signal["name"]?.stringValue ?? LinuxSignal.names[code] ?? "signal \(code)"
      if let codeName = signal["code_name"]?.stringValue { description += " / " + codeName }
      return CrashException(code: ExceptionCode(rawValue: code), description: TextLimits.capped(description, maximumBytes: 128))
    }
    return nil
  }

  /// `main`, `Thread 3`, from the thread's name.
  private static func label(_ thread: JSONValue) -> String {
    if let name = thread["name"]?.stringValue, !name.isEmpty {
      return TextLimits.singleLine(TextLimits.capped(name, maximumBytes: 256))
    }
    return thread["id"]?.intValue.map { "Thread \($0)" } ?? "Thread"
  }

  private static func evidence(_ hasAddresses: Bool, _ arch: String?) -> String {
    guard hasAddresses else { return "the event's frames have no addresses and name no processor" }
    return arch.map { "the event's device context names arch \(TextLimits.capped($0, maximumBytes: 32))" }
      ?? "the event names no processor"
  }

  /// Sentry's `contexts.device.arch` names (and the CPU names its SDKs send).
  static func architecture(_ name: String) -> Architecture? {
    switch name.lowercased() {
    case "x86_64", "amd64", "x64": .amd64
    case "x86", "i386", "i686": .x86
    case "arm64", "arm64e", "aarch64": .arm64
    case "arm", "armv7", "armv7s", "armv7k": .arm
    case "riscv64": .riscv64
    default: nil
    }
  }

  /// The event's id, platform, SDK, release, and its OS, runtime and device contexts.
  private static func properties(_ root: JSONValue) -> [SystemProperty] {
    var list = ReportPropertyList()
    list.add("Sentry event", (root["event_id"] ?? root["eventID"])?.stringValue)
    list.add("Platform", root["platform"]?.stringValue)
    let sdk = root["sdk"]
    list.add("Crash reporter", [sdk?["name"]?.stringValue, sdk?["version"]?.stringValue].compactMap { $0 }.joined(separator: " "))
    // The REST API gives the release as an object (`{"version": "ledger-web@1.9.0", …}`).
    list.add("Release", root["release"]?.stringValue ?? root["release"]?["version"]?.stringValue)
    let contexts = root["contexts"]
    func described(_ context: JSONValue?) -> String? {
      guard let context else { return nil }
      let text = [context["name"]?.stringValue, context["version"]?.stringValue].compactMap { $0 }.joined(separator: " ")
      return text.isEmpty ? context["raw_description"]?.stringValue : text
    }
    list.add("Operating system", described(contexts?["os"]))
    list.add("Runtime", described(contexts?["runtime"]))
    let device = contexts?["device"]
    list.add("Device", [device?["model"]?.stringValue, device?["arch"]?.stringValue].compactMap { $0 }.joined(separator: " "))
    return list.properties
  }

  private static func lastComponent(_ path: String) -> String {
    path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? path
  }
}
