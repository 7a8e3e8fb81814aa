//===--- WindowsErrorReport.swift - Windows Error Reporting's fault summary ---===//
//
// What Windows writes about a crashed program when nobody kept a dump: the
// module the exception happened in, the offset into it and the code. Support
// tickets carry it in four layouts:
//
//   Event 1000 (Application Error, Vista on):
//     Faulting application name: emsmta.exe, version: 5.5.2653.23, time stamp: 0x3a7d1b61
//     Faulting module name: ntdll.dll, version: 10.0.17763.3887, time stamp: 0x7e2c9b1f
//     Exception code: 0xc0000374
//     Fault offset: 0x00000000000fb449
//     Faulting process id: 0x1a2c
//     Faulting application path: C:\exchsrvr\bin\emsmta.exe
//     Faulting module path: C:\Windows\SYSTEM32\ntdll.dll
//     Report Id: 6c4a0b1e-2f3d-4e5a-9b8c-7d6e5f4a3b2c
//   Event 1000 (Windows XP and Server 2003), one line:
//     Faulting application emsmta.exe, version 5.5.2653.23, stamp 3a7d1b61, faulting module
//     emsmta.exe, version 5.5.2653.23, stamp 3a7d1b61, debug? 0, fault address 0x0001e0a2.
//   Event 1001 (Windows Error Reporting): `Event Name: APPCRASH`, then under
//     `Problem signature:` the parameters P1 … P10 (application, version, time stamp,
//     module, version, time stamp, then the code and the offset; `BEX` and `BEX64`
//     give the offset before the code).
//   The "problem details" of the crash dialog and Reliability Monitor, the same
//     values by name: `Problem Event Name:`, `Fault Module Name:`, `Exception Offset:` ….
//
// The offset is module-relative and has as many digits as the process's pointers
// (MS-CER §2.2.3.1: 8 for a 32-bit process, 16 for a 64-bit one), which, with a
// module loaded from SysWOW64, says the processor. The thread has one frame,
// MODULE+offset; the module is listed at 0 (its load address is not printed), so
// a symbol file of the module is read at the offset. WER names the module
// `unknown` (or `StackHash_…`) when the pc was in none: the offset is then the pc.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// One Windows Error Reporting summary of a crash, gathered line by line.
struct WindowsErrorReportCollector {
  /// What the summary says, as far as read.
  private struct Summary {
    var application: String?
    var applicationVersion: String?
    var applicationPath: String?
    var module: String?
    var moduleVersion: String?
    var moduleTimestamp: UInt32?
    var modulePath: String?
    var code: UInt32?
    var offset: UInt64?
    var offsetDigits = 0
    var processID: UInt32?
    var reportID: String?
    var eventName: String?
    var osVersion: String?
    /// WER's P1 … P10, read when the event name says what they mean.
    var parameters: [String?] = Array(repeating: nil, count: 10)
    var lines: LineRange?
  }

  private var summary = Summary()
  /// Whether a summary is being read.
  private(set) var isCollecting = false
  /// Whether the lines are the file list under `Attached files:`.
  private var inFileList = false
  /// The report ids and module+offset places of the summaries given out.
  private var emitted: Set<String> = []

