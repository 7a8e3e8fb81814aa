//===--- RuleHygieneTests.swift - Rule mistakes are never quiet --------------===//
//
// `--plugins` takes a rule file or a directory; a missing path, a broken rule or
// an id that is already taken is named (file, line, reason) on standard error,
// listed in JSON as `plugin_errors`, and the run exits 7 after its report.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import Testing

@Suite("rule hygiene", .serialized)
struct RuleHygieneTests {
  static let log = "Examples/Q276222/drwtsn32.log"

  /// A directory holding `files` (name → contents), removed by the caller.
  private func directory(_ files: [String: String]) throws -> String {
    let path = NSTemporaryDirectory() + "rules-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
    return path
  }

  static let goodRule = """
    id: LOCAL-1
    title: otpmralt crashes seen here
    match:
      top: EMSMTA!otpmralt
    """

  @Test("a single rule file loads and runs")
  func ruleFile() throws {
    let folder = try directory(["local.yaml": Self.goodRule])
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let run = try AnalyseRunner.run([Self.log, "--json", "--plugins", folder + "/local.yaml"])
    #expect(run.status == 0, "\(run.standardError)")
    let object = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
    let plugins = (object?["findings"] as? [[String: Any]])?.compactMap { $0["plugin"] as? String } ?? []
    #expect(plugins.contains("LOCAL-1"))
    #expect(object?["plugin_errors"] == nil)
  }

  @Test("a missing --plugins path exits 7 naming it, after the report")
  func missingPath() throws {
    let run = try AnalyseRunner.run([Self.log, "--plugins", "/nonexistent/rules"])
    #expect(run.status == 7)
    #expect(run.standardError.contains("/nonexistent/rules: cannot read: No such file or directory"))
    #expect(run.standardOutput.contains("Known issue"), "the report is still written")
  }

  @Test("a broken rule is named with file and line, listed in JSON, and exits 7")
  func brokenRule() throws {
    let folder = try directory(["broken.yaml": "id: X1\ntitle: t\nmatch:\n  tpo: otpmralt\n", "good.yaml": Self.goodRule])
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let run = try AnalyseRunner.run([Self.log, "--json", "--plugins", folder])
    #expect(run.status == 7)
    #expect(run.standardError.contains("broken.yaml:4: unknown key 'tpo'"))
    let object = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
    let errors = object?["plugin_errors"] as? [[String: Any]] ?? []
    #expect(errors.contains { ($0["file"] as? String)?.hasSuffix("broken.yaml") == true && $0["line"] as? Int == 4 })
    let plugins = (object?["findings"] as? [[String: Any]])?.compactMap { $0["plugin"] as? String } ?? []
    #expect(plugins.contains("LOCAL-1"), "the good rule beside it still runs")
  }

  @Test("an id already used by a bundled rule or an earlier file is refused, naming both files")
  func duplicateIdentifiers() throws {
    let shipped = try String(contentsOfFile: Fixtures.repositoryRoot + "/Plugins/rules/Q182547.yaml", encoding: .utf8)
    let folder = try directory(["a.yaml": Self.goodRule, "b.yaml": Self.goodRule, "copy.yaml": shipped])
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let list = try AnalyseRunner.run(["plugins", "list", "--plugins", folder])
    #expect(list.status == 7)
    #expect(list.standardOutput.components(separatedBy: "Q182547 ").count == 2, "the id is listed once")
    #expect(list.standardError.contains("b.yaml:1: id 'LOCAL-1' is already used by \(folder)/a.yaml:1"))
    #expect(list.standardError.contains("copy.yaml:3: id 'Q182547' is already used by "))
    #expect(list.standardError.contains("Plugins/rules/Q182547.yaml:3"))

    let check = try AnalyseRunner.run(["plugins", "check", folder + "/copy.yaml", "Plugins/rules/Q182547.yaml"])
    #expect(check.status == 7)
    #expect(check.standardError.contains("copy.yaml:3: id 'Q182547' is already used by"))
    #expect(check.standardOutput.contains("Plugins/rules/Q182547.yaml: ok"), "a shipped file is not a duplicate of itself")
  }

  @Test("a batch lists skipped rules in its JSON summary and exits 7")
  func batch() throws {
    let folder = try directory(["broken.yaml": "id: [\n"])
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let run = try AnalyseRunner.run([Self.log, "Examples/Alpha/drwtsn32.log", "--json", "--plugins", folder])
    #expect(run.status == 7)
    let object = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
    let errors = object?["plugin_errors"] as? [[String: Any]] ?? []
    #expect(errors.count == 1)
    #expect((errors.first?["message"] as? String)?.hasPrefix("not valid YAML") == true)
  }
}

@Suite("frames census")
struct FramesCensusCommandTests {
  @Test("`analyse frames census` prints a reviewable catalog with counts and roles")
  func census() throws {
    let run = try AnalyseRunner.run([
      "frames", "census", "--min-crashes", "1", "Examples/Q276222/drwtsn32.log", "Examples/Alpha/drwtsn32.log",
    ])
    #expect(run.status == 0, "\(run.standardError)")
    #expect(run.standardOutput.hasPrefix("# analyse frames census: 2 distinct crash(es)"))
    #expect(run.standardOutput.contains("  - EMSMTA!otpmralt    # 1 crashes, specific"))
    #expect(run.standardOutput.contains("  - EMSMTA!sbpiwbep    # 1 crashes, common"))
    #expect(run.standardOutput.contains("\ncommon:\n"))
  }
}
