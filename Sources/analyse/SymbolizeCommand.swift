//===--- SymbolizeCommand.swift - `analyse symbolize`, beside llvm-symbolizer ---===//
//
//   analyse symbolize --obj FILE [--inlines] [--json] [ADDRESS…]
//   analyse symbolize --symbols DIR --module NAME [--inlines] [--json] [ADDRESS…]
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
      Reads a Breakpad .sym, an MSVC .map or an ELF file (DWARF through libdw) with --obj, \
      or finds the module's file in a symbol store with --symbols and --module. Addresses \
      come from the arguments or, one per line, from standard input.
      """
  )

  @Option(name: .long, help: ArgumentHelp("The symbol file: .sym, .map or ELF.", valueName: "file"))
  var obj: String?

  @Option(name: .customLong("symbols"), help: ArgumentHelp("A symbol store (repeatable).", valueName: "dir"))
  var symbolRoots: [String] = []

  @Option(name: .long, help: "The module to find in the store (with --symbols).")
  var module: String?

  @Option(name: .long, help: "Directories holding separate ELF debug files (.build-id/…).")
  var debugRoot: [String] = []

  @Flag(name: .long, inversion: .prefixedNo, help: "Print inlined calls, innermost first (default on, as llvm-symbolizer).")
  var inlines = true

  @Flag(name: .long, help: "One JSON object per address.")
  var json = false

  @Argument(help: "Addresses (hex). With none, read them from standard input.")
  var addresses: [String] = []

  func validate() throws {
    guard (obj != nil) != (module != nil) else {
      throw ValidationError("give either --obj FILE or --symbols DIR --module NAME")
    }
    if module != nil && symbolRoots.isEmpty { throw ValidationError("--module needs --symbols DIR") }
  }

  func run() throws {
    let source = try openSource()
    var output = ""
    func flush(force: Bool = false) {
      if force || output.utf8.count > 1 << 16 {
        FileDescriptorOutput.standardOutput.write(output)
        output = ""
      }
    }
    func answer(_ text: String) {
      guard let address = Self.parseAddress(text) else {
        output += json ? "{\"Address\":\"\(text)\",\"Error\":\"not a hex address\"}\n" : "??\n??:0:0\n\n"
        return
      }
      let lookup = source.lookup(address)
      output += json ? jsonAnswer(address, lookup, origin: source.origin) : textAnswer(lookup)
      flush()
    }
    if addresses.isEmpty {
      while let line = readLine(strippingNewline: true) {
        let trimmed = line.trimmingCharacters(in: " \t\r")
        if !trimmed.isEmpty { answer(trimmed) }
      }
    } else {
      addresses.forEach(answer)
    }
    flush(force: true)
  }

  private func openSource() throws -> any SymbolSource {
    if let obj { return try Self.open(obj, debugRoots: debugRoot) }
    let store = SymbolStore(roots: symbolRoots)
    let entries = store.entries(forModule: module ?? "")
    guard let entry = entries.first else {
      throw fail("no symbol file for module \(module ?? "") under \(symbolRoots.joined(separator: ", "))")
    }
    if entries.count > 1 {
      throw fail(
        "\(entries.count) symbol files for \(module ?? ""): "
          + entries.map(\.path).joined(separator: ", ") + "; pick one with --obj")
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
      if head.startsWith("MODULE ") || path.lowercased().hasSuffix(".sym") { return try BreakpadSymbolFile(path: path) }
      return try LinkerMapFile(path: path)
    } catch let error as CustomStringConvertible {
      throw fail(error.description)
    }
  }

  private func textAnswer(_ lookup: SymbolLookup?) -> String {
    guard let lookup else { return "??\n??:0:0\n\n" }
    var frames = lookup.frames
    if !inlines {
      // The function that holds the address, at the innermost position.
      var outer = lookup.function
      outer.file = lookup.frames[0].file
      outer.line = lookup.frames[0].line
      outer.column = lookup.frames[0].column
      frames = [outer]
    }
    var text = ""
    for frame in frames {
      text += (frame.name.isEmpty ? "??" : frame.name) + "\n"
      text += "\(frame.file ?? "??"):\(frame.line ?? 0):\(frame.column ?? 0)\n"
    }
    return text + "\n"
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

  static func parseAddress(_ text: String) -> UInt64? {
    var digits = Substring(text)
    if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
    guard !digits.isEmpty, digits.count <= 16 else { return nil }
    return UInt64(digits, radix: 16)
  }
}

/// Fails a subcommand with one line on standard error and exit status 3.
func fail(_ message: String) -> ExitCode {
  FileDescriptorOutput.standardError.write("analyse: \(message)\n")
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

extension String {
  fileprivate func trimmingCharacters(in set: String) -> String {
    let characters = Set(set)
    var text = Substring(self)
    while let first = text.first, characters.contains(first) { text = text.dropFirst() }
    while let last = text.last, characters.contains(last) { text = text.dropLast() }
    return String(text)
  }
}
