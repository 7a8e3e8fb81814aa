//===--- PluginsCommand.swift - `analyse plugins list | check` ---------------===//
//
//   analyse plugins list [--plugins DIR]…     every plugin that would run, in order
//   analyse plugins check FILE…               check rule files; errors name file and line
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import CrashAnalysis
import SignatureRules
import Signatures

struct PluginsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plugins",
    abstract: "List signature plugins, check rule files.",
    subcommands: [PluginsListCommand.self, PluginsCheckCommand.self]
  )
}

struct PluginsListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List the plugins that run, in order.")

  @Option(name: .customLong("plugins"), help: ArgumentHelp("A directory of rule files (repeatable).", valueName: "dir"))
  var pluginDirectories: [String] = []

  func run() throws {
    let loaded = BundledPlugins.all(ruleDirectories: pluginDirectories)
    let swiftCount = BundledPlugins.swift.count
    for (index, plugin) in loaded.plugins.enumerated() {
      let kind = index < swiftCount ? "swift" : "rule "
      let descriptor = plugin.descriptor
      var line = "\(kind)  \(descriptor.id.padding(toLength: 9, withPad: " ", startingAt: 0)) \(descriptor.title)"
      if !descriptor.affectedVersions.isEmpty { line += "  [\(descriptor.affectedVersions)]" }
      if let rule = plugin as? RulePlugin { line += "  (\(rule.rule.file))" }
      Console.text(line + "\n")
    }
    for error in loaded.errors { Console.error("analyse: rule skipped: \(error)\n") }
    if !loaded.errors.isEmpty { throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue) }
  }
}

struct PluginsCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Check rule files: every mistake, with file and line.")

  @Argument(help: "Rule files (YAML).")
  var files: [String]

  func run() throws {
    var failed = false
    for file in files {
      switch RuleLoader.loadFile(file) {
      case .success(let rule):
        Console.text("\(file): ok (\(rule.descriptor.id): \(rule.descriptor.title))\n")
      case .failure(let problems):
        failed = true
        for error in problems.errors { Console.error("\(error)\n") }
      }
    }
    if failed { throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue) }
  }
}
