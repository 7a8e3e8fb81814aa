//===--- SymbolsDumpCommand.swift - `analyse symbols dump FILE` --------------===//
//
//   analyse symbols dump IMAGE.dll [--store DIR]
//
// Writes the Breakpad symbol file of a PE image (x86, amd64, arm64): MODULE
// and CODE_ID from its headers and CodeView record, FUNC from .pdata, PUBLIC
// from its exports, STACK CFI from its x64 unwind data (WindowsImages). With
// --store, the file goes where a Breakpad store keeps it:
// DIR/<pdb name>/<debug id>/<pdb name less .pdb>.sym; names from the image are
// checked so that none escapes DIR. PDB, .dbg and ELF input: not yet (#11).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import ByteReading
import Symbolication
import WindowsImages

struct SymbolsDumpCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dump",
    abstract: "Write the Breakpad symbol file of a PE image (.exe, .dll).",
    discussion: """
      From the image alone: MODULE and INFO CODE_ID, FUNC from .pdata, PUBLIC from the exports, \
      STACK CFI from the x64 unwind data — what Mozilla's dump_syms writes for an image without \
      its PDB. Reading PDB, .dbg and ELF files is not implemented yet.
      """)

  @Argument(help: "The image.")
  var file: String

  @Option(name: .long, help: ArgumentHelp("Write into this Breakpad store instead of standard output.", valueName: "dir"))
  var store: String?

  func run() throws {
    let mapped: MappedFile
    do {
      mapped = try MappedFile(path: file, limit: 4 << 30)
    } catch {
      Console.error("analyse: \(file): \(error)\n")
      throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
    }
    withExtendedLifetime(mapped) {}
    let text: String
    do {
      text = try SymbolFileDumper.symbolFile(at: file)
    } catch {
      Console.error("analyse: \(error)\n")
      throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
    }
    guard let store else {
      Console.json(text)
      try Console.finish()
      return
    }
    // MODULE windows <cpu> <id> <pdb name>: the store path comes from the id and the name.
    let fields = text.prefix { $0 != "\n" }.split(separator: " ", maxSplits: 4)
    guard fields.count == 5 else { throw ValidationError("no MODULE line written") }
    let debugFile = try PathComponent.validated(String(fields[4]))
    let identifier = try PathComponent.validated(String(fields[3]))
    let stem = debugFile.lowercased().hasSuffix(".pdb") ? String(debugFile.dropLast(4)) : debugFile
    let directory = "\(store)/\(debugFile)/\(identifier)"
    try SymbolsLearnCommand.write(text, to: "\(directory)/\(stem).sym", creating: [store, "\(store)/\(debugFile)", directory])
    Console.text("\(directory)/\(stem).sym\n")
  }
}