  /// Whether the line may open a summary: its first four bytes, folded, are `faul`, `prob`,
  /// `desc` or `even`, or begin a localized summary's first field (WindowsErrorReportLabels:
  /// `name`, `nom `, `nomb`, `nazw`, `Имя`, `Сигн`, `错误`, `问题`, `障害`), one comparison
  /// each; and then its words.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, first.count >= 3 else { return false }
    let bytes = line.bytes
    let start = first.lowerBound
    guard start + 4 <= bytes.endIndex else { return false }
    let word =
      (UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) << 16 | UInt32(bytes[start + 3]) << 24)
      | 0x2020_2020
    // "faul", "prob", "desc", "even" as little-endian words.
    if word == 0x6C75_6166 || word == 0x626F_7270 || word == 0x6373_6564 || word == 0x6E65_7665 { return opens(line) }
    // "name", "nom ", "nomb", "nazw", and the UTF-8 of "Имя", "Сигн", "错误", "问题", "障害",
    // folded the same way.
    guard
      word == 0x656D_616E || word == 0x206D_6F6E || word == 0x626D_6F6E || word == 0x777A_616E
        || word == 0xBCF0_B8F0 || word == 0xB8F0_A1F0 || word == 0xE8B9_B4E9 || word == 0xE9AE_B7E9 || word == 0xE5BC_BAE9
    else { return false }
    return opensLocalized(line)
  }

  /// Whether a line in another language than English opens a summary: its field is one a
  /// summary starts with.
  @inline(never)
  private static func opensLocalized(_ line: TextLine) -> Bool {
    guard let key = field(line)?.key else { return false }
    return key == "faulting application name" || key == "faulting module name" || key == "problem signature"
      || key == "problem event name"
  }

  /// By words, without building strings: this runs on every line that starts like one of
  /// these words (an event record's `Description:` and `Event ID:` too).
  @inline(never)
  private static func opens(_ line: TextLine) -> Bool {
    let count = line.tokens.count
    // A Report.wer's `EventType=APPCRASH`, one word.
    if Bytes.hasPrefix(line.token(0), "EventType=") { return true }
    guard count >= 2 else { return false }
    if Bytes.equalsIgnoringCase(line.token(0), "Faulting") {
      // `Faulting application name:`, `… path:`, `Faulting module name:`, XP's line.
      return isXPLine(line)
        || (count >= 3
          && (Bytes.equalsIgnoringCase(line.token(1), "application") || Bytes.equalsIgnoringCase(line.token(1), "module"))
          && (Bytes.hasPrefix(line.token(2), "name:") || Bytes.hasPrefix(line.token(2), "path:")))
    }
    if Bytes.equalsIgnoringCase(line.token(0), "Fault") { return count >= 3 && Bytes.equalsIgnoringCase(line.token(1), "bucket") }
    if Bytes.equalsIgnoringCase(line.token(0), "Problem") {
      return Bytes.equalsIgnoringCase(line.token(1), "signature:")
        || (count >= 3 && Bytes.equalsIgnoringCase(line.token(1), "Event") && Bytes.equalsIgnoringCase(line.token(2), "Name:"))
    }
    if Bytes.equalsIgnoringCase(line.token(0), "Event") { return count >= 3 && Bytes.equalsIgnoringCase(line.token(1), "Name:") }
    if Bytes.equalsIgnoringCase(line.token(0), "Description:"), count >= 4, Bytes.equalsIgnoringCase(line.token(1), "Faulting"),
      Bytes.equalsIgnoringCase(line.token(2), "application")
    {
      // An Event Viewer record's `Description: Faulting application …`.
      return isXPLine(line.droppingTokens(1)) || Bytes.equalsIgnoringCase(line.token(3), "name:")
    }
    // German's `Problemsignatur:` and `Problemereignisname:` (the other words above are English
    // only, and common: an event record's `Description:`, an `Event` line).
    return Bytes.hasPrefix(line.token(0), "problem") && opensLocalized(line)
  }

  /// Takes a line; false for a line it does not read (which ends the summary, unless blank).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if line.isBlank { return false }
    var line = line
    if line.tokens.count > 2, Bytes.equalsIgnoringCase(line.token(0), "Description:") {
      // The summary as an event record's description: read it, and let the record keep it too.
      line = line.droppingTokens(1)
      if Self.isXPLine(line) || Self.field(line)?.key == "faulting application name" {
        _ = take(line, emit: emit, emitThread: emitThread)
      }
      return false
    }
    return take(line, emit: emit, emitThread: emitThread)
  }

  private mutating func take(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if Self.isXPLine(line) {
      applyPending()
      if summary.offset != nil { finish(emit: emit, emitThread: emitThread) }
      readXPLine(line)
      include(line.number)
      return true
    }
    if line.tokens.count >= 3, Bytes.equalsIgnoringCase(line.token(0), "Fault"), Bytes.equalsIgnoringCase(line.token(1), "bucket")
    {
      // `Fault bucket 1234567890, type 5`: event 1001's first line.
      applyPending()
      if summary.offset != nil || summary.eventName != nil { finish(emit: emit, emitThread: emitThread) }
      isCollecting = true
      include(line.number)
      return true
    }
    if let entry = Self.reportFileEntry(line) {
      return takeReportFileEntry(entry, line: line, emit: emit, emitThread: emitThread)
    }
    if isCollecting, line.tokens.count == 2, Bytes.equalsIgnoringCase(line.token(0), "Problem"),
      Bytes.equalsIgnoringCase(line.token(1), "signature")
    {
      // Reliability Monitor's heading, without a colon.
      applyPending()
      include(line.number)
      return true
    }
    if let pending, isCollecting, Self.continues(pending, line) {
      // A value wrapped onto the next line (`time stamp:` / `0x666b0000`, a path cut at a blank).
      self.pending?.value += (pending.value.isEmpty || pending.value.hasSuffix("\\") ? "" : " ") + line.text(fromToken: 0)
      self.pending?.continuations += 1
      include(line.number)
      return true
    }
    guard let field = Self.field(line), Self.knownKeys.contains(field.key) || Self.parameterNumber(field.key) != nil else {
      if isCollecting, inFileList, Self.isWindowsPath(line.token(0)) {
        include(line.number)
        return true
      }
      finish(emit: emit, emitThread: emitThread)
      return false
    }
    applyPending()
    // A second summary starts where the first had its offset.
    let startsAnother =
      Self.startKeys.contains(field.key) || (field.key.hasSuffix("event name") && summary.eventName != nil)
      || (field.key == "faulting application path" && summary.applicationPath != nil)
    if summary.offset != nil, startsAnother {
      finish(emit: emit, emitThread: emitThread)
    }
    inFileList = field.key == "attached files" || field.key == "these files may be available here"
    pending = (field.key, field.value, 0)
    isCollecting = true
    include(line.number)
    return true
  }

  /// Whether `line` carries on `pending`'s value: after a value cut at its `:` or `,` (or none
  /// yet), any line that is not a field of its own (but `time stamp: …`); after a path, the
  /// rest of the path.
  private static func continues(_ pending: (key: String, value: String, continuations: Int), _ line: TextLine) -> Bool {
    guard pending.continuations < 2, !line.isBlank else { return false }
    let isCut = pending.value.isEmpty || pending.value.hasSuffix(":") || pending.value.hasSuffix(",")
    if let field = field(line) {
      if knownKeys.contains(field.key) || parameterNumber(field.key) != nil { return false }
      return pending.value.hasSuffix(",") && (field.key == "time stamp" || field.key == "version")
    }
    if isCut { return !pending.key.hasPrefix("additional information") }
    return (pending.key == "faulting application path" || pending.key == "faulting module path")
      && line.token(0).contains(UInt8(ascii: "\\"))
  }

  /// The field read last, applied once no line carries it on.
  private var pending: (key: String, value: String, continuations: Int)?

  private mutating func applyPending() {
    guard let (key, value, _) = pending else { return }
    pending = nil
    apply(key, value)
  }

  private mutating func apply(_ key: String, _ value: String) {
    switch key {
    case "faulting application name", "application name":
      let parts = Self.nameVersionStamp(value)
      summary.application = parts.name
      summary.applicationVersion = parts.version ?? summary.applicationVersion
    case "application version": summary.applicationVersion = Self.capped(value)
    case "faulting module name", "fault module name":
      let parts = Self.nameVersionStamp(value)
      summary.module = parts.name
      summary.moduleVersion = parts.version ?? summary.moduleVersion
      summary.moduleTimestamp = parts.stamp ?? summary.moduleTimestamp
    case "fault module version": summary.moduleVersion = Self.capped(value)
    case "fault module timestamp": summary.moduleTimestamp = Self.hex(value).map { UInt32(truncatingIfNeeded: $0.value) }
    case "exception code": summary.code = Self.hex(value).map { UInt32(truncatingIfNeeded: $0.value) }
    case "fault offset", "exception offset":
      if let offset = Self.hex(value) { (summary.offset, summary.offsetDigits) = (offset.value, offset.digits) }
    case "faulting process id": summary.processID = Self.hex(value).map { UInt32(truncatingIfNeeded: $0.value) }
    case "faulting application path": summary.applicationPath = Self.capped(value)
    case "faulting module path": summary.modulePath = Self.capped(value)
    case "report id": summary.reportID = Self.capped(value, maximumBytes: 64)
    case "event name", "problem event name": summary.eventName = Self.capped(value, maximumBytes: 32)
    case "os version": summary.osVersion = Self.capped(value, maximumBytes: 64)
    default:
      if let number = Self.parameterNumber(key) {
        summary.parameters[number - 1] = value.isEmpty ? nil : Self.capped(value, maximumBytes: 256)
      }
    }
  }

  /// The fields read (the others of these layouts are passed over).
  private static let knownKeys: Set<String> = [
    "faulting application name", "application name", "application version", "faulting module name", "fault module name",
    "fault module version", "fault module timestamp", "exception code", "fault offset", "exception offset",
    "faulting process id", "faulting application path", "faulting module path", "report id", "event name",
    "problem event name", "os version", "attached files", "these files may be available here", "problem signature",
    "response", "cab id", "faulting application start time", "faulting package full name",
    "faulting package-relative application id", "analysis symbol", "rechecking for solution", "report status",
    "hashed bucket", "cab guid", "application timestamp", "exception data", "locale id", "additional information 1",
    "additional information 2", "additional information 3", "additional information 4", "bucket id",
  ]

  /// Fields that open a summary of their own (Reliability Monitor's `Faulting Application Path:`
  /// too, when the summary has its path already).
  private static let startKeys: Set<String> = ["faulting application name", "application name"]

  // MARK: - Report.wer

  /// `Key=Value` of a `Report.wer` file (WER's report folder, UTF-16): `EventType=APPCRASH`,
  /// `Sig[3].Name=Fault Module Name` with `Sig[3].Value=ntdll.dll`, `Wow64Guest=332`,
  /// `LoadedModule[4]=C:\Windows\System32\ntdll.dll`.
  private static func reportFileEntry(_ line: TextLine) -> (key: String, value: String)? {
    guard line.tokens.count >= 1, let equals = line.token(0).firstIndex(of: UInt8(ascii: "=")) else { return nil }
    let key = line.token(0)[..<equals]
    guard (2...40).contains(key.count),
      key.allSatisfy({ ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: ".") }
      )
    else { return nil }
    var value = String(decoding: line.token(0)[(equals + 1)...], as: UTF8.self)
    if line.tokens.count > 1 { value += " " + line.text(fromToken: 1) }
    return (String(decoding: key, as: UTF8.self), value)
  }

  private mutating func takeReportFileEntry(
    _ entry: (key: String, value: String), line: TextLine, emit: (TextDecodingEvent) -> Void,
    emitThread: (CrashThread) -> Void
  ) -> Bool {
    if entry.key == "EventType" {
      applyPending()
      if summary.offset != nil || summary.eventName != nil { finish(emit: emit, emitThread: emitThread) }
      summary.eventName = Self.capped(entry.value, maximumBytes: 32)
      isReportFile = true
    }
    guard isReportFile else { return false }
    isCollecting = true
    include(line.number)
    let key = entry.key
    if let (index, isName) = Self.signatureIndex(key), index < 64 {
      // `Sig[N]` and `DynamicSig[N]`: the name, then its value, by the names the dialog prints.
      if isName {
        signatureNames[key.hasPrefix("Dynamic") ? index + 64 : index] =
          WindowsErrorReportLabels.canonicalKey(entry.value.lowercased())
      } else if let name = signatureNames[key.hasPrefix("Dynamic") ? index + 64 : index] {
        apply(name, entry.value)
      }
    } else if key == "ReportIdentifier" {
      summary.reportID = Self.capped(entry.value, maximumBytes: 64)
    } else if key == "NsAppName" || key == "AppName" {
      summary.application = summary.application ?? Self.capped(entry.value)
    } else if key == "AppPath" {
      summary.applicationPath = Self.capped(entry.value)
    } else if key == "Wow64Guest" {
      reportFileMachine = UInt16(entry.value)
    } else if key.hasPrefix("LoadedModule["), loadedModules.count < 1024 {
      loadedModules.append(Self.capped(entry.value, maximumBytes: 1024))
    }
    return true
  }

  /// `Sig[3].Name` → (3, true), `DynamicSig[1].Value` → (1, false).
  private static func signatureIndex(_ key: String) -> (Int, Bool)? {
    let isName = key.hasSuffix("].Name")
    guard isName || key.hasSuffix("].Value"), key.hasPrefix("Sig[") || key.hasPrefix("DynamicSig["),
      let open = key.firstIndex(of: "["), let close = key.firstIndex(of: "]"), open < close,
      let index = Int(key[key.index(after: open)..<close])
    else { return nil }
    return (index, isName)
  }

  /// Whether the lines are a `Report.wer` file's.
  private var isReportFile = false
  /// A `Report.wer`'s signature names by index (`DynamicSig` at 64 on).
  private var signatureNames: [Int: String] = [:]
  /// A `Report.wer`'s `Wow64Guest`: the machine of a process under WOW64 (`332` i386).
  private var reportFileMachine: UInt16?
  /// A `Report.wer`'s `LoadedModule[N]` paths.
  private var loadedModules: [String] = []

  /// Ends the summary: the application, the exception, the module and its one frame.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      summary = Summary()
      isCollecting = false
      inFileList = false
      pending = nil
      isReportFile = false
      signatureNames = [:]
      reportFileMachine = nil
      loadedModules = []
    }
    guard isCollecting else { return }
    applyPending()
    applyParameters()
    if summary.modulePath == nil, let module = summary.module?.lowercased() {
      // A `Report.wer` lists every module's path: the faulting one's is among them.
      summary.modulePath = loadedModules.first { $0.lowercased().hasSuffix("\\" + module) }
    }
    guard let offset = summary.offset, let lines = summary.lines else { return }
    // Event 1000 and event 1001 of one crash, pasted together, are one crash: the second (same
    // report id, or same module and offset) adds nothing.
    let place = (summary.module?.lowercased() ?? "") + "+" + String(offset, radix: 16)
    guard !emitted.contains(place), summary.reportID.map({ !emitted.contains($0) }) ?? true else { return }
    if emitted.count < 1024 {
      emitted.insert(place)
      if let reportID = summary.reportID { emitted.insert(reportID) }
    }
    if summary.application != nil || summary.processID != nil {
      emit(.application(ApplicationInfo(name: summary.application, processID: summary.processID, lines: lines)))
    }
    if let eventName = summary.eventName {
      emit(.systemProperty(SystemProperty(key: "Windows Error Reporting event", value: eventName)))
    }
    if let version = summary.applicationVersion {
      emit(.systemProperty(SystemProperty(key: "Application version", value: version)))
    }
    if let reportID = summary.reportID { emit(.systemProperty(SystemProperty(key: "Report Id", value: reportID))) }
    if let osVersion = summary.osVersion { emit(.systemProperty(SystemProperty(key: "OS version", value: osVersion))) }
    if let code = summary.code { emit(.exception(CrashException(code: ExceptionCode(rawValue: code), lines: lines))) }
    let (architecture, evidence) = decideArchitecture()
    let digits = summary.offsetDigits
    var symbol: FrameSymbol
    if let module = summary.module, !Self.namesNoModule(module) {
      let stem = ModuleName.stem(module)
      let printed = module + "+0x" + HexFormat.digits(offset, width: min(digits, 16))
      symbol = FrameSymbol(module: stem, moduleOffset: offset, printedText: printed)
      emit(
        .module(
          CodeModule(
            name: module, path: summary.modulePath, base: Address(0), version: summary.moduleVersion,
            timestamp: summary.moduleTimestamp, lines: lines)))
    } else {
      // No module held the pc: the offset is the address itself.
      symbol = FrameSymbol(address: Address(offset), printedText: "0x" + HexFormat.digits(offset, width: min(digits, 16)))
      symbol.isUnresolved = true
    }
    let frame = StackFrame(index: 0, instruction: Address(offset), symbol: symbol, trust: .text, lines: lines)
    emitThread(
      CrashThread(
        architecture: architecture, architectureEvidence: evidence, frames: [frame], format: .windowsErrorReport, lines: lines,
        label: "Windows Error Reporting (the faulting module and offset)", isCrashed: true))
  }

  // MARK: - Reading the values

  /// WER's parameters by the event's name: APPCRASH gives the code, then the offset; BEX and
  /// BEX64 (a buffer overrun or DEP stop) the offset first.
  private mutating func applyParameters() {
    let p = summary.parameters
    guard let event = summary.eventName?.uppercased(), p.contains(where: { $0 != nil }) else { return }
    let codeIndex: Int
    let offsetIndex: Int
    switch event {
    case "APPCRASH": (codeIndex, offsetIndex) = (6, 7)
    case "BEX", "BEX64": (codeIndex, offsetIndex) = (7, 6)
    default: return
    }
    summary.application = summary.application ?? p[0]
    summary.applicationVersion = summary.applicationVersion ?? p[1]
    summary.module = summary.module ?? p[3]
    summary.moduleVersion = summary.moduleVersion ?? p[4]
    if summary.moduleTimestamp == nil, let stamp = p[5].flatMap(Self.hex) {
      summary.moduleTimestamp = UInt32(truncatingIfNeeded: stamp.value)
    }
    if summary.code == nil, let code = p[codeIndex].flatMap(Self.hex) { summary.code = UInt32(truncatingIfNeeded: code.value) }
    if summary.offset == nil, let offset = p[offsetIndex].flatMap(Self.hex) {
      (summary.offset, summary.offsetDigits) = (offset.value, offset.digits)
    }
  }

  /// XP's and Server 2003's `Faulting application A, version V, [stamp S, ]faulting module M,
  /// version V, [stamp S, debug? 0, ]fault address 0xO.`
  private mutating func readXPLine(_ line: TextLine) {
    var index = 2
    let count = line.tokens.count
    func word(_ at: Int) -> String { Self.trimmed(line.string(at)) }
    var inModule = false
    var name: [String] = []
    // The application's name runs to the first word ending in a comma.
    while index < count {
      let token = line.string(index)
      name.append(Self.trimmed(token))
      index += 1
      if token.hasSuffix(",") { break }
    }
    summary.application = Self.capped(name.joined(separator: " "))
    while index < count {
      if Bytes.equalsIgnoringCase(line.token(index), "version"), index + 1 < count {
        if inModule {
          summary.moduleVersion = Self.capped(word(index + 1))
        } else {
          summary.applicationVersion = Self.capped(word(index + 1))
        }
        index += 2
      } else if Bytes.equalsIgnoringCase(line.token(index), "stamp"), index + 1 < count {
        if inModule, let stamp = Self.hex(word(index + 1)) { summary.moduleTimestamp = UInt32(truncatingIfNeeded: stamp.value) }
        index += 2
      } else if Bytes.equalsIgnoringCase(line.token(index), "faulting"),
        Bytes.equalsIgnoringCase(line.token(index + 1), "module"),
        index + 2 < count
      {
        inModule = true
        summary.module = Self.capped(word(index + 2))
        index += 3
      } else if Bytes.equalsIgnoringCase(line.token(index), "fault"), index + 2 < count,
        Bytes.equalsIgnoringCase(line.token(index + 1), "address")
      {
        if let offset = Self.hex(word(index + 2)) { (summary.offset, summary.offsetDigits) = (offset.value, offset.digits) }
        index += 3
      } else {
        index += 1
      }
    }
    isCollecting = true
  }

  /// `Faulting application emsmta.exe, version …`: XP's one line (not Vista's `… name:`).
  private static func isXPLine(_ line: TextLine) -> Bool {
    line.tokens.count >= 8 && Bytes.equalsIgnoringCase(line.token(0), "Faulting")
      && Bytes.equalsIgnoringCase(line.token(1), "application")
      && !Bytes.equalsIgnoringCase(line.token(2), "name:") && !Bytes.hasPrefix(line.token(2), "path:")
      && !Bytes.equalsIgnoringCase(line.token(2), "start")
  }

  /// `Key words: value`: the key lower-cased (its words joined by one blank; a localized key
  /// as its English one, WindowsErrorReportLabels) and the value's text; the key is at most
  /// eight words, and a value may be glued to its colon (`path:C:\…`).
  private static func field(_ line: TextLine) -> (key: String, value: String)? {
    guard let field = fieldByColon(line) else { return nil }
    if knownKeys.contains(field.key) || parameterNumber(field.key) != nil { return field }
    // French prints its first field's name without a colon.
    return WindowsErrorReportLabels.fieldWithoutColon(line.text(fromToken: 0)) ?? field
  }

  private static func fieldByColon(_ line: TextLine) -> (key: String, value: String)? {
    let count = line.tokens.count
    for index in 0..<min(count, 8) {
      let token = line.token(index)
      guard let colon = token.firstIndex(of: ASCII.colon) else { continue }
      // A key has a word before its colon; a drive letter (`C:\…`) starts no key.
      guard colon > token.startIndex || index > 0 else { return nil }
      if index == 0, colon == token.startIndex + 1, colon + 1 < token.endIndex, token[colon + 1] == UInt8(ascii: "\\") {
        return nil
      }
      var key = ""
      for earlier in 0..<index { key += String(decoding: line.token(earlier), as: UTF8.self).lowercased() + " " }
      key += String(decoding: token[..<colon], as: UTF8.self).lowercased()
      // French sets its colons apart (`Code d’exception : 0x…`).
      while key.utf8.last == UInt8(ascii: " ") { key.removeLast() }
      guard key.utf8.count <= 96 else { return nil }
      key = WindowsErrorReportLabels.canonicalKey(key)
      var value = String(decoding: token[(colon + 1)...], as: UTF8.self)
      if index + 1 < count { value += (value.isEmpty ? "" : " ") + line.text(fromToken: index + 1) }
      return (key, value)
    }
    return nil
  }

  /// `emsmta.exe, version: 5.5.2653.23, time stamp: 0x3a7d1b61`: the parts.
  /// `app.exe，版本: 1.0，时间戳: 0x…` and the other languages' (WindowsErrorReportLabels) too.
  private static func nameVersionStamp(_ value: String) -> (name: String?, version: String?, stamp: UInt32?) {
    let parts = WindowsErrorReportLabels.valueParts(value)
    var result: (name: String?, version: String?, stamp: UInt32?) = (nil, nil, nil)
    if let first = parts.first, !first.isEmpty { result.name = capped(String(first)) }
    for part in parts.dropFirst() {
      switch WindowsErrorReportLabels.valuePart(part) {
      case (.version, let text)?: result.version = capped(String(text))
      case (.stamp, let text)?: result.stamp = hex(String(text)).map { UInt32(truncatingIfNeeded: $0.value) }
      case nil: break
      }
    }
    return result
  }

  /// `0xc0000005`, `c0000005`, `0x000000000385514d.`: the value and how many digits were printed.
  /// Windows 10 and 11 print some with the prefix twice (`0x0x1A2C`).
  private static func hex(_ text: String) -> (value: UInt64, digits: Int)? {
    var bytes = Array(trimmed(text).utf8)[...]
    for _ in 0..<2
    where bytes.count > 2 && bytes.first == UInt8(ascii: "0") && bytes[bytes.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
      bytes = bytes.dropFirst(2)
    }
    guard !bytes.isEmpty, bytes.count <= 16, let value = HexNumber.digits(bytes) else { return nil }
    return (value, bytes.count)
  }

  /// `P1` … `P10` as 1 … 10.
  private static func parameterNumber(_ key: String) -> Int? {
    guard key.hasPrefix("p"), let number = Int(key.dropFirst()), (1...10).contains(number) else { return nil }
    return number
  }

  /// WER's names for no module: `unknown`, `StackHash_0a9e`.
  private static func namesNoModule(_ name: String) -> Bool {
    name.lowercased() == "unknown" || name.lowercased().hasPrefix("stackhash_")
  }

  /// The processor: SysWOW64 in a path is a 32-bit process on 64-bit Windows; else the offset's
  /// width (MS-CER §2.2.3.1).
  private func decideArchitecture() -> (Architecture, [String]) {
    switch reportFileMachine {
    case 332: return (.x86, ["the report's Wow64Guest is 332 (IMAGE_FILE_MACHINE_I386): a 32-bit x86 process under WOW64"])
    case 452: return (.arm, ["the report's Wow64Guest is 452 (IMAGE_FILE_MACHINE_ARMNT): a 32-bit ARM process under WOW64"])
    default: break
    }
    for path in [summary.modulePath, summary.applicationPath].compactMap({ $0 }) where Self.namesWOW64(path) {
      return (.x86, ["a 32-bit process on 64-bit Windows: \(path) is in SysWOW64"])
    }
    switch summary.offsetDigits {
    case 16:
      return (
        .amd64,
        [
          "the fault offset has 16 digits, the width of a 64-bit process's addresses (MS-CER 2.2.3.1); "
            + "taken as amd64 (Windows on ARM64 prints the same width)"
        ]
      )
    case 8: return (.x86, ["the fault offset has 8 digits, the width of a 32-bit process's addresses (MS-CER 2.2.3.1)"])
    default: return (.unknown, ["the fault offset's width (\(summary.offsetDigits) digits) names no processor"])
    }
  }

  private static func namesWOW64(_ path: String) -> Bool {
    Bytes.contains(Array(path.lowercased().utf8)[...], "\\syswow64\\")
  }

  /// `C:\…` or `\\server\…`.
  private static func isWindowsPath(_ token: ByteSlice) -> Bool {
    guard token.count >= 3 else { return false }
    let bytes = Array(token.prefix(3))
    return (ASCII.isLetter(bytes[0]) && bytes[1] == ASCII.colon && bytes[2] == UInt8(ascii: "\\"))
      || (bytes[0] == UInt8(ascii: "\\") && bytes[1] == UInt8(ascii: "\\"))
  }

  private mutating func include(_ number: Int) {
    summary.lines = (summary.lines ?? LineRange(line: number)).including(number)
  }

  /// Without a trailing comma or full stop.
  private static func trimmed(_ text: String) -> String {
    var text = Substring(text)
    while let last = text.last, last == "," || last == "." { text = text.dropLast() }
    return String(text)
  }

  private static func capped(_ text: String, maximumBytes: Int = 256) -> String {
    TextLimits.singleLine(TextLimits.capped(trimmed(text), maximumBytes: maximumBytes))
  }
}
