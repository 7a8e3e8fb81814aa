//===--- AppleIPSReportBuilder.swift - Apple crash reports in their JSON form ---===//
//
// Since macOS 12 and iOS 15 ReportCrash writes `.ips` files: a one-line JSON
// header (`{"app_name":"Ice","bug_type":"309","os_version":"macOS 14.1 (23B74)",…}`)
// and a JSON body, as Apple's "Interpreting the JSON format of a crash report"
// describes it:
//
//   "cpuType" : "ARM-64",  "procName" : "Ice",  "pid" : 4242,  "modelCode" : "Mac14,2",
//   "exception" : {"type":"EXC_BAD_ACCESS","signal":"SIGSEGV","subtype":"KERN_INVALID_ADDRESS at 0x0"},
//   "faultingThread" : 0,
//   "threads" : [{"triggered":true,"id":427833,"queue":"com.apple.main-thread",
//                 "threadState":{"flavor":"ARM_THREAD_STATE64","x":[{"value":0},…],"fp":{"value":…},"pc":{"value":…},…},
//                 "frames":[{"imageOffset":3124,"symbol":"mach_msg2_trap","symbolLocation":8,"imageIndex":6},…]}],
//   "usedImages" : [{"base":4294967296,"size":131072,"uuid":"2cdbe1cf-…","name":"Ice","path":"/Applications/…",
//                    "arch":"arm64","CFBundleShortVersionString":"0.9"},…]
//
// A frame's pc is its image's base plus `imageOffset` (a caller's is its return
// address); `symbol` and `symbolLocation` name the function and the offset in it,
// `sourceFile` and `sourceLine` the source when the report was symbolicated, and
// `inline` marks a call inlined there. The images become the modules, their UUIDs
// the debug ids (the UUID and an age of 0, as Breakpad names Mach-O modules).
// Console shows the same report as text (StackText's AppleCrashReport).
//
//===----------------------------------------------------------------------===//

import CrashCore
import StackText

/// Builds a report from an `.ips` file.
enum AppleIPSReportBuilder {
  /// Whether `prefix` (an input's first bytes) opens an `.ips` file: a JSON object whose
  /// first line names its `bug_type`.
  static func mayBe(_ prefix: [UInt8]) -> Bool {
    guard prefix.first == UInt8(ascii: "{") else { return false }
    let firstLine = prefix.prefix { $0 != 0x0A }
    return firstLine.count >= 12 && JSONInputPrefix.contains(firstLine, "\"bug_type\"")
  }

  /// What the errors call the format.
  static let format = "Apple crash report (.ips)"

  /// The largest `.ips` read (ReportCrash's are a few hundred KiB; its JSON is held as a tree,
  /// several times its size, so a larger one is refused rather than read).
  static let maximumSize = 64 << 20

  /// The most threads, frames a thread, images and registers read.
  static let maximumThreads = 4096
  static let maximumFrames = 4096
  static let maximumImages = 8192

