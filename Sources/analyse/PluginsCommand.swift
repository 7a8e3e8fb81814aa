//===--- PluginsCommand.swift - `analyse plugins list | check` ---------------===//
//
//   analyse plugins list [--plugins PATH]…    every plugin that would run, in order
//   analyse plugins check FILE…               check rule files; errors name file and line,
//                                             and an id already used (bundled or another file)
//   analyse plugins compile                   write the shipped rules and frame catalogs in
//                                             their compiled form (CompiledRules), read at
//                                             every start instead of the YAML while current
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import ByteReading
import CrashAnalysis
import SignatureRules
import Signatures

struct PluginsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plugins",
    abstract: "List signature plugins, check rule files.",
    subcommands: [PluginsListCommand.self, PluginsCheckCommand.self, PluginsNewCommand.self, PluginsCompileCommand.self]
  )
}

struct PluginsListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List the plugins that run, in order.")

  @Option(
    name: .customLong("plugins"),
    help: ArgumentHelp("A rule file, or a directory of rule files (repeatable).", valueName: "path"))
  var rulePaths: [String] = []

  @Flag(
    name: .long,
    help: "Also print where the shipped rules, frame catalogs, symbol maps, examples and the network helper were found.")
  var locations = false

  func run() throws {
    if locations {
      let helper = NetworkHelper.path ?? "(not found: \(NetworkHelper.whereLooked))"
      Console.text(ShippedData.locations() + "helper:   " + helper + "\n\n")
    }
    let plugins = RunPlugins(rulePaths: rulePaths)
    for plugin in plugins.pipeline.plugins {
      let descriptor = plugin.descriptor
      let kind = plugin is RulePlugin ? "rule " : plugin is ExternalPlugin ? "exec " : "swift"
      var line = "\(kind)  \(descriptor.id.padded(to: 9)) \(descriptor.title)"
      if !descriptor.affectedVersions.isEmpty { line += "  [\(descriptor.affectedVersions)]" }
      if let rule = plugin as? RulePlugin { line += "  (\(rule.rule.file))" }
      if let external = plugin as? ExternalPlugin { line += "  (\(external.path))" }
      Console.text(line + "\n")
    }
    try Console.finish()
    try plugins.requireAllLoaded()
  }
}

struct PluginsCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Check rule files: every mistake, with file and line.")

  @Argument(help: "Rule files (YAML).")
  var files: [String]

  func run() throws {
    var failed = false
    // An id is one known issue: a file may not reuse a bundled id, nor one of the files before it.
    var owners = BundledPlugins.bundledIdentifiers
    for file in files {
      switch RuleLoader.loadFile(file) {
      case .success(let rule):
        let key = rule.descriptor.id.lowercased()
        // A shipped rule file checked by its own path is not a duplicate of itself.
        if let owner = owners[key], owner.file.map(FileOpener.canonicalPath) != FileOpener.canonicalPath(file) {
          failed = true
          let where_ = owner.file.map { $0 + (owner.line.map { ":\($0)" } ?? "") } ?? "the built-in \(rule.descriptor.id) plugin"
          let error = PluginLoadError(
            file: file, line: rule.idLine, message: "id '\(rule.descriptor.id)' is already used by \(where_)")
          Console.error("\(error)\n")
          continue
        }
        owners[key] = (file, rule.idLine)
        Console.text("\(file): ok (\(rule.descriptor.id): \(rule.descriptor.title))\n")
      case .failure(let problems):
        failed = true
        for error in problems.errors { Console.error("\(error)\n") }
      }
    }
    if failed { throw ExitCode(AnalyseExitStatus.pluginErrors.rawValue) }
  }

}

struct PluginsCompileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compile",
    abstract: "Compile the shipped rules and frame catalogs (scripts/install runs this).",
    discussion: """
      Writes DIR.compiled.json beside the shipped rules and frame-catalog directories: what \
      their YAML says, with each file's name, size and modification time. Every start reads \
      it instead of the YAML while the directory holds exactly those files, unchanged; after \
      an edit the YAML is read again until the next compile. Files with mistakes are not \
      compiled (exit 7, each mistake named); exit 6 when the file cannot be written.
      """)

  func run() throws {
    var status: AnalyseExitStatus?
    let directories: [(String?, String, (String) throws(CompiledRules.CompileError) -> Int)] = [
      (BundledPlugins.rulesDirectory, "rules", CompiledRules.compileRules(in:)),
      (BundledPlugins.framesDirectory, "frame-catalog entries", CompiledRules.compileCatalogs(in:)),
    ]
    for (directory, what, compile) in directories {
      guard let directory else {
        Console.error("analyse: plugins compile: no shipped \(what) directory found\n")
        status = status ?? .pluginErrors
        continue
      }
      do {
        let count = try compile(directory)
        Console.text("\(count) \(what) → \(CompiledRules.path(for: directory))\n")
      } catch {
        Console.error("analyse: plugins compile: \(error)\n")
        if case .cannotWrite = error { status = .outputFailed } else { status = status ?? .pluginErrors }
      }
    }
    try Console.finish()
    if let status { throw ExitCode(status.rawValue) }
  }
}
