//===--- SymbolsLearnCommand.swift - `analyse symbols learn` ----------------===//
//
//   analyse symbols learn FILE… --out DIR [--base MODULE=ADDRESS]… [--module NAME]…
//
// Decodes each listing, recovers function starts from rows that print
// `MODULE!function+offset` at a known address, groups the stacks by build and
// writes one Breakpad file per build: DIR/<module>/<id>/<module>.sym.
// Load addresses come from the input's module list, else from --base.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import CrashAnalysis
import CrashCore
import Symbolication

#if canImport(Glibc)
  import Glibc
#endif

struct SymbolsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "symbols",
    abstract: "Work with symbol maps.",
    subcommands: [SymbolsLearnCommand.self, SymbolsDumpCommand.self, SymbolsServeCommand.self]
  )
}

struct SymbolsLearnCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "learn",
    abstract: "Recover Breakpad symbol maps, one per build, from symbolicated stack listings.",
    discussion: """
      A row that prints MODULE!function+offset at a known address fixes the function's \
      start: displayed address − offset − load address. Stacks that agree on the starts \
      they share are one build. Only proven starts are written: a function no listing \
      fixes is absent.
      """
  )

  @Argument(help: "Listings, Dr. Watson logs or KB articles to learn from.")
  var inputs: [String]

  @Option(name: .long, help: ArgumentHelp("Where to write the maps (Breakpad store layout).", valueName: "dir"))
  var out: String

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Load address of a module whose inputs have no module list (0: keep addresses absolute).",
      valueName: "module=address"))
  var base: [String] = []

  @Option(name: .long, help: "Learn only these modules (repeatable; default: every module with a load address).")
  var module: [String] = []

  @Option(name: .long, help: "Write only builds with at least this many functions…")
  var minimumFunctions = 1

  @Option(name: .long, help: "…or seen in at least this many listing rows.")
  var minimumRows = Int.max

  @Flag(name: .long, help: "Print what would be written, write nothing.")
  var dryRun = false

  func run() throws {
    var learner = SymbolMapLearner()
    for pair in base {
      let parts = pair.split(separator: "=", maxSplits: 1)
      guard parts.count == 2, let address = SymbolizeCommand.parseAddress(String(parts[1])) else {
        throw ValidationError("--base wants MODULE=ADDRESS, got \(pair)")
      }
      learner.givenBases[StoreEntry.moduleKey(for: String(parts[0]))] = address
    }
    learner.modules = Set(module.map { StoreEntry.moduleKey(for: $0) })
    var failures = 0
    for input in inputs {
      do {
        let report = try Analyser().analyse(path: input)
        learner.add(report, source: Self.sourceName(input))
      } catch {
        Console.error("analyse: \(error)\n")
        failures += 1
      }
    }
    let builds = learner.builds().filter { $0.functions.count >= minimumFunctions || $0.facts.count >= minimumRows }
    for build in builds {
      let name = try PathComponent.validated(build.module)
      let directory = "\(out)/\(name)/\(build.identifier)"
      let path = "\(directory)/\(name).sym"
      Console.text(
        "\(name)  \(build.identifier)  \(build.functions.count) functions  "
          + "\(Set(build.facts.map(\.site)).count) sites  from \(build.sources.joined(separator: " "))\n")
      if !dryRun {
        try Self.write(build.symbolFileText(), to: path, creating: [out, "\(out)/\(name)", directory])
      }
    }
    if builds.isEmpty { Console.error("analyse: no function start could be learned\n") }
    if failures > 0 { throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue) }
  }

  static func sourceName(_ path: String) -> String {
    var name = Substring(path)
    if let slash = name.lastIndex(of: "/") { name = name[name.index(after: slash)...] }
    if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = name[..<dot] }
    return String(name)
  }

  static func write(_ text: String, to path: String, creating directories: [String]) throws {
    for directory in directories where mkdir(directory, 0o755) != 0 && errno != EEXIST {
      throw fail("cannot create \(directory): \(String(cString: strerror(errno)))")
    }
    do {
      let file = try AtomicOutputFile(path: path)
      file.stream.write(text)
      try file.commit()
    } catch {
      throw fail("\(error)")
    }
  }
}
