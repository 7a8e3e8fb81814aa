//===--- SymbolsDumpCommand.swift - `analyse symbols dump FILE` --------------===//
//
//   analyse symbols dump FILE [--inlines] [--store DIR]
//
// Writes the Breakpad symbol file of a PE image (with its PDB when one with the
// image's debug id sits beside it, as NAME.pdb or NAME.pd_), a PDB (7.0 or 2.00), an
// NT 4 .dbg (with the PDB 2.00 it names, when beside it), any of these compressed in a
// cabinet, or an ELF file (SymbolFileDumper: WindowsImages, ProgramDatabase,
// CabinetFiles, ELFSymbols). With --store, the file goes where a Breakpad store keeps
// it: DIR/<debug file>/<debug id>/<debug file less .pdb>.sym; names from the input are
// checked so that none escapes DIR.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import ByteReading
import Symbolication
import WindowsImages

#if canImport(CMallocTuning)
  import CMallocTuning
#endif

struct SymbolsDumpCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dump",
    abstract: "Write the Breakpad symbol file of a PE image, PDB, NT 4 .dbg, ELF file, or a CAB-compressed one.",
    discussion: """
      An image (.exe, .dll) with its PDB beside it (NAME.pdb or NAME.pd_, same debug id), or a PDB \
      alone: FILE, FUNC with lines and argument lists, PUBLIC (demangled), STACK WIN from the frame \
      data — what Mozilla's dump_syms writes. An image without its PDB: FUNC from .pdata, PUBLIC from \
      the exports, STACK CFI from the x64 unwind data. PDB 2.00 (VC 4–6) and NT 4 .dbg files (CodeView \
      NB09/NB11, COFF symbols, FPO; a .dbg naming a PDB 2.00 is read with it). Cabinets (.pd_, .dl_, \
      .db_) are expanded in memory with libmspack. ELF: FUNC, lines and inlines from DWARF (in the file \
      or its separate debug file), PUBLIC from the symbol table, STACK CFI from .eh_frame.
      """)

  @Argument(help: "The image, PDB, .dbg, ELF file or cabinet.")
  var file: String

  @Option(name: .long, help: ArgumentHelp("Write into this Breakpad store instead of standard output.", valueName: "dir"))
  var store: String?

  @Flag(name: .long, help: "Also write inlined calls: INLINE_ORIGIN and INLINE records (PDB 7.0 and ELF input).")
  var inlines = false

  func run() throws {
    #if canImport(CMallocTuning)
      // Streams of a large PDB are copied out one at a time (hundreds of KiB to MiBs each):
      // allocated with mmap, each goes back to the system when freed instead of leaving the
      // heap fragmented (glibc otherwise raises this threshold to the largest block freed).
      _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024)
    #endif
    let mapped: MappedFile
    do {
      mapped = try MappedFile(path: file, limit: 4 << 30)
    } catch {
      Console.error("analyse: \(file): \(error)\n")
      throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
    }
    withExtendedLifetime(mapped) {}
    guard let store else {
      // To standard output as it is made: a large PDB's text is never held whole.
      do {
        try SymbolFileDumper.write(at: file, inlines: inlines) { Console.json($0) }
      } catch {
        try? Console.finish()
        Console.error("analyse: \(error)\n")
        throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
      }
      try Console.finish()
      return
    }
    let text: String
    do {
      text = try SymbolFileDumper.symbolFile(at: file, inlines: inlines)
    } catch {
      Console.error("analyse: \(error)\n")
      throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
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
