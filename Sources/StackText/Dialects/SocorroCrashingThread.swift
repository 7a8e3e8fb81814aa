//===--- SocorroCrashingThread.swift - Mozilla's crash reports as bugs quote them ---===//
//
// Socorro (crash-stats.mozilla.org) fills a new bug's description with the
// crash's summary, and Mozilla's bugs carry it by the thousand:
//
//   Crash report: https://crash-stats.mozilla.org/report/index/3a1b2c3d-…-251207
//
//   Reason: ```EXCEPTION_ACCESS_VIOLATION_READ```        (or MOZ_CRASH Reason: ```…```)
//
//   Top 10 frames of crashing thread:
//   ```
//   0  xul.dll  mozilla::dom::Ledger::Close  dom/ledger/Ledger.cpp:212
//   1  xul.dll  mozilla::dom::Ledger_Binding::close  dom/bindings/LedgerBinding.cpp:88
//   ```
//
// (socorro's crashstats/bugzilla.py: the frame number left-justified in two
// columns, the module (`?` when none), the signature cut at 80 characters, the
// source as `file:line`, parted by two blanks; before 2020 by one blank each, the
// backticks absent.) A frame inlined into another repeats its number, listed
// above it. A signature of no function is `module@0xoffset` (the offset in the
// module) or `@0xaddress`. Crash-stats' own page lists the same columns under
// `Frame Module Signature Source Trust`, parted by tabs when copied. The reason
// is a Breakpad crash reason: `EXCEPTION_ACCESS_VIOLATION_READ` (a Windows
// exception), `SIGSEGV /SEGV_MAPERR` (a signal), `EXC_BAD_ACCESS /
// KERN_INVALID_ADDRESS` (a Mach exception). The frames name no processor.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Socorro's summary of a crash as a bug quotes it, gathered line by line.
struct SocorroCrashingThreadCollector {
  private struct Row {
    var number: Int
    var module: String?
    var signature: String
    var source: SourceLine?
    var line: Int
  }

  private var rows: [Row] = []
  private var lines: LineRange?
  private var reason: (text: String, line: Int, isMozCrash: Bool)?
  private var reportURL: String?
  /// Whether the rows' header was read (the rows follow).
  private var inRows = false
  /// Whether a `Crash report:` line of crash-stats was seen (its reason may follow).
  private var sawReportLine = false
  /// The most rows kept.
  var maximumRows = 4096

  /// Whether a summary is being read (the decoder then offers every line).
  var isCollecting: Bool { inRows || sawReportLine }

