//===--- ConfusionMatrixTests.swift - Every plugin against every article -----===//
//
// Each article of the KB sample, decoded, symbolicated with Symbols/ and
// classified by every bundled plugin (Swift and rules): the findings must be
// exactly those committed in Tests/Fixtures/kb-findings/expected.txt — each
// Exchange MTA crash article its own known issue, everything else none.
// KB_FINDINGS_WRITE=1 rewrites the file after an intended change (then review it).
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Signatures
import Symbolication
import Testing

@Suite("Confusion matrix over the KB sample")
struct ConfusionMatrixTests {
  /// The shipped frame catalogs, as every run of `analyse` uses them.
  static let catalog = BundledPlugins.frameCatalog().catalog

  static func classify(_ path: String) throws -> [Finding] {
    let plugins = BundledPlugins.all(
      rulePaths: [Fixtures.repositoryRoot + "/Plugins/rules"], includeShippedRules: false
    ).plugins
    let store = SymbolStore(roots: [Fixtures.repositoryRoot + "/Symbols"])
    let report = Symbolicator(store: store).symbolicate(try Analyser().analyse(path: path))
    return SignaturePipeline(plugins: plugins, frames: catalog).classify(report).findings
  }

  @Test("findings per article equal the committed matrix; MTA crashes get their own issue only", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func matrix() throws {
    let articles = try FileManager.default.contentsOfDirectory(atPath: SharedFixtures.path("kb"))
      .filter { $0.hasSuffix(".md") }.sorted()
    var lines: [String] = []
    for article in articles {
      let findings = try Self.classify(SharedFixtures.path("kb/" + article))
      let text = findings.map { "\($0.plugin):\($0.confidence.rawValue)" }.joined(separator: " ")
      lines.append("\(article.dropLast(3)) \(text.isEmpty ? "-" : text)")
      // A finding, when there is one, is the article's own known issue.
      for finding in findings { #expect(finding.plugin == String(article.dropLast(3)), "\(article): \(finding.plugin)") }
    }
    let rendered = lines.joined(separator: "\n") + "\n"
    let path = Fixtures.path("kb-findings/expected.txt")
    if ProcessInfo.processInfo.environment["KB_FINDINGS_WRITE"] == "1" {
      try rendered.write(toFile: path, atomically: true, encoding: .utf8)
    }
    #expect(rendered == (try String(contentsOfFile: path, encoding: .utf8)))
    #expect(lines.filter { !$0.hasSuffix(" -") }.count >= 11)
  }

  @Test("rules for articles that print no stack fire on a listing of what they describe, and only their own")
  func articlesWithoutListings() throws {
    let cases = [
      ("Q155896", "EMSMTA!oxpufret+0x33", "EMSMTA!oxputask+0x120"),
      ("Q254334", "EMSMTA!o4puinqh+0x1a", "EMSMTA!o4pumain+0x88"),
    ]
    for (article, top, caller) in cases {
      let text = """
        FramePtr  RetAddr   Param1   Param2   Param3   Function Name
        0123fcfc  00410cc7  00000001 00000002 00000003 \(top)
        0123fd4c  004dfe5a  00000034 08564d01 0786a290 \(caller)
        0123fe84  00000000  00000000 00000000 00000000 KERNEL32!BaseThreadStart+0x51

        """
      let file = try TemporaryFile(text: text, suffix: ".txt")
      let findings = try Self.classify(file.path)
      #expect(findings.map(\.plugin) == [article], "\(article)")
    }
  }
}
