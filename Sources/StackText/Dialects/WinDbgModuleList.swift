//===--- WinDbgModuleList.swift - WinDbg's `lm` and `lmv` module lists ------===//
//
// Forms (WinDbg's documentation of `lm`; the lines as the debugger prints them):
//   start    end        module name
//   10000000 1006c000   basic32    (private pdb symbols)  c:\symbols\basic32.pdb\34060D…2\basic32.pdb
//   77b20000 77cbf000   ntdll    T (pdb symbols)          c:\symbols\wntdll.pdb\0A5C…1\wntdll.pdb
//   00007ffd`2a2e0000 00007ffd`2a4d0000   KERNELBASE   (deferred)
//   00000001`80000000 00000001`80071000   mozwer     (export symbols)       mozwer.dll
//   77b20000 77cbf000   ntdll      C:\Windows\SYSTEM32\ntdll.dll      `lmf`: the image path
//   77b20000 77cbf000   ntdll    Fri Apr 28 06:11:29 2017 (5902C871)   `lmt`: the time stamp
// and, after a row of `lmv`, its record:
//       Image path: C:\Program Files\Mozilla Firefox\mozwer.dll
//       Image name: mozwer.dll
//       Timestamp:        Thu Dec 17 14:20:56 2020 (5FDB6A28)
//       Timestamp:        A52B7C6A (This is a reproducible build file hash, not a timestamp)
//       CheckSum:         00000000
//       ImageSize:        00071000
//       File version:     84.0.0.7642
// Rows without a symbol status (`lmf`, `lmn`, `lmt`) are read only under the column header,
// and then not when the name is all hex letters (a memory dump's row); the rows after
// `Unloaded modules:` are not loaded modules and are skipped. A row's range is the image's
// size, so `lmt`'s time stamp alone makes the code id.
//
// What a row gives besides the range: a symbol path in a symbol cache
// (`…\NAME.pdb\GUIDAGE\NAME.pdb`) names the debug file and id a symbol server files the PDB
// under; `lmv`'s time stamp and image size make the code id it files the image under.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Collects the modules of WinDbg `lm` listings, with `lmv`'s records.
struct WinDbgModuleList {
  /// The module whose `lmv` record lines may follow.
  private var current: CodeModule?
  /// The `start end module name` line was read, and no line that ends the list since.
  private var underHeader = false
  /// `Unloaded modules:` was read: the rows that follow are not loaded modules.
  private var inUnloaded = false

  /// Whether a list is open (a module waits for its record lines, or the header was read).
  /// Stored, not computed: the decoder asks on every line, and testing `current` would copy it.
  private(set) var isActive = false

  /// Offers a line; modules completed are passed to `emit`. Returns whether the line was
  /// part of a module list.
  mutating func consume(_ line: TextLine, emit: (CodeModule) -> Void) -> Bool {
    if line.isBlank {
      finish(emit: emit)
      return false
    }
    if Self.isColumnHeader(line) {
      finish(emit: emit)
      underHeader = true
      isActive = true
      return true
    }
    if Self.isUnloadedTitle(line) {
      finish(emit: emit)
      inUnloaded = true
      isActive = true
      return true
    }
    if current != nil, line.contentStart > 0, recordField(line) { return true }
    if let row = Self.row(line, withoutStatus: underHeader || inUnloaded) {
      if let current { emit(current) }
      current = nil
      if !inUnloaded { current = row }
      isActive = true
      return true
    }
    // DML link text WinDbg prints around the list.
    if isActive, line.starts(with: "Browse ") { return true }
    finish(emit: emit)
    return false
  }

  /// Emits a module still waiting for record lines and closes the list.
  mutating func finish(emit: (CodeModule) -> Void) {
    guard isActive else { return }
    if let current { emit(current) }
    current = nil
    underHeader = false
    inUnloaded = false
    isActive = false
  }

  /// `start end module name` (`lm`'s column header).
  static func isColumnHeader(_ line: TextLine) -> Bool {
    line.tokens.count == 4 && line.tokenEquals(0, "start") && line.tokenEquals(1, "end")
      && line.tokenEquals(2, "module") && line.tokenEquals(3, "name")
  }

  /// Whether `line` may open a list: the column header, `Unloaded modules:`, or a row.
  static func mayStart(_ line: TextLine) -> Bool {
    mayBeRow(line) || isColumnHeader(line) || isUnloadedTitle(line)
  }

  /// `Unloaded modules:`, after which rows are modules no longer loaded.
  static func isUnloadedTitle(_ line: TextLine) -> Bool {
    line.tokens.count == 2 && line.tokenEquals(0, "Unloaded") && line.tokenEquals(1, "modules:")
  }

  /// A cheap test that must hold for `row` to succeed: two hex words, then a name.
  static func mayBeRow(_ line: TextLine) -> Bool {
    guard line.tokens.count >= 3 else { return false }
    let first = line.token(0)
    return (first.count == 8 || first.count == 16 || first.count == 17) && ASCII.isHexDigit(first[first.startIndex])
  }

  // MARK: - Rows

