//===--- FramesCommand.swift - `analyse frames census` -----------------------===//
//
//   analyse frames census PATH… [--min-crashes N] [--min-share F]
//
// Analyses the inputs as a batch would and prints, as a frame catalog to review
// (Plugins/frames/*.yaml), every named frame found in at least N distinct
// crashes, with its count and its role in the shipped catalogs.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import CrashAnalysis
import CrashCore
import Signatures
import SourceMaps
import Symbolication

struct FramesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "frames", abstract: "Measure which frames carry no information.",
    subcommands: [FramesCensusCommand.self])
}

struct FramesCensusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "census",
    abstract: "In how many distinct crashes each frame appears, as a frame catalog to review.",
    discussion: """
      Crashes count once per distinct signature. Frames in many unrelated crashes are thread \
      starts, dispatch loops or helpers; review the list, then add them to a catalog in \
      Plugins/frames/ (docs/signatures.md).
      """)

  @Argument(help: "Files and directories to analyse.")
  var inputs: [String]

  @Option(help: "Report frames found in at least this many distinct crashes.")
  var minCrashes = 3

  @Option(help: "…and in at least this share of them (0 to 1).")
  var minShare = 0.0

  @Option(name: .customLong("symbols"), help: ArgumentHelp("A symbol store (repeatable).", valueName: "dir"))
  var symbolRoots: [String] = []

  func validate() throws {
    guard minCrashes >= 1 else { throw ValidationError("--min-crashes must be at least 1") }
    guard minShare >= 0 && minShare <= 1 else { throw ValidationError("--min-share must be between 0 and 1") }
  }

  func run() throws {
    let plugins = RunPlugins(rulePaths: [])
    var batch = BatchAnalyser(pipeline: plugins.pipeline)
    batch.options.acceptsStreams = false
    let roots = symbolRoots + [ShippedSymbols.defaultRoot].compactMap { $0 }
    batch.symbolStore = roots.isEmpty ? nil : SymbolStore(roots: roots)
    batch.sourceMaps = symbolRoots.isEmpty ? nil : SourceMapResolver(directories: symbolRoots)
    var census = FrameCensus()
    var failed = 0
    batch.run(BatchAnalyser.expand(inputs)) { result in
      guard let report = result.report else {
        failed += 1
        return
      }
      census.add(ClassifiedCrash(report, catalog: plugins.pipeline.frames))
    }
    let rows = census.rows(minimumCrashes: minCrashes, minimumShare: minShare)
    var out = "# analyse frames census: \(census.crashes) distinct crash(es)"
    out += failed > 0 ? ", \(failed) input(s) not analysed\n" : "\n"
    out += "# Frames in at least \(minCrashes) of them; the count and the shipped role follow each.\n"
    out += "# Review before shipping: a frame common to one product's crashes may still be its bug.\n"
    out += "common:\n"
    for row in rows {
      out += "  - \(Self.quoted(row.frame))    # \(row.crashes) crashes, \(row.role.rawValue)\n"
    }
    Console.text(TextLimits.printable(out))
    try Console.finish()
  }

  /// A YAML scalar: quoted when it holds characters YAML would read otherwise.
  static func quoted(_ text: String) -> String {
    let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "_!:.~$".contains($0) } && !(text.first?.isNumber ?? true)
    if plain { return text }
    return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
  }
}
