//===--- UnityCrashLog.swift - A Unity player's or editor's native crash ------===//
//
// A Unity game or the Unity editor that crashes on Windows writes what its crash
// handler found to `Player.log` / `Editor.log` (and the crash folder's copy):
//
//   UnityPlayer.dll caused an Access Violation (0xc0000005)
//     in module UnityPlayer.dll at 0033:0a273ee2.
//   …
//   Crash!!!
//   SymInit: Symbol-SearchPath: '…', symOptions: 534, UserName: 'player'
//   C:\Games\Ledger\UnityPlayer.dll:UnityPlayer.dll (00007FFD0A000000), size: 29360128 (result: 0), SymType: '-exported-', PDB: 'C:\Games\Ledger\UnityPlayer.dll', fileVersion: 2021.3.16.4016570
//   …
//   ========== OUTPUTTING STACK TRACE ==================
//
//   0x00007FF96D740CB9 (ktx_unity) [H:\git\KTX\lib\texture.c:529] ktxTexture_GetElementSize
//   0x00007FFD0A273EE2 (UnityPlayer) UnityMain
//     ERROR: SymGetSymFromAddr64, GetLastError: 'Attempt to access invalid address.' (Address: 00007FFD0A0678AA)
//   0x00007FFD0A0678AA (UnityPlayer) (function-name not available)
//   0x0000023E504EF963 (Mono JIT Code) [D:\Game\Assets\Ledger.cs:141] Ledger.Book:Close()
//
//   ========== END OF STACKTRACE ===========
//
// (StackWalker's text: each row the pc or return address, the module in
// parentheses, the source in brackets when the module's PDB had it, the
// function.) The module list before the stack gives each module's base, size,
// path and file version. Without the module's PDB, StackWalker names a frame by
// the export nearest below it — `UnityPlayer.dll` exports little more than
// `UnityMain`, so most of its frames print that name: a name that one module's
// frames share across addresses 64 KiB or more apart is dropped, and those
// frames are the module and the offset into it, one bucket per crash site.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A Unity crash log's module list and stack, gathered line by line.
struct UnityCrashLogCollector {
  private struct Row {
    var address: UInt64
    var module: String?
    var function: String?
    var source: SourceLine?
    var line: Int
    var digits: Int
  }

  private var rows: [Row] = []
  private var lines: LineRange?
  private var modules: [CodeModule] = []
  private var inStack = false
  /// The most rows and modules kept.
  var maximumRows = 4096
  var maximumModules = 4096
  /// Frames of one module sharing a name this far apart were named by an export.
  static let exportSpread: UInt64 = 64 << 10

  /// Whether the stack is being read (the decoder then offers every line).
  var isCollecting: Bool { inStack }

