//===--- DocumentationExampleTests.swift - The DocC articles' code, run ------===//
//
// The code of Getting Started and Writing Plugins (Sources/CrashAnalysis/
// CrashAnalysis.docc), with the fixture paths in place of the articles'
// placeholders, so the documented calls keep compiling and keep doing what the
// articles say.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Signatures
import Symbolication
import Testing

/// The plugin of the Writing Plugins article.
struct CheckRecipInfoDetector: SignaturePlugin {
  init() {}

  let descriptor = PluginDescriptor(
    id: "Q282275", title: "MTA stops unexpectedly in CheckRecipInfo()",
    product: "Microsoft Exchange Server (MTA)", affectedVersions: "5.5 SP4", references: ["KB Q282275"])

  func examine(_ report: CrashReport) throws -> [Finding] {
    for thread in report.threads.indices {
      let frames = FrameView.frames(of: report, thread: thread)
      guard let top = frames.first, top.matches(module: "EMSMTA", function: "CheckRecipInfo") else { continue }
      return [
        Finding(
          plugin: descriptor.id, title: descriptor.title, confidence: .possible,
          evidence: [Evidence(.supports, "EMSMTA!CheckRecipInfo is the top frame", at: top.location, defining: true)],
          remedy: Remedy(summary: "Install the 5.5.2654.39 MTA fix.", fixedIn: "5.5.2654.39"))
      ]
    }
    return []
  }
}

@Suite("the documentation's examples")
struct DocumentationExampleTests {
  @Test("Getting Started: analyse, symbolicate, classify, render")
  func gettingStarted() throws {
    let store = SymbolStore(roots: [Fixtures.repositoryRoot + "/Symbols"])
    var report = try Analyser().analyse(
      path: Fixtures.repositoryRoot + "/Examples/Q276222/emsmta.dmp", unwindData: StoreUnwindData(store: store))
    if report.hasStack {
      report = Symbolicator(store: store).symbolicate(report)
    }
    let plugins = BundledPlugins.all(rulePaths: [], includeShippedRules: true).plugins
    let classification = SignaturePipeline(plugins: plugins).classify(report)
    let text = TextReportWriter.render(report, classification: classification)
    #expect(classification.findings.first?.plugin == "Q276222")
    #expect(text.contains("EMSMTA!otpurert+0x307"))
    let frames = report.threads.flatMap(\.frames)
    #expect(frames.first?.returnAddress != nil && frames.first?.framePointer != nil)
  }

  @Test("Getting Started: a batch into a triage summary and an HTML page")
  func batchExample() throws {
    var batch = BatchAnalyser(pipeline: SignaturePipeline(plugins: BundledPlugins.all().plugins))
    batch.symbolStore = SymbolStore(roots: [Fixtures.repositoryRoot + "/Symbols"])
    var summary = TriageSummary()
    let path = NSTemporaryDirectory() + "triage-\(UUID().uuidString).html"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let page = try TriageHTMLWriter(path: path)
    batch.run(BatchAnalyser.expand([Fixtures.repositoryRoot + "/Examples/Q276222"])) { result in
      summary.add(result.record)
      page.add(result)
    }
    try page.finish(summary, tool: "triage 1.0", generated: 0)
    #expect(summary.total == 2)
    #expect(TriageReportWriter.text(summary).contains("Q276222 confirmed"))
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("id=\"crash-2\""))
  }

  @Test("Writing Plugins: the example plugin runs next to the bundled ones and fires on its article only", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func examplePlugin() throws {
    let plugins = BundledPlugins.all().plugins + [CheckRecipInfoDetector()]
    let article = Analyser().analyse(
      text: try String(contentsOfFile: SharedFixtures.path("kb/Q282275.md"), encoding: .utf8), name: "Q282275.md")
    let findings = SignaturePipeline(plugins: plugins).classify(article).findings
    #expect(findings.contains { $0.plugin == "Q282275" && $0.confidence == .possible })
    let other = try Analyser().analyse(path: Fixtures.repositoryRoot + "/Examples/Q276222/drwtsn32.log")
    #expect(try CheckRecipInfoDetector().examine(other).isEmpty)
  }
}

@Suite("the README's library snippet")
struct ReadmeSnippetTests {
  @Test("every line of the README's 'Linking the library' snippet is in Examples/Client, which CI builds and runs")
  func snippetComesFromTheClient() throws {
    let readme = try String(contentsOfFile: Fixtures.repositoryRoot + "/README.md", encoding: .utf8)
    let client = try String(contentsOfFile: Fixtures.repositoryRoot + "/Examples/Client/Sources/Client/main.swift", encoding: .utf8)
    let section = try #require(readme.components(separatedBy: "## Linking the library").dropFirst().first)
    let block = try #require(section.components(separatedBy: "```swift\n").dropFirst().first?.components(separatedBy: "```").first)
    let lines = block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    #expect(lines.count >= 10)
    for line in lines { #expect(client.contains(line), "not in Examples/Client: \(line)") }
  }
}
