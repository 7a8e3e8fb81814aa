//===--- QuickArgumentsTests.swift - The quick reading equals ArgumentParser's ---===//
//
// For each command-line form QuickArguments takes, the ReportRequest it builds
// must equal the one ArgumentParser's reading of the same words gives (every
// field, defaults included: an option added to the command with a default the
// request does not share fails here); every form it leaves to ArgumentParser
// must give nil.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Testing

@testable import analyse

@Suite("The report command read without ArgumentParser")
struct QuickArgumentsTests {
  /// ArgumentParser's reading of `arguments` as the report command.
  static func parsed(_ arguments: [String]) throws -> ReportRequest {
    let command = try AnalyseTool.parseAsRoot(arguments)
    return try #require(command as? AnalyseCommand).request
  }

  @Test(
    "each form taken gives ArgumentParser's request",
    arguments: [
      ["crash.dmp"],
      ["-"],
      ["--json", "crash.dmp"],
      ["crash.dmp", "--json"],
      ["--jsonl", "a.dmp", "b.log", "dir"],
      ["-v", "--all-threads", "--symbols", "/s1", "--symbols=/s2", "crash.dmp"],
      ["--verbose", "--no-default-symbols", "--plugins", "rules.yaml", "--plugins", "more", "x.log"],
      ["--include", "*.dmp", "--exclude", "*.tmp", "dir"],
      ["--files-from", "list.txt", "--html", "page.html"],
      ["--symbol-path", "srv*/tmp/c*https://s.example", "--symbol-cache", "/tmp/c", "--offline", "--symbol-log", "x"],
      ["--color", "never", "x.log"],
      ["--color=always", "--symbols=/s", "x.log"],
      ["--sysroot", "/", "--sysroot=/srv/target", "--symbols", "build", "core.zst"],
      ["--source-maps", "dist", "--source-maps=maps", "--json", "stack.txt"],
    ])
  func sameRequest(_ arguments: [String]) throws {
    let quick = try #require(QuickArguments.reportRequest(arguments))
    #expect(quick == (try Self.parsed(arguments)))
  }

  @Test("the words QuickArguments leaves to ArgumentParser as subcommands are the tool's subcommands")
  func subcommandNames() {
    let configured = AnalyseTool.configuration.subcommands.map { $0.configuration.commandName ?? "?" }
    #expect(QuickArguments.subcommandNames == Set(configured + ["help"]))
  }

  @Test(
    "forms left to ArgumentParser give nil",
    arguments: [
      [], ["--help"], ["-h"], ["--version"], ["report", "x"], ["symbolize", "--obj", "a.so", "0x10"], ["x", "worker"],
      ["--max-frames", "5", "x"], ["--jobs", "2", "x"], ["--time-limit=3", "x"], ["--json", "--json", "x"],
      ["--html", "a", "--html", "b", "x"], ["--", "x"], ["--symbols"], ["--symbols", "-"], ["--symbols=", "x"], ["-x", "x"], ["-vx", "x"],
      ["--color", "purple", "x"], ["--json=yes", "x"], ["--no-such-option", "x"],
    ])
  func leftToArgumentParser(_ arguments: [String]) {
    #expect(QuickArguments.reportRequest(arguments) == nil)
  }
}

@Suite("--version without ArgumentParser")
struct QuickVersionTests {
  @Test("analyse --version prints what ArgumentParser would")
  func sameVersion() throws {
    var message: String?
    do {
      _ = try AnalyseTool.parseAsRoot(["--version"])
    } catch {
      message = AnalyseTool.message(for: error)
    }
    #expect(message == AnalyseVersion.current)
    let run = try AnalyseRunner.run(["--version"])
    #expect(run.status == 0)
    #expect(run.standardOutput == AnalyseVersion.current + "\n")
  }
}