  /// Whether `line` may open the stack, be a module of the list or the exception (a few bytes and
  /// words looked at).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    let tokens = line.tokens
    guard tokens.count >= 4 else { return false }
    let bytes = line.bytes
    let first = tokens[0]
    switch bytes[first.lowerBound] {
    case UInt8(ascii: "="): return isStackStart(line)
    default:
      if tokens.count >= 6, first.count >= 4, bytes[first.lowerBound + 1] == ASCII.colon { return true }
      return bytes[bytes.count - 1] == UInt8(ascii: ")") && line.tokenEquals(1, "caused")
    }
  }

  /// `========== OUTPUTTING STACK TRACE ==================`.
  static func isStackStart(_ line: TextLine) -> Bool {
    line.tokens.count == 5 && line.token(0).first == UInt8(ascii: "=") && line.tokenEquals(1, "OUTPUTTING")
      && line.tokenEquals(2, "STACK") && line.tokenEquals(3, "TRACE")
  }

  /// `========== END OF STACKTRACE ===========`.
  static func isStackEnd(_ line: TextLine) -> Bool {
    line.tokens.count == 5 && line.token(0).first == UInt8(ascii: "=") && line.tokenEquals(1, "END") && line.tokenEquals(2, "OF")
      && line.tokenEquals(3, "STACKTRACE")
  }

  /// `0x00007FF63B7BE803 (Unity) GfxDeviceVK::InsertCustomMarkerCallback`, with `[file:line]`
  /// before the function when known, `(function-name not available)` when not.
  static func row(_ line: TextLine) -> (address: UInt64, digits: Int, module: String?, function: String?, source: SourceLine?)? {
    guard line.tokens.count >= 2, line.contentStart == 0 else { return nil }
    let first = line.token(0)
    guard Bytes.hasPrefix(first, "0x") else { return nil }
    // The module's parenthesis may follow the address without a blank.
    let digitsEnd = first.dropFirst(2).firstIndex(where: { !ASCII.isHexDigit($0) }) ?? first.endIndex
    let digits = first[(first.startIndex + 2)..<digitsEnd]
    guard digits.count == 8 || digits.count == 16, let address = HexNumber.digits(digits) else { return nil }
    var rest = Substring(line.text(fromToken: 0)).dropFirst(2 + digits.count).trimmingBlanks()
    guard rest.hasPrefix("("), let close = rest.firstIndex(of: ")") else { return nil }
    let module = rest[rest.index(after: rest.startIndex)..<close]
    guard !module.isEmpty, module.count <= 128 else { return nil }
    rest = rest[rest.index(after: close)...].trimmingBlanks()
    var source: SourceLine?
    if rest.hasPrefix("["), let end = rest.firstIndex(of: "]") {
      let place = rest[rest.index(after: rest.startIndex)..<end]
      if let colon = place.lastIndex(of: ":"), let number = Int(place[place.index(after: colon)...]), number > 0 {
        source = SourceLine(file: TextLimits.capped(String(place[..<colon])), line: number)
      }
      rest = rest[rest.index(after: end)...].trimmingBlanks()
    }
    let function: String? = rest.isEmpty || rest == "(function-name not available)" ? nil : TextLimits.capped(String(rest))
    let moduleName: String? = module == "Mono JIT Code" ? nil : TextLimits.capped(String(module), maximumBytes: 128)
    return (address, digits.count, moduleName, function, source)
  }

  /// `C:\Games\Ledger\UnityPlayer.dll:UnityPlayer.dll (00007FFD0A000000), size: 29360128 (result: 0),
  /// SymType: '-exported-', PDB: '…', fileVersion: 2021.3.16.4016570`: a module.
  static func module(_ line: TextLine) -> CodeModule? {
    // A drive's path first (`C:\…`), and StackWalker's `SymType:` among the words: asked before any
    // text is built.
    guard line.tokens.count >= 6, line.contentStart == 0 else { return nil }
    let first = line.token(0)
    guard first.count >= 4, first[first.startIndex + 1] == ASCII.colon, first[first.startIndex + 2] == UInt8(ascii: "\\"),
      (2..<line.tokens.count).contains(where: { line.tokenEquals($0, "SymType:") })
    else { return nil }
    let text = Substring(line.text(fromToken: 0))
    guard let size = text.firstRange(of: "), size: "), text[size.upperBound...].contains("SymType:"),
      let open = text[..<size.lowerBound].lastIndex(of: "(")
    else { return nil }
    let baseText = text[text.index(after: open)..<size.lowerBound]
    guard baseText.count == 8 || baseText.count == 16, let base = UInt64(baseText, radix: 16) else { return nil }
    let file = text[..<open].trimmingBlanks()
    // `PATH:NAME`: the name after the last colon (a drive's colon comes first).
    guard let colon = file.lastIndex(of: ":"), colon > file.startIndex else { return nil }
    let name = file[file.index(after: colon)...]
    guard !name.isEmpty, !name.contains("\\") else { return nil }
    let sizeValue = UInt64(text[size.upperBound...].prefix { $0.isNumber })
    var version: String?
    if let marker = text.firstRange(of: "fileVersion: ") {
      let value = text[marker.upperBound...].prefix { $0 != "," && $0 != " " }
      if !value.isEmpty { version = TextLimits.capped(String(value), maximumBytes: 64) }
    }
    return CodeModule(
      name: TextLimits.capped(String(name), maximumBytes: 256), path: TextLimits.capped(String(file[..<colon])),
      base: Address(base), size: sizeValue.flatMap { $0 > 0 ? $0 : nil }, version: version)
  }

  /// `UnityPlayer.dll caused an Access Violation (0xc0000005)`: the exception (the next line's `in
  /// module … at 0033:0a273ee2.` is the crash handler's too).
  static func exception(_ line: TextLine) -> CrashException? {
    guard line.tokens.count >= 4, line.tokenEquals(1, "caused"), line.tokenEquals(2, "an") || line.tokenEquals(2, "a") else {
      return nil
    }
    let last = line.string(line.tokens.count - 1)
    guard last.hasPrefix("(0x"), last.hasSuffix(")"), let code = UInt32(last.dropFirst(3).dropLast(), radix: 16) else {
      return nil
    }
    let words = line.text(fromToken: 3, throughToken: line.tokens.count - 2)
    return CrashException(
      code: ExceptionCode(rawValue: code), description: TextLimits.singleLine(TextLimits.capped(words, maximumBytes: 128)),
      lines: LineRange(line: line.number))
  }

  /// Takes a line; false for one it does not read.
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if inStack {
      if Self.isStackEnd(line) {
        lines = lines?.including(line.number)
        finish(emit: emit, emitThread: emitThread)
        return true
      }
      if let row = Self.row(line) {
        if rows.count < maximumRows {
          rows.append(Row(address: row.address, module: row.module, function: row.function, source: row.source, line: line.number, digits: row.digits))
        }
        lines = lines?.including(line.number)
        return true
      }
      // StackWalker's notes between rows (`  ERROR: SymGetSymFromAddr64, …`) and blank lines.
      if line.isBlank || line.contentStart > 0 && line.tokenEquals(0, "ERROR:") { return true }
      finish(emit: emit, emitThread: emitThread)
      return false
    }
    if Self.isStackStart(line) {
      inStack = true
      rows = []
      lines = LineRange(line: line.number)
      return true
    }
    if let module = Self.module(line) {
      if modules.count < maximumModules { modules.append(module) }
      return true
    }
    if let exception = Self.exception(line) {
      emit(.exception(exception))
      return true
    }
    return false
  }

  /// Ends the stack: the modules, then the rows as the crashed thread (names an export gave
  /// dropped).
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      rows = []
      lines = nil
      modules = []
      inStack = false
    }
    for module in modules { emit(.module(module)) }
    guard !rows.isEmpty, let lines else { return }
    let exported = Self.exportNames(rows)
    let sortedModules = modules.sorted { $0.base < $1.base }
    let is32Bit = rows.allSatisfy { $0.digits == 8 }
    let architecture: Architecture = is32Bit ? .x86 : .amd64
    var frames: [StackFrame] = []
    for (index, row) in rows.enumerated() {
      let function = row.function.flatMap { exported.contains(ExportKey(module: row.module, name: $0)) ? nil : $0 }
      var symbol = FrameSymbol(module: row.module, function: function, printedText: row.function ?? "")
      if function == nil {
        if let found = SortedSearch.lastIndex(atOrBelow: row.address, count: sortedModules.count, key: { sortedModules[$0].base.rawValue }),
          case let image = sortedModules[found], image.size.map({ row.address - image.base.rawValue < $0 }) ?? false, row.module.map({ ModuleName.stem(image.name) == $0 }) ?? true
        {
          symbol.moduleOffset = row.address - image.base.rawValue
        } else {
          symbol.address = Address(row.address)
        }
      }
      frames.append(StackFrame(index: index, symbol: symbol, sourceLine: row.source, trust: .text, lines: LineRange(line: row.line)))
    }
    CallStack.place(rows.map { .returnAddress($0.address) }, in: &frames, architecture: architecture)
    let evidence =
      is32Bit
      ? "the crash handler printed 8-digit addresses: a 32-bit process"
      : "the crash handler printed 16-digit addresses: a 64-bit Windows process, taken as amd64"
    emitThread(
      CrashThread(
        architecture: architecture, architectureEvidence: [evidence], frames: frames, format: .unityCrash, lines: lines,
        label: "Unity crash handler's stack", isCrashed: true))
  }

  private struct ExportKey: Hashable {
    var module: String?
    var name: String
  }

  /// The names one module's rows share across addresses `exportSpread` or more apart: exports
  /// StackWalker fell back to.
  private static func exportNames(_ rows: [Row]) -> Set<ExportKey> {
    var spans: [ExportKey: (low: UInt64, high: UInt64)] = [:]
    for row in rows {
      guard let name = row.function, row.source == nil else { continue }
      let key = ExportKey(module: row.module, name: name)
      let span = spans[key] ?? (row.address, row.address)
      spans[key] = (min(span.low, row.address), max(span.high, row.address))
    }
    return Set(spans.filter { $0.value.high - $0.value.low >= exportSpread }.keys)
  }
}