  /// The report of the `.ips` text in `bytes`; an error naming the byte offset where its JSON
  /// is not well formed, or what it lacks.
  static func report(_ bytes: [UInt8], name: String) throws(AnalysisError) -> CrashReport {
    guard bytes.count <= maximumSize else { throw .tooLarge(path: name, size: bytes.count, limit: maximumSize) }
    let headerEnd = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let header: JSONValue
    let body: JSONValue
    do {
      header = try JSONValue.parse(Array(bytes[..<headerEnd]))
    } catch {
      throw .damaged(path: name, offset: error.offset, format: Self.format, reason: "its header is not JSON: \(error.reason)")
    }
    do {
      body = try JSONValue.parse(Array(bytes[min(headerEnd + 1, bytes.count)...]))
    } catch {
      throw .damaged(
        path: name, offset: headerEnd + 1 + error.offset, format: Self.format, reason: "its body is not JSON: \(error.reason)")
    }
    guard case .object = body, case .array(let threadValues)? = body["threads"] else {
      throw .damaged(path: name, offset: headerEnd + 1, format: Self.format, reason: "its body has no threads")
    }
    var report = CrashReport(
      input: InputDescription(
        name: name, kind: .appleIPS, byteCount: bytes.count, lineCount: bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }))
    let cpuType = body["cpuType"]?.stringValue
    let architecture = cpuType.flatMap { Architecture(appleCPUType: $0) } ?? .unknown
    let evidence = cpuType.map { ["the report's cpuType names \($0)"] } ?? ["the report names no cpuType"]
    report.system = properties(header: header, body: body)
    report.exception = exception(body["exception"])
    let images = Self.images(body["usedImages"])
    report.modules = images.map(\.module)
    let lines = applicationLines(body["asi"])
    for line in lines { report.system.append(SystemProperty(key: AppleApplicationInformation.lineKey, value: line)) }
    if let exception = exceptionReason(body["exceptionReason"]) ?? AppleApplicationInformation.exception(in: lines) {
      report.system.append(SystemProperty(key: exception.key, value: exception.value))
    }
    // An uncaught exception's stack is where the crash happened (the thread that then aborted
    // shows only the runtime's way to `abort()`): it is the crashed thread.
    let exceptionFrames = frames(body["lastExceptionBacktrace"], images: images, architecture: architecture)
    if !exceptionFrames.isEmpty {
      report.threads.append(
        CrashThread(
          architecture: architecture, architectureEvidence: evidence, frames: exceptionFrames, format: .appleCrashReport,
          label: "Last Exception Backtrace", isCrashed: true))
    }
    let faulting = body["faultingThread"]?.intValue
    for (index, value) in threadValues.prefix(maximumThreads).enumerated() {
      let triggered = value["triggered"] == .bool(true) || index == faulting
      let crashed = triggered && exceptionFrames.isEmpty
      var thread = CrashThread(
        id: value["id"]?.intValue.flatMap { UInt32(exactly: $0) }, architecture: architecture, architectureEvidence: evidence,
        frames: frames(value["frames"], images: images, architecture: architecture), format: .appleCrashReport,
        label: label(value, index: index), isCrashed: crashed)
      if triggered, let state = value["threadState"] {
        thread.context = NamedRegisters.context(registers(state), architecture: architecture)
      }
      report.threads.append(thread)
    }
    if threadValues.count > maximumThreads {
      report.diagnostics.append(Diagnostic(.warning, "\(threadValues.count) threads; the first \(maximumThreads) were read"))
    }
    return report
  }

  /// The most application-specific lines read.
  static let maximumApplicationLines = 32

  /// `"asi": {"libsystem_c.dylib": ["abort() called"], "CoreFoundation": ["*** Terminating app…"]}`:
  /// each line with the image that left it (`CoreFoundation: *** Terminating app…`).
  private static func applicationLines(_ value: JSONValue?) -> [String] {
    guard case .object(let members)? = value else { return [] }
    var lines: [String] = []
    for (image, entry) in members {
      guard case .array(let texts) = entry else { continue }
      for text in texts {
        guard lines.count < maximumApplicationLines, let text = text.stringValue else { continue }
        let line = TextLimits.capped(TextLimits.singleLine(image, replacement: " "), maximumBytes: 256) + ": " + text
        lines.append(TextLimits.singleLine(TextLimits.capped(line), replacement: " "))
      }
    }
    return lines
  }

  /// `"exceptionReason": {"name":"NSRangeException","composed_message":"*** -[…]","type":"objc-exception",…}`
  /// (iOS 15 and macOS 12 on) as (property key, `NAME: message`).
  private static func exceptionReason(_ value: JSONValue?) -> (key: String, value: String)? {
    guard let value, let name = value["name"]?.stringValue, !name.isEmpty else { return nil }
    let message = value["composed_message"]?.stringValue ?? value["reason"]?.stringValue ?? ""
    let key =
      value["type"]?.stringValue == "objc-exception" || value["class"]?.stringValue == "NSException"
      ? AppleApplicationInformation.objectiveCExceptionKey : "Exception reason"
    let text = message.isEmpty ? name : "\(name): \(message)"
    return (key, TextLimits.singleLine(TextLimits.capped(text), replacement: " "))
  }

  /// `Thread 0 (com.apple.main-thread)`, with the thread's name or queue.
  private static func label(_ thread: JSONValue, index: Int) -> String {
    let name = thread["name"]?.stringValue ?? thread["queue"]?.stringValue
    return "Thread \(index)" + (name.map { " (" + TextLimits.singleLine(TextLimits.capped($0, maximumBytes: 256)) + ")" } ?? "")
  }

  /// One entry of `usedImages`, as a module.
  private struct Image {
    var module: CodeModule
    var base: UInt64
  }

  private static func images(_ value: JSONValue?) -> [Image] {
    guard case .array(let values)? = value else { return [] }
    var images: [Image] = []
    for value in values.prefix(maximumImages) {
      guard let base = unsigned(value["base"]) else {
        // An image the report could not name keeps its place, so indexes stay right.
        images.append(Image(module: CodeModule(name: "???", base: Address(0)), base: 0))
        continue
      }
      let path = value["path"]?.stringValue.map { TextLimits.capped($0) }
      let name = TextLimits.capped(value["name"]?.stringValue ?? path.map(lastComponent) ?? "???")
      var uuid = value["uuid"]?.stringValue?.filter { $0 != "-" }.uppercased()
      if let digits = uuid, digits.count != 32 || !digits.allSatisfy(\.isHexDigit) { uuid = nil }
      let size = unsigned(value["size"]).flatMap { $0 > 0 ? $0 : nil }
      let version = value["CFBundleShortVersionString"]?.stringValue.map { TextLimits.capped($0, maximumBytes: 128) }
      images.append(
        Image(
          module: CodeModule(
            name: name, path: path, base: Address(base), size: size, version: version, debugFile: name,
            debugIdentifier: uuid.map { $0 + "0" }),
          base: base))
    }
    return images
  }

  private static func frames(_ value: JSONValue?, images: [Image], architecture: Architecture) -> [StackFrame] {
    guard case .array(let values)? = value else { return [] }
    var frames: [StackFrame] = []
    var addresses: [PrintedAddress] = []
    for (index, value) in values.prefix(maximumFrames).enumerated() {
      let imageIndex = value["imageIndex"]?.intValue
      let image = imageIndex.flatMap { $0 >= 0 && $0 < images.count ? images[$0] : nil }
      let offset = unsigned(value["imageOffset"])
      var address: UInt64?
      if let image, let offset {
        let (sum, overflow) = image.base.addingReportingOverflow(offset)
        if !overflow { address = sum }
      }
      let function = value["symbol"]?.stringValue.map { TextLimits.capped($0) }
      let module = image.map(\.module.name)
      var symbol = FrameSymbol(module: module, function: function, offset: function == nil ? nil : unsigned(value["symbolLocation"]))
      if function == nil {
        if image != nil { symbol.moduleOffset = offset } else { symbol.address = address.map { Address($0) } }
      }
      let sourceLine = value["sourceFile"]?.stringValue.map {
        SourceLine(file: TextLimits.capped($0), line: value["sourceLine"]?.intValue ?? 0)
      }
      frames.append(
        StackFrame(index: index, symbol: symbol, sourceLine: sourceLine, trust: .text, isInlined: value["inline"] == .bool(true)))
      addresses.append(address.map { .returnAddress($0) } ?? .none)
    }
    CallStack.place(addresses, in: &frames, architecture: architecture)
    return frames
  }

  /// The registers of a `threadState`: named members (`rip`, `fp`, `pc`, `cpsr`) and ARM64's `x` list.
  private static func registers(_ state: JSONValue) -> [(name: String, value: UInt64)] {
    guard case .object(let members) = state else { return [] }
    var pairs: [(name: String, value: UInt64)] = []
    for (name, value) in members.prefix(128) {
      if name == "x", case .array(let list) = value {
        for (index, item) in list.prefix(31).enumerated() {
          if let number = registerValue(item["value"]) { pairs.append(("x\(index)", number)) }
        }
      } else if let number = registerValue(value["value"]) {
        pairs.append((name == "rflags" ? "eflags" : name, number))
      }
    }
    return pairs
  }

  /// The exception: its Mach type with the signal, the subtype's words and fault address.
  private static func exception(_ value: JSONValue?) -> CrashException? {
    guard let value, let type = value["type"]?.stringValue, let code = MachException.number(named: type) else { return nil }
    var description = type
    if let signal = value["signal"]?.stringValue { description += " (\(signal))" }
    var address: Address?
    if let subtype = value["subtype"]?.stringValue {
      if let at = subtype.firstRange(of: " at 0x") {
        address = UInt64(subtype[at.upperBound...].prefix { $0.isHexDigit }, radix: 16).map { Address($0) }
        let words = subtype[..<at.lowerBound]
        if !words.isEmpty { description += " / " + words }
      } else {
        description += " / " + subtype
      }
    }
    return CrashException(code: ExceptionCode(rawValue: code), description: TextLimits.singleLine(TextLimits.capped(description)), address: address)
  }

  /// Process, OS version and hardware model, from the body or the header.
  private static func properties(header: JSONValue, body: JSONValue) -> [SystemProperty] {
    var properties: [SystemProperty] = []
    if let process = body["procName"]?.stringValue ?? header["name"]?.stringValue {
      let pid = body["pid"]?.intValue.map { " [\($0)]" } ?? ""
      properties.append(SystemProperty(key: "Process", value: TextLimits.singleLine(TextLimits.capped(process + pid))))
    }
    if let version = header["os_version"]?.stringValue {
      properties.append(SystemProperty(key: "OS Version", value: TextLimits.singleLine(TextLimits.capped(version))))
    }
    if let model = body["modelCode"]?.stringValue {
      properties.append(SystemProperty(key: "Hardware Model", value: TextLimits.singleLine(TextLimits.capped(model))))
    }
    return properties
  }

  /// A non-negative integer (a base, an offset, a size), or nil.
  private static func unsigned(_ value: JSONValue?) -> UInt64? {
    guard let number = value?.intValue, number >= 0 else { return nil }
    return UInt64(number)
  }

  /// A register's value: its bits, when written as a signed integer (past 2^63 the report's
  /// integers do not fit one and are left out).
  private static func registerValue(_ value: JSONValue?) -> UInt64? {
    value?.intValue.map { UInt64(bitPattern: Int64($0)) }
  }

  private static func lastComponent(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}
