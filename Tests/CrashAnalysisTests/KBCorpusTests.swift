//===--- KBCorpusTests.swift - Every stack in every sampled KB article ------===//
//
// Decodes all 208 articles in Tests/Fixtures/kb and compares each with its
// reviewed expectation in Tests/Fixtures/kb-expected (see StackSummary for the
// format). Set KB_EXPECTED_WRITE=1 to rewrite the expectations after a change —
// then review the diff article by article before committing it.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashTestSupport
import Foundation
import Testing

@Suite("KB corpus", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
struct KBCorpusTests {
  static let articles: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: SharedFixtures.path("kb"))) ?? []
    return names.filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.sorted()
  }()

  @Test("the sample holds all 208 articles")
  func corpusIsComplete() {
    #expect(Self.articles.count == 208)
  }

  @Test("each article decodes to its reviewed expectation", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"), arguments: articles)
  func article(_ name: String) throws {
    let report = try Analyser().analyse(path: SharedFixtures.path("kb/\(name).md"))
    let summary = StackSummary.render(report)
    let expectedPath = Fixtures.path("kb-expected/\(name).txt")
    if ProcessInfo.processInfo.environment["KB_EXPECTED_WRITE"] == "1" {
      try FileManager.default.createDirectory(atPath: Fixtures.path("kb-expected"), withIntermediateDirectories: true)
      try summary.write(toFile: expectedPath, atomically: true, encoding: .utf8)
      return
    }
    let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
    #expect(summary == expected, "decoded \(name) differs from Tests/Fixtures/kb-expected/\(name).txt")
  }
}
