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
    let pipeline = SignaturePipeline(plugins: [RulePlugin(rule: parsed)])
    var report = Analyser().analyse(
      text: """
        FramePtr  RetAddr   Param1   Param2   Param3   Function Name
        0012ff00  00401234  00000001 00000002 00000003 APP!crash+0x10
        0012ff40  00402345  00000001 00000002 00000003 APP!caller+0x20
        0012ff80  00000000  00000001 00000002 00000003 APP!main+0x30

        """)
    #expect(pipeline.classify(report).findings.first?.confidence == .likely)
    report.exception = CrashException(code: .accessViolation)
    #expect(pipeline.classify(report).findings.first?.confidence == .confirmed)
    report.exception = CrashException(code: .stackOverflow)
    #expect(pipeline.classify(report).findings.first?.confidence == .possible, "likely, lowered one level by a contradiction")
    report.exception = CrashException(code: .accessViolation)
    report.modules = [CodeModule(name: "APP.EXE", base: Address(0x400000), size: 0x10000, version: "2.0.0.1")]
    #expect(pipeline.classify(report).findings.first?.confidence == .ruledOut)
    report.modules = []
    report.threads[0].frames.removeFirst()
    #expect(pipeline.classify(report).findings.isEmpty)
  }

  @Test("a rule that names a caller: another caller is evidence against, listed, and rules the finding out")
  func otherCaller() throws {
    let rule = """
      id: LOCAL-EcGetProp
      title: EcGetProp called from EcReadMsg
      match:
        module: STORE
        top: EcGetProp
        frames:
          sequence: [EcReadMsg]

      """
    guard case .success(let parsed) = RuleFileParser.parse(rule, file: "t.yaml") else {
      Issue.record("the rule did not parse")
      return
    }
    let pipeline = SignaturePipeline(plugins: [RulePlugin(rule: parsed)])
    func listing(_ caller: String) -> CrashReport {
      Analyser().analyse(
        text: """
          FramePtr  RetAddr   Param1   Param2   Param3   Function Name
          0012ff00  00401234  00000001 00000002 00000003 STORE!EcGetProp+0x12
          0012ff40  00402345  00000001 00000002 00000003 STORE!\(caller)+0x20
          0012ff80  00000000  00000001 00000002 00000003 STORE!EcDoRpc+0x30

          """)
    }
    #expect(pipeline.classify(listing("EcReadMsg")).findings.first?.confidence == .likely)
    let other = try #require(pipeline.classify(listing("EcWriteMsg")).findings.first)
    #expect(other.confidence == .ruledOut)
    #expect(other.evidence.contains { $0.bearing == .contradicts && $0.text.contains("called from EcWriteMsg, not STORE!EcReadMsg") })
  }

  @Test("required parts: without them, no finding; with them, they count as defining evidence")
  func requiredParts() throws {
    let rule = """
      id: LOCAL-required
      title: crash with its event
      match:
        module: APP
        top: crash
        events:
          - id: 9405
        required: [events]

      """
    guard case .success(let parsed) = RuleFileParser.parse(rule, file: "t.yaml") else {
      Issue.record("the rule did not parse")
      return
    }
    #expect(parsed.required == [.events])
    let pipeline = SignaturePipeline(plugins: [RulePlugin(rule: parsed)])
    let stack = """
      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
      0012ff00  00401234  00000001 00000002 00000003 APP!crash+0x10

      """
    #expect(pipeline.classify(Analyser().analyse(text: stack)).findings.isEmpty)
    guard case .failure(let errors) = RuleFileParser.parse(rule.replacingOccurrences(of: "[events]", with: "[version]"), file: "t.yaml")
    else {
      Issue.record("requiring a part the rule does not state must fail")
      return
    }
    #expect(errors.description.contains("t.yaml:8: 'version' is required but 'match' does not state it"))
  }

  @Test("frames on every thread count for nothing: a rule's partial match needs informative frames")
  func commonFramesCountForNothing() throws {
    let rule = """
      id: LOCAL-chain
      title: a chain of MTA frames
      match:
        module: EMSMTA
        frames:
          sequence: [otpmrsnd, otpaasb, otparecv, otpamain, sbpiwbep]

      """
    guard case .success(let parsed) = RuleFileParser.parse(rule, file: "t.yaml") else {
      Issue.record("the rule did not parse")
      return
    }
    let pipeline = SignaturePipeline(plugins: [RulePlugin(rule: parsed)], frames: BundledPlugins.frameCatalog().catalog)
    let stack = """
      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
      0ab1fcfc  00510cc7  cffa119e 07ad9838 0069578c EMSMTA!otpother+0x25
      0ab1fee8  004c6b99  00000034 00000141 0346b110 EMSMTA!otpaasb+0x93e
      0ab1ff18  004c56be  00000034 0069578c 0786a290 EMSMTA!otparecv+0x119
      0ab1ff54  004e24c5  00000034 000041e8 00000820 EMSMTA!otpamain+0x4ce
      0ab1ffb8  77f04ede  00000034 000041e8 00f70006 EMSMTA!sbpiwbep+0x58

      """
    #expect(pipeline.classify(Analyser().analyse(text: stack)).findings.isEmpty, "four common frames of five are no partial match")
  }
}