  /// Whether `line` may open a summary: `Crash report: https://crash-stats…`, `Top N frames of
  /// crashing thread:`, or crash-stats' `Frame Module Signature Source` header.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, line.tokens.count >= 3 else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "C"): return reportURL(line) != nil
    case UInt8(ascii: "T"): return isTopFramesHeader(line)
    case UInt8(ascii: "F"): return isTableHeader(line)
    default: return false
    }
  }

  /// `Crash report: https://crash-stats.mozilla.org/report/index/…`: the address.
  static func reportURL(_ line: TextLine) -> String? {
    guard line.tokens.count == 3, line.tokenEquals(0, "Crash"), line.tokenEquals(1, "report:") else { return nil }
    let url = line.string(2)
    guard url.hasPrefix("https://crash-stats.") || url.hasPrefix("http://crash-stats.") else { return nil }
    return TextLimits.singleLine(TextLimits.capped(url, maximumBytes: 256))
  }

  /// `Top 10 frames of crashing thread:`.
  static func isTopFramesHeader(_ line: TextLine) -> Bool {
    line.tokens.count == 6 && line.tokenEquals(0, "Top") && line.string(1).allSatisfy(\.isNumber) && line.tokenEquals(2, "frames")
      && line.tokenEquals(3, "of") && line.tokenEquals(4, "crashing") && line.tokenEquals(5, "thread:")
  }

  /// `Frame	Module	Signature	Source	Trust` (crash-stats' table).
  static func isTableHeader(_ line: TextLine) -> Bool {
    (line.tokens.count == 4 || line.tokens.count == 5) && line.tokenEquals(0, "Frame") && line.tokenEquals(1, "Module")
      && line.tokenEquals(2, "Signature") && line.tokenEquals(3, "Source")
  }

  /// `Reason: ```EXCEPTION_ACCESS_VIOLATION_READ```` or `MOZ_CRASH Reason: ```…````: the text.
  static func reasonLine(_ line: TextLine) -> (text: String, isMozCrash: Bool)? {
    let from: Int
    if line.tokens.count >= 2, line.tokenEquals(0, "Reason:") {
      from = 1
    } else if line.tokens.count >= 3, line.tokenEquals(0, "MOZ_CRASH"), line.tokenEquals(1, "Reason:") {
      from = 2
    } else {
      return nil
    }
    var text = Substring(line.text(fromToken: from))
    while text.hasPrefix("`") { text = text.dropFirst() }
    while text.hasSuffix("`") { text = text.dropLast() }
    guard !text.isEmpty else { return nil }
    return (TextLimits.singleLine(TextLimits.capped(String(text), maximumBytes: 512)), from == 2)
  }

  /// A row: its number, module, signature and source.
  static func row(_ line: TextLine) -> (number: Int, module: String?, signature: String, source: SourceLine?)? {
    guard line.tokens.count >= 3, line.token(0).count <= 4, line.token(0).allSatisfy(ASCII.isDigit),
      let number = Int(line.string(0))
    else { return nil }
    let text = line.text(fromToken: 1)
    // Runs of two blanks part the bug comment's columns; the comment before 2020 parted them by
    // one blank, and crash-stats' table by tabs, which reach here as blanks (an empty column
    // as two).
    var columns = text.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingBlanks() }
    if columns.count == 1 || columns[0].contains(" ") {
      // `0 xul.dll mozilla::dom::Ledger::Close dom/ledger/Ledger.cpp:212`, and crash-stats' table
      // once its tabs became blanks, its trust last (`context`, `cfi`, `scan`).
      var words = text.split(separator: " ")
      if words.count >= 3, trustWords.contains(String(words[words.count - 1])) { words.removeLast() }
      guard words.count >= 2 else { return nil }
      columns = [words[0]]
      if words.count >= 3, sourceLine(words[words.count - 1]) != nil {
        columns.append(Substring(words[1..<(words.count - 1)].joined(separator: " ")))
        columns.append(words[words.count - 1])
      } else {
        columns.append(Substring(words[1...].joined(separator: " ")))
      }
    }
    guard columns.count >= 2 else { return nil }
    let moduleText = columns[0]
    guard !moduleText.contains(" "), !columns[1].isEmpty else { return nil }
    let module = moduleText == "?" || moduleText.isEmpty ? nil : TextLimits.capped(String(moduleText), maximumBytes: 256)
    let source = columns.count >= 3 ? sourceLine(columns[2]) : nil
    return (number, module, TextLimits.capped(String(columns[1])), source)
  }

  /// How crash-stats' table says each frame was found (its last column).
  static let trustWords: Set<String> = [
    "context", "cfi", "scan", "cfi_scan", "frame_pointer", "prewalked", "inlined", "none",
  ]

  /// `dom/ledger/Ledger.cpp:212`: the file and line.
  static func sourceLine(_ text: Substring) -> SourceLine? {
    guard let colon = text.lastIndex(of: ":"), colon > text.startIndex, let number = Int(text[text.index(after: colon)...]),
      number > 0, !text.contains(" ")
    else { return nil }
    return SourceLine(file: TextLimits.capped(String(text[..<colon])), line: number)
  }

  /// Takes a line; false for one it does not read (which may end the summary).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if let url = Self.reportURL(line) {
      finish(emit: emit, emitThread: emitThread)
      reportURL = url
      sawReportLine = true
      lines = LineRange(line: line.number)
      return true
    }
    if Self.isTopFramesHeader(line) || Self.isTableHeader(line) {
      if !rows.isEmpty { finish(emit: emit, emitThread: emitThread) }
      inRows = true
      lines = lines?.including(line.number) ?? LineRange(line: line.number)
      return true
    }
    if inRows {
      if let row = Self.row(line) {
        if rows.count < maximumRows {
          rows.append(Row(number: row.number, module: row.module, signature: row.signature, source: row.source, line: line.number))
        }
        lines = lines?.including(line.number)
        return true
      }
      // The fence around the rows; a blank line before the first.
      if line.tokens.count == 1, Bytes.hasPrefix(line.token(0), "```") { return true }
      if line.isBlank, rows.isEmpty { return true }
      finish(emit: emit, emitThread: emitThread)
      return false
    }
    guard sawReportLine else { return false }
    if line.isBlank { return true }
    if let found = Self.reasonLine(line) {
      reason = (found.text, line.number, found.isMozCrash)
      lines = lines?.including(line.number)
      return true
    }
    // `No crashing thread identified; using thread 0.`, `Java stack trace:` (Java's reader takes
    // the stack): the summary goes on; anything else ends it.
    if line.tokens.count >= 2, line.tokenEquals(0, "No") || line.tokenEquals(0, "Java") { return false }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// Ends the summary: the report's address and reason as properties, the exception the reason
  /// names, the rows as the crashed thread.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      rows = []
      lines = nil
      reason = nil
      reportURL = nil
      inRows = false
      sawReportLine = false
    }
    guard inRows || sawReportLine else { return }
    if let reportURL { emit(.systemProperty(SystemProperty(key: "Crash report", value: reportURL))) }
    if let reason {
      if reason.isMozCrash {
        emit(.systemProperty(SystemProperty(key: "MOZ_CRASH reason", value: reason.text)))
      } else if let exception = Self.exception(reason.text, line: reason.line) {
        emit(.exception(exception))
      } else {
        emit(.systemProperty(SystemProperty(key: "Crash reason", value: reason.text)))
      }
    }
    guard !rows.isEmpty, let lines else { return }
    var frames: [StackFrame] = []
    for (index, row) in rows.enumerated() {
      // An inlined frame repeats the number of the frame that holds it, listed below it.
      let isInlined = index + 1 < rows.count && rows[index + 1].number == row.number
      frames.append(
        StackFrame(
          index: frames.count, symbol: Self.symbol(row), sourceLine: row.source, trust: .text,
          lines: LineRange(line: row.line), printedNumber: row.number, isInlined: isInlined))
    }
    emitThread(
      CrashThread(
        architectureEvidence: ["Socorro's frames name no processor"], frames: frames, format: .socorroFrames, lines: lines,
        label: "Crashing thread (crash-stats)", isCrashed: true))
  }

  /// A row's symbol: the signature as the function, or `module@0xoffset` as the offset into the
  /// module, `@0xaddress` as an address.
  private static func symbol(_ row: Row) -> FrameSymbol {
    let text = row.signature
    if let at = text.lastIndex(of: "@"), text[text.index(after: at)...].hasPrefix("0x"),
      let value = UInt64(text[text.index(at, offsetBy: 3)...], radix: 16)
    {
      var symbol = FrameSymbol(module: row.module, function: nil, printedText: text)
      if at == text.startIndex { symbol.address = Address(value) } else { symbol.moduleOffset = value }
      return symbol
    }
    return FrameSymbol(module: row.module, function: text, printedText: text)
  }

  /// The exception a Breakpad crash reason names: `EXCEPTION_ACCESS_VIOLATION_READ`,
  /// `SIGSEGV /SEGV_MAPERR`, `EXC_BAD_ACCESS / KERN_INVALID_ADDRESS`.
  static func exception(_ reason: String, line: Int) -> CrashException? {
    let name = reason.split(separator: " ").first.map(String.init) ?? reason
    var code: UInt32?
    if name.hasPrefix("EXCEPTION_") || name.hasPrefix("STATUS_") {
      var base = Substring(name)
      for suffix in ["_READ", "_WRITE", "_EXEC"] where base.hasSuffix(suffix) && base.hasPrefix("EXCEPTION_ACCESS_VIOLATION") {
        base = base.dropLast(suffix.count)
      }
      code = ExceptionCode.named(String(base))?.rawValue
    } else if name.hasPrefix("SIG") {
      code = LinuxSignal.number(named: name)
    } else if name.hasPrefix("EXC_") {
      code = MachException.number(named: name)
    }
    guard let code else { return nil }
    return CrashException(code: ExceptionCode(rawValue: code), description: reason, lines: LineRange(line: line))
  }
}