  /// One row: the range, the module name and what follows it. Without a `(… symbols)` or
  /// `(deferred)` status the row is taken only when `withoutStatus` (under the header).
  static func row(_ line: TextLine, withoutStatus: Bool) -> CodeModule? {
    guard mayBeRow(line), let start = HexNumber.word(line.token(0), allowMasked: false)?.value,
      let end = HexNumber.word(line.token(1), allowMasked: false)?.value, end > start
    else { return nil }
    let name = line.token(2)
    guard isModuleName(name) else { return nil }
    // A name of hex letters only (`cdd`, the display driver) only with a symbol status after it.
    let nameIsHex = name.allSatisfy(ASCII.isHexDigit)
    var index = 3
    // Flags between the name and the status: C (checksum), T (time stamp), # (mismatch), M.
    while index < line.tokens.count, line.token(index).count == 1, line.token(index).first != ASCII.openParen {
      index += 1
    }
    var module = CodeModule(
      name: Bytes.string(name), base: Address(start), size: end - start, lines: LineRange(line: line.number))
    if index < line.tokens.count, line.token(index).first == ASCII.openParen {
      // The status runs to the token that closes it.
      var close = index
      while close < line.tokens.count, line.token(close).last != ASCII.closeParen { close += 1 }
      guard close < line.tokens.count, close - index < 5 else { return nil }
      let last = line.token(close)
      guard Bytes.equalsIgnoringCase(last, "(deferred)") || Bytes.equalsIgnoringCase(last, "symbols)") else {
        return nil
      }
      if close + 1 < line.tokens.count {
        applySymbolPath(Bytes.string(line.bytes(fromToken: close + 1)), to: &module)
      }
      return module
    }
    guard withoutStatus, !nameIsHex else { return nil }
    guard index < line.tokens.count else { return module }
    // `lmt`: the link time stamp, `Fri Apr 28 06:11:29 2017 (5902C871)`; with the row's size
    // (the image's), the code id.
    let last = line.token(line.tokens.count - 1)
    if last.count == 10, last.first == ASCII.openParen, last.last == ASCII.closeParen,
      let stamp = timestamp(Bytes.string(last))
    {
      module.timestamp = stamp
      return module
    }
    // `lmf` / `lmn`: the image's path or name.
    module.path = Bytes.string(line.bytes(fromToken: index))
    return module
  }

  /// A module name as `lm` prints it: no `!`, `+`, `(` or backtick, not `0x…`, not a number.
  private static func isModuleName(_ name: ByteSlice) -> Bool {
    guard !name.isEmpty, name.count <= 256, !Bytes.hasPrefix(name, "0x") else { return false }
    var sawLetter = false
    for byte in name {
      if byte == ASCII.bang || byte == ASCII.plus || byte == ASCII.openParen || byte == ASCII.backtick { return false }
      if !ASCII.isDigit(byte) { sawLetter = true }
    }
    return sawLetter
  }

  /// What the path after the status says: a PDB in a symbol cache names its debug file and
  /// id (`…\ntdll.pdb\1EB9FACB04EA273BB4BA52C8A2A1D8911\ntdll.pdb`); a PDB elsewhere names the
  /// debug file; an image (`(export symbols) mozwer.dll`) is the module's path.
  static func applySymbolPath(_ path: String, to module: inout CodeModule) {
    let parts = path.split(whereSeparator: { $0 == "\\" || $0 == "/" }).map(String.init)
    guard let file = parts.last else { return }
    let lower = file.lowercased()
    guard lower.hasSuffix(".pdb") || lower.hasSuffix(".dbg") || lower.hasSuffix(".sym") else {
      module.path = path
      return
    }
    module.debugFile = file
    if parts.count >= 3, parts[parts.count - 3].lowercased() == lower, let id = debugIdentifier(parts[parts.count - 2]) {
      module.debugIdentifier = id
    }
  }

  /// A symbol store's id directory: a GUID and age (33–40 hex digits) or an NB10 signature
  /// and age (9–16), upper-cased as Breakpad prints it.
  static func debugIdentifier(_ text: String) -> String? {
    let count = text.utf8.count
    guard (9...40).contains(count), text.utf8.allSatisfy(ASCII.isHexDigit) else { return nil }
    return text.uppercased()
  }

  // MARK: - lmv records

  /// One indented `Key: value` line of the current module's `lmv` record; whether it was one.
  private mutating func recordField(_ line: TextLine) -> Bool {
    let text = line.bytes[line.contentStart...]
    guard let colon = text.firstIndex(of: ASCII.colon), colon > text.startIndex else {
      // `Browse all global symbols  functions  data`, `Image was built with /Brepro flag.`
      return line.starts(with: "Browse ") || line.starts(with: "Image was built")
    }
    let key = Bytes.string(Bytes.trimmingBlanks(text[..<colon]))
    let value = Bytes.string(Bytes.trimmingBlanks(text[(colon + 1)...]))
    guard key.utf8.count <= 40, !key.contains("  ") else { return false }
    switch key.lowercased() {
    case "image path":
      if !value.isEmpty { current?.path = value }
    case "image name":
      if current?.path == nil, !value.isEmpty { current?.path = value }
    case "timestamp":
      current?.timestamp = Self.timestamp(value)
    case "checksum":
      current?.checksum = Self.hex32(value)
    case "imagesize":
      if let size = Self.hex32(value), size > 0 { current?.size = UInt64(size) }
    case "file version":
      if !value.isEmpty { current?.version = value }
    default:
      break
    }
    // Every other `Key: value` of the record (and of its resource table) is taken and dropped.
    return true
  }

  /// `Fri Apr 28 06:11:29 2017 (5902C871)` or `A52B7C6A (This is a reproducible build …)`.
  static func timestamp(_ value: String) -> UInt32? {
    if let first = value.split(separator: " ").first, let stamp = hex32(String(first)), first.utf8.count == 8 {
      return stamp
    }
    guard let open = value.lastIndex(of: "("), let close = value[open...].firstIndex(of: ")") else { return nil }
    let inside = value[value.index(after: open)..<close]
    return inside.utf8.count == 8 ? hex32(String(inside)) : nil
  }

  /// Up to eight hex digits.
  static func hex32(_ text: String) -> UInt32? {
    guard (1...8).contains(text.utf8.count), text.utf8.allSatisfy(ASCII.isHexDigit) else { return nil }
    return UInt32(text, radix: 16)
  }
}
