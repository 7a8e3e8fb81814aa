//===--- SymbolizeCommand.swift - `analyse symbolize`, beside llvm-symbolizer ---===//
//
//   analyse symbolize --obj FILE [--inlines] [--json] [ADDRESS…]
//   analyse symbolize --symbols DIR --module NAME [--inlines] [--json] [ADDRESS…]
//   analyse symbolize --source-map FILE [--json] [LINE:COLUMN…]   (SourceMapSymbolize.swift)
//
// Addresses are module-relative (what `nm` prints for ELF, RVAs for PE), hex with
// or without 0x, as arguments or one per line on standard input. Output is
// llvm-symbolizer's: per address, `function` and `file:line:column` for each
// frame (innermost first with --inlines), then a blank line; `??` where unknown.
// --json writes one JSON object per address, with llvm-symbolizer's keys.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import BreakpadSymbols
import CrashAnalysis
import CrashCore
import ELFSymbols
import MapFiles
import Symbolication

#if canImport(Glibc)
  import Glibc
#endif

struct SymbolizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "symbolize",
    abstract: "Resolve module-relative addresses to functions, files and lines.",
    discussion: """
      Reads a Breakpad .sym, an MSVC .map, an ELF file (DWARF through libdw), a PE image (with its \
      PDB beside it), a PDB 7.0 file or a CAB-compressed one (.pd_) with --obj, \
      or finds the module's file in a symbol store with --symbols and --module. Addresses \
      come from the arguments or, one per line, from standard input.
      """
  )

  @Option(name: .long, help: ArgumentHelp("The symbol file: .sym, .map, ELF, PE, PDB or .pd_.", valueName: "file"))
  var obj: String?

  @Option(
    name: .customLong("source-map"),
    help: ArgumentHelp("A JavaScript source map: the arguments are LINE:COLUMN places of its generated script.", valueName: "file"))
  var sourceMap: String?

  @Option(name: .customLong("symbols"), help: ArgumentHelp("A symbol store (repeatable).", valueName: "dir"))
  var symbolRoots: [String] = []

  @Option(name: .long, help: "The module to find in the store (with --symbols).")
  var module: String?

  @Option(name: .long, help: ArgumentHelp("Which build of --module: its debug id (the store's directory name).", valueName: "id"))
  var debugId: String?

  @Option(name: .long, help: "Directories holding separate ELF debug files (.build-id/…).")
  var debugRoot: [String] = []

  @Flag(name: .long, inversion: .prefixedNo, help: "Print inlined calls, innermost first (default on, as llvm-symbolizer).")
  var inlines = true

  @Flag(name: .long, help: "One JSON object per address.")
  var json = false

  @Argument(help: "Addresses (hex), or LINE:COLUMN places with --source-map. With none, read them from standard input.")
  var addresses: [String] = []

  @OptionGroup(title: "Symbol servers")
  var symbolPath: SymbolPathOptions

  func validate() throws {
    guard [obj != nil, module != nil, sourceMap != nil].filter({ $0 }).count == 1 else {
      throw ValidationError("give one of --obj FILE, --symbols DIR --module NAME, or --source-map FILE")
    }
    if module != nil && symbolRoots.isEmpty && symbolPath.parsedPath == nil {
      throw ValidationError("--module needs --symbols DIR or --symbol-path")
    }
    if debugId != nil && module == nil { throw ValidationError("--debug-id needs --symbols DIR --module NAME") }
  }

  func run() throws {
    if let sourceMap { return try symbolizeSourceMapPlaces(mapPath: sourceMap) }
    let source = try openSource()
    var notAddresses = 0
    var output: [UInt8] = []
    output.reserveCapacity(1 << 17)
    func flush(force: Bool = false) {
      if force || output.count > 1 << 16 {
        output.withUnsafeBytes { Console.output.write($0) }
        output.removeAll(keepingCapacity: true)
      }
    }
    func answer(_ text: String) { answerBytes(Array(text.utf8)[...]) }
    func answerBytes(_ bytes: ArraySlice<UInt8>) {
      guard let address = Self.parseAddress(bytes) else {
        let text = String(decoding: bytes.prefix(64), as: UTF8.self)
        let message = json ? "{\"Address\":\"\(text)\",\"Error\":\"not a hex address\"}\n" : "??\n??:0:0\n\n"
        output.append(contentsOf: message.utf8)
        // The answer keeps its place in the stream; the mistake is named, and the exit says so.
        notAddresses += 1
        if notAddresses <= 10 { Console.error("analyse symbolize: '\(text)' is not a hex address\n") }
        return
      }
      let lookup = source.lookup(address)
      if json {
        output.append(contentsOf: jsonAnswer(address, lookup, origin: source.origin).utf8)
      } else {
        appendText(lookup, to: &output)
      }
      flush()
    }
    if addresses.isEmpty {
      // Standard input in 1 MiB reads, split at line breaks (faster than readLine).
      var pending: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 1 << 20)
      while true {
        let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        pending += buffer[0..<count]
        var start = 0
        while let newline = pending[start...].firstIndex(of: 0x0A) {
          let line = Self.trimmed(pending[start..<newline])
          if !line.isEmpty { answerBytes(line) }
          start = newline + 1
        }
        pending.removeFirst(start)
        if pending.count > 1 << 16 { pending.removeAll() }  // no address is that long
      }
      let line = Self.trimmed(pending[...])
      if !line.isEmpty { answerBytes(line) }
    } else {
      addresses.forEach(answer)
    }
    flush(force: true)
    if notAddresses > 0 {
      if notAddresses > 10 { Console.error("analyse symbolize: \(notAddresses) inputs were not hex addresses\n") }
      try Console.finish()
      throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
    }
  }

  private func openSource() throws -> any SymbolSource {
    if let obj { return try Self.open(obj, debugRoots: debugRoot) }
    let store = symbolPath.store(roots: symbolRoots) ?? SymbolStore(roots: symbolRoots)
    var all = store.entries(forModule: module ?? "")
    // A build named by its id is looked up as a dump's module is: the servers on the path are asked.
    if let debugId, let module, let byID = try? store.entries(debugFile: module, debugIdentifier: debugId), !byID.isEmpty {
      all = byID
    }
    let entries = debugId.map { id in all.filter { $0.debugIdentifier.lowercased() == id.lowercased() } } ?? all
    guard let entry = entries.first else {
      let build = debugId.map { " with debug id \($0) (builds: \(all.map(\.debugIdentifier).joined(separator: ", ")))" } ?? ""
      throw fail("no symbol file for module \(module ?? "")\(build) under \(symbolRoots.joined(separator: ", "))")
    }
    if entries.count > 1 {
      throw fail(
        "\(entries.count) symbol files for \(module ?? ""): "
          + entries.map { "\($0.debugIdentifier) (\($0.path))" }.joined(separator: ", ") + "; pick one with --debug-id or --obj")
    }
    switch store.load(entry) {
    case .success(let loaded): return loaded.source
    case .failure(let error): throw fail(error.message)
    }
  }

  /// Opens a symbol file by its content: ELF magic, Breakpad MODULE line, or a linker map.
  static func open(_ path: String, debugRoots: [String]) throws -> any SymbolSource {
    let head = FileHead(path: path)
    do {
      if head.isELF { return try ELFSymbolFile(path: path, debugRoots: debugRoots) }
      // PE images (with their PDB beside them), PDB 7.0 files and cabinets of either.
      if SymbolFileDumper.reads(path) { return try SymbolFileDumper.symbolSource(at: path) }
      if head.startsWith("MODULE ") || path.lowercased().hasSuffix(".sym") { return try BreakpadSymbolFile(path: path) }
      return try LinkerMapFile(path: path)
    } catch let error as CustomStringConvertible {
      throw fail(error.description)
    }
  }

  /// llvm-symbolizer's LLVM style: `name`, `file:line:column` per frame, a blank line.
  private func appendText(_ lookup: SymbolLookup?, to output: inout [UInt8]) {
    guard let lookup else {
      output.append(contentsOf: "??\n??:0:0\n\n".utf8)
      return
    }
    var frames = lookup.frames
    if !inlines {
      // The function that holds the address, at the innermost position.
      var outer = lookup.function
      outer.file = lookup.frames[0].file
      outer.line = lookup.frames[0].line
      outer.column = lookup.frames[0].column
      frames = [outer]
    }
    for frame in frames {
      output.append(contentsOf: frame.name.isEmpty ? "??".utf8 : frame.name.utf8)
      output.append(0x0A)
      output.append(contentsOf: (frame.file ?? "??").utf8)
      output.append(0x3A)
      Self.appendDecimal(frame.line ?? 0, to: &output)
      output.append(0x3A)
      Self.appendDecimal(frame.column ?? 0, to: &output)
      output.append(0x0A)
    }
    output.append(0x0A)
  }

  static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
    guard value > 0 else {
      output.append(0x30)
      return
    }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    var remaining = value
    withUnsafeMutableBytes(of: &digits) { buffer in
      while remaining > 0 && count < 20 {
        buffer[count] = UInt8(0x30 + remaining % 10)
        remaining /= 10
        count += 1
      }
      while count > 0 {
        count -= 1
        output.append(buffer[count])
      }
    }
  }

  private func jsonAnswer(_ address: UInt64, _ lookup: SymbolLookup?, origin: SymbolSourceOrigin) -> String {
    var symbols: [JSONValue] = []
    for frame in lookup.map({ inlines ? $0.frames : [$0.function] }) ?? [] {
      symbols.append(
        .object([
          ("FunctionName", .string(frame.name)), ("FileName", .string(frame.file ?? "")),
          ("Line", .int(frame.line ?? 0)), ("Column", .int(frame.column ?? 0)),
          ("StartAddress", .string(lookup.map { "0x" + String($0.functionStart, radix: 16) } ?? "")),
        ]))
    }
    let object = JSONValue.object([
      ("Address", .string("0x" + String(address, radix: 16))), ("ModuleName", .string(origin.path)),
      ("Symbol", .array(symbols)),
    ])
    return object.serialized(indent: 0) + "\n"
  }

  /// `bytes` without leading and trailing blanks, tabs and CRs.
  static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var slice = bytes
    while let first = slice.first, first == 0x20 || first == 0x09 || first == 0x0D { slice = slice.dropFirst() }
    while let last = slice.last, last == 0x20 || last == 0x09 || last == 0x0D { slice = slice.dropLast() }
    return slice
  }

  /// A hex address (`0x` optional, at most 16 digits) from bytes.
  static func parseAddress(_ bytes: ArraySlice<UInt8>) -> UInt64? {
    var digits = bytes
    if digits.count >= 2, digits.first == 0x30, digits[digits.startIndex + 1] | 0x20 == 0x78 { digits = digits.dropFirst(2) }
    return HexField.value(digits)
  }

  static func parseAddress(_ text: String) -> UInt64? {
    var digits = Substring(text)
    if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
    guard !digits.isEmpty, digits.count <= 16 else { return nil }
    return UInt64(digits, radix: 16)
  }
}

/// Fails a subcommand with one line on standard error and exit status 3.
func fail(_ message: String) -> ExitCode {
  Console.error("analyse: \(message)\n")
  return ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
}

/// The first bytes of a file, to tell formats apart.
struct FileHead {
  var bytes: [UInt8] = []

  init(path: String) {
    guard let file = fopen(path, "r") else { return }
    defer { fclose(file) }
    var buffer = [UInt8](repeating: 0, count: 16)
    let count = fread(&buffer, 1, buffer.count, file)
    bytes = Array(buffer.prefix(count))
  }

  var isELF: Bool { bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) }

  func startsWith(_ text: String) -> Bool { bytes.starts(with: Array(text.utf8)) }
}
