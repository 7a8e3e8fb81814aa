//===--- RuleFileTests.swift - Rule files, good and bad ----------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import SignatureRules
import Signatures
import Testing

@Suite("Rule files")
struct RuleFileTests {
  static func errors(_ text: String) -> [RuleFileError] {
    switch RuleFileParser.parse(text, file: "bad.yaml") {
    case .success: return []
    case .failure(let problems): return problems.errors
    }
  }

  @Test("every shipped rule file loads")
  func shippedRulesLoad() {
    let loaded = RuleLoader.load(directory: Fixtures.repositoryRoot + "/Plugins/rules")
    #expect(loaded.errors.isEmpty, "\(loaded.errors)")
    #expect(loaded.plugins.count >= 12)
  }

  @Test("mistakes are reported with file and line, several at once")
  func mistakes() {
    let text = """
      id: Q999
      title: A test rule
      match:
        module: EMSMTA
        tpo: somefunction
        frames:
          within: many
          sequence: []
        exception: not-a-number
        version:
          module: EMSMTA
      remedy:
        fixed_in: 1.0

      """
    let found = Self.errors(text)
    let messages = found.map(\.description)
    #expect(messages.contains { $0.hasPrefix("bad.yaml:5: unknown key 'tpo' in match") })
    #expect(messages.contains { $0.hasPrefix("bad.yaml:7: 'within' must be a whole number") })
    #expect(messages.contains { $0.hasPrefix("bad.yaml:8: 'frames' needs a non-empty 'sequence' list") })
    #expect(messages.contains { $0.hasPrefix("bad.yaml:9: 'exception' must be a 32-bit code") })
    #expect(messages.contains { $0.hasPrefix("bad.yaml:11: 'version' needs 'affected_from' or 'fixed_in'") })
    #expect(messages.contains { $0.contains("missing 'summary'") })
  }

  @Test("not YAML, not a mapping, no id, no match, empty")
  func structure() {
    #expect(Self.errors("id: [unclosed\n").first?.message.hasPrefix("not valid YAML") == true)
    #expect(Self.errors("- a\n- b\n").first?.message == "the file must be a mapping of keys to values")
    #expect(Self.errors("title: t\nmatch:\n  top: f\n").contains { $0.message == "missing 'id'" })
    #expect(Self.errors("id: x\ntitle: t\n").contains { $0.message == "missing 'match'" })
    #expect(Self.errors("").first?.message == "the file is empty")
    #expect(Self.errors("id: x y\ntitle: t\nmatch:\n  top: f\n").contains { $0.message.contains("'id' may hold only") })
  }

  @Test("a directory with one bad file: the others load, the bad one is reported")
  func directory() throws {
    let good = try TemporaryFile(text: "id: GOOD\ntitle: good\nmatch:\n  top: APP!crash\n", suffix: ".yaml")
    let directory = String(good.path[..<good.path.lastIndex(of: "/")!])
    let bad = try TemporaryFile(text: "id: BAD\ntitle: bad\nmatch:\n  nonsense: 1\n", suffix: ".yaml")
    let loaded = RuleLoader.load(directory: directory)
    #expect(loaded.plugins.contains { $0.descriptor.id == "GOOD" })
    #expect(loaded.errors.contains { $0.file == bad.path && $0.line == 4 })
  }

  @Test("a rule's confidence: full stack likely, with a supporting fact confirmed, fixed build ruled out")
  func ruleConfidence() throws {
    let rule = """
      id: TEST
      title: test
      match:
        module: APP
        top: crash
        frames:
          sequence: [caller, main]
        exception: 0xc0000005
        version:
          fixed_in: 2.0
      remedy:
        summary: upgrade

      """
    guard case .success(let parsed) = RuleFileParser.parse(rule, file: "t.yaml") else {
      Issue.record("the rule did not parse")
      return
    }
    let plugin = RulePlugin(rule: parsed)
    var report = Analyser().analyse(
      text: """
        FramePtr  RetAddr   Param1   Param2   Param3   Function Name
        0012ff00  00401234  00000001 00000002 00000003 APP!crash+0x10
        0012ff40  00402345  00000001 00000002 00000003 APP!caller+0x20
        0012ff80  00000000  00000001 00000002 00000003 APP!main+0x30

        """)
    #expect(try plugin.examine(report).first?.confidence == .likely)
    report.exception = CrashException(code: .accessViolation)
    #expect(try plugin.examine(report).first?.confidence == .confirmed)
    report.modules = [CodeModule(name: "APP.EXE", base: Address(0x400000), size: 0x10000, version: "2.0.0.1")]
    #expect(try plugin.examine(report).first?.confidence == .ruledOut)
    report.modules = []
    report.threads[0].frames.removeFirst()
    #expect(try plugin.examine(report).isEmpty)
  }
}
