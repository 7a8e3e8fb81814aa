//===--- Q276222DetectorTests.swift - The seed and its variants ---------------===//
//
// The confidence table of Plugins/Q276222/README.md, case by case: the seed
// listing, the seed as a Dr. Watson log and as a minidump, and variants (no
// offsets, a missing middle frame, the fixed build, events only, the Alpha
// form of the same stack).
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Q276222Plugin
import Signatures
import Symbolication
import Testing

@Suite("Q276222 detector")
struct Q276222DetectorTests {
  static func findings(_ report: CrashReport, symbols: Bool = true) throws -> [Finding] {
    let store = SymbolStore(roots: [Fixtures.repositoryRoot + "/Symbols"])
    let resolved = symbols ? Symbolicator(store: store).symbolicate(report) : report
    return pipeline.classify(resolved).findings
  }

  /// The detector alone, held to the pipeline's confidence rules, with the shipped frame catalogs.
  static let pipeline = SignaturePipeline(plugins: [Q276222Detector()], frames: BundledPlugins.frameCatalog().catalog)

  static func text(_ text: String, symbols: Bool = true) throws -> [Finding] {
    try findings(Analyser().analyse(text: text, name: "variant"), symbols: symbols)
  }

  static func seedText() throws -> String {
    try String(contentsOfFile: SharedFixtures.path("kb/Q276222.md"), encoding: .utf8)
  }

  /// The seed's stack rows and header only.
  static func seedStack() throws -> String {
    let lines = try seedText().split(separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(lines.firstIndex { $0.contains("FramePtr  RetAddr") })
    return lines[start...(start + 9)].joined(separator: "\n") + "\n"
  }

  /// The seed's two event records only.
  static func seedEvents() throws -> String {
    let lines = try seedText().split(separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(lines.firstIndex { $0.contains("Event ID: 9202") })
    return lines[start...(start + 7)].joined(separator: "\n") + "\n"
  }

  @Test("the seed listing (the article): confirmed, with the bad index as an inference and the remedy", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func seedListing() throws {
    let finding = try #require(try Self.findings(Analyser().analyse(path: SharedFixtures.path("kb/Q276222.md"))).first)
    #expect(finding.confidence == .confirmed)
    #expect(finding.plugin == "Q276222")
    #expect(finding.evidence.contains { $0.isInference && $0.text.contains("0xcffa119e") })
    #expect(finding.evidence.contains { $0.text.contains("control block index 203") })
    #expect(finding.evidence.contains { $0.text.contains("9405") })
    #expect(finding.remedy?.fixedIn == "5.5.2654.22")
    #expect(finding.remedy?.files.contains { $0.name == "Emsmta.exe" && $0.version == "5.5.2654.22" } == true)
    guard case .frame(_, 0, let lines)? = finding.evidence.first?.location else {
      Issue.record("the first evidence should point at frame 0")
      return
    }
    #expect(lines?.first == 36)
  }

  @Test("the seed as a Dr. Watson log and as a minidump: confirmed")
  func seedForms() throws {
    let log = try Self.findings(Analyser().analyse(path: Fixtures.repositoryRoot + "/Examples/Q276222/drwtsn32.log"))
    #expect(log.first?.confidence == .confirmed)
    let dumpReport = try Analyser().analyse(path: Fixtures.repositoryRoot + "/Examples/Q276222/emsmta.dmp")
    let dump = try Self.findings(dumpReport)
    #expect(dump.first?.confidence == .confirmed)
    // The dump's top frame has no FUNC; the learned call site names it otpmralt.
    #expect(dump.first?.evidence.first?.text.hasPrefix("the top frame is otpmralt by its call site") == true)
    #expect(dump.first?.evidence.first?.isInference == true)
  }

  @Test("the stack alone: likely without symbols; confirmed when Symbols/ recognises the build", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func stackAlone() throws {
    #expect(try Self.text(try Self.seedStack(), symbols: false).first?.confidence == .likely)
    #expect(try Self.text(try Self.seedStack()).first?.confidence == .confirmed)
  }

  @Test("frames without offsets: the names still match", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func withoutOffsets() throws {
    var stack = try Self.seedStack()
    for offset in ["+0x25", "+0x307", "+0x11a", "+0x93e", "+0x119", "+0x4ce", "+0x395", "+0x58", "+0x51"] {
      stack = stack.replacingOccurrences(of: offset, with: "")
    }
    let finding = try #require(try Self.text(stack + (try Self.seedEvents()), symbols: false).first)
    #expect(finding.confidence == .confirmed)
    #expect(finding.evidence.contains { $0.text.hasPrefix("2 of the 2 callers that identify the path") })
  }

  @Test("a missing thread frame and an extra one: tolerated; a missing caller lowers", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func missingAndExtraFrames() throws {
    var lines = try Self.seedStack().split(separator: "\n").map(String.init)
    lines.remove(at: 4)  // otpaasb, a frame of every MTA association thread
    lines.insert("  0ab1ff20  004c56c0  00000034 0069578c 0786a290 EMSMTA!otpextra+0x10", at: 5)
    let finding = try #require(try Self.text(lines.joined(separator: "\n") + "\n" + (try Self.seedEvents()), symbols: false).first)
    #expect(finding.confidence == .confirmed)
    lines.remove(at: 3)  // otpmrtry, one of the callers that identify the path
    let lowered = try #require(try Self.text(lines.joined(separator: "\n") + "\n" + (try Self.seedEvents()), symbols: false).first)
    #expect(lowered.confidence == .likely)
    #expect(lowered.evidence.contains { $0.text.hasPrefix("1 of the 2 callers") && $0.text.contains("not seen: otpmrtry") })
  }

  @Test("an MTA crash elsewhere, with the MTA's thread frames: no finding at any confidence", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func commonFramesOnly() throws {
    let listing = """
      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
      0ab1fcfc  00510cc7  cffa119e 07ad9838 0069578c EMSMTA!otpmrsnd+0x25
      0ab1fee8  004c6b99  00000034 00000141 0346b110 EMSMTA!otpaasb+0x93e
      0ab1ff18  004c56be  00000034 0069578c 0786a290 EMSMTA!otparecv+0x119
      0ab1ff54  004e24c5  00000034 000041e8 00000820 EMSMTA!otpamain+0x4ce
      0ab1ff8c  00554b98  000041e8 00f70006 00000034 EMSMTA!otpimain+0x395
      0ab1ffb8  77f04ede  00000034 000041e8 00f70006 EMSMTA!sbpiwbep+0x58
      0ab1ffec  00000000  00000000 00000000 00000000 KERNEL32!BaseThreadStart+0x51

      """
    #expect(try Self.text(listing, symbols: false).isEmpty)
    #expect(try Self.text(listing + (try Self.seedEvents()), symbols: false).isEmpty, "events do not outweigh a stack that is not it")
  }

  @Test("otpmralt called from elsewhere: the other caller is listed against it and lowers it")
  func otherCaller() throws {
    let listing = """
      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
      0ab1fcfc  00510cc7  00000034 07ad9838 0069578c EMSMTA!otpmralt+0x25
      0ab1fd4c  004dfe5a  00000034 08564d01 0786a290 EMSMTA!otpmrsnd+0x112
      0ab1fee8  004c6b99  00000034 00000141 0346b110 EMSMTA!otpaasb+0x93e

      """
    let finding = try #require(try Self.text(listing, symbols: false).first)
    #expect(finding.confidence == .ruledOut)
    #expect(finding.evidence.contains { $0.bearing == .contradicts && $0.text.contains("called from otpmrsnd") })
  }

  @Test("the fixed build 5.5.2654.22 is ruled out; a pre-SP3 build lowers the finding one level", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func versions() throws {
    var report = try Analyser().analyse(path: SharedFixtures.path("kb/Q276222.md"))
    report.modules = [CodeModule(name: "EMSMTA.EXE", base: Address(0x400000), size: 0x1a0000, version: "5.5.2654.22")]
    let fixed = try #require(try Self.findings(report, symbols: false).first)
    #expect(fixed.confidence == .ruledOut)
    #expect(fixed.evidence.contains { $0.bearing == .contradicts && $0.rulesOut && $0.text.contains("has the fix") })
    report.modules[0].version = "5.5.2653.12"
    #expect(try Self.findings(report, symbols: false).first?.confidence == .confirmed)
    report.modules[0].version = "5.5.2448.0"
    #expect(try Self.findings(report, symbols: false).first?.confidence == .likely)
  }

  @Test("the events alone: possible", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func eventsOnly() throws {
    let finding = try #require(try Self.text(try Self.seedEvents(), symbols: false).first)
    #expect(finding.confidence == .possible)
  }

  @Test("the same stack in the Alpha Callee-SP form: the parameter is a register hint", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func alphaForm() throws {
    let alpha = """
      Callee-SP Return-RA  Call Site
      0ab1fcf0 00510cc4 EMSMTA!otpmralt+0x24
      0ab1fd40 004dfe58 EMSMTA!otpurert+0x304
      0ab1fe80 004bfb7c EMSMTA!otpmrtry+0x118
      0ab1fee0 004c6b98 EMSMTA!otpaasb+0x93c
      0ab1ff10 004c56bc EMSMTA!otparecv+0x118
      0ab1ff50 004e24c4 EMSMTA!otpamain+0x4cc
      0ab1ff80 00554b98 EMSMTA!otpimain+0x394
      0ab1ffb0 77f04edc EMSMTA!sbpiwbep+0x58
      0ab1ffe0 00000000 KERNEL32!BaseThreadStart+0x50

      """
    let report = Analyser().analyse(text: alpha + (try Self.seedEvents()), name: "alpha")
    #expect(report.threads.first?.architecture != .x86)
    let finding = try #require(try Self.findings(report, symbols: false).first)
    #expect(finding.confidence == .confirmed)
  }

  @Test("nothing else in the KB sample: no finding for any other article", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func noFalsePositives() throws {
    let articles = try FileManager.default.contentsOfDirectory(atPath: SharedFixtures.path("kb")).filter { $0.hasSuffix(".md") }
    #expect(articles.count == 208)
    for article in articles where article != "Q276222.md" {
      let findings = try Self.findings(Analyser().analyse(path: SharedFixtures.path("kb/" + article)))
      #expect(findings.isEmpty, "\(article): \(findings.map(\.confidence))")
    }
  }
}

@Suite("Signature pipeline")
struct SignaturePipelineTests {
  struct Failing: SignaturePlugin {
    struct Broken: Error, CustomStringConvertible {
      var description: String { "index out of range in the test plugin" }
    }
    let descriptor = PluginDescriptor(id: "BROKEN", title: "always throws", product: "-", affectedVersions: "-", references: [])
    func examine(_ report: CrashReport) throws -> [Finding] { throw Broken() }
  }

  @Test("a plugin that throws becomes a note; the other findings still appear", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func throwingPlugin() throws {
    let report = try Analyser().analyse(path: SharedFixtures.path("kb/Q276222.md"))
    let result = SignaturePipeline(plugins: [Failing(), Q276222Detector()]).classify(report)
    #expect(result.findings.map(\.plugin) == ["Q276222"])
    #expect(result.notes == ["plugin BROKEN failed: index out of range in the test plugin"])
    #expect(result.signature == "otpmralt")
  }
}
