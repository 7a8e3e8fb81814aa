//===--- HTMLReportTests.swift - analyse --html and merge --html -------------===//

import CrashTestSupport
import Foundation
import Testing

@Suite("the HTML triage page", .serialized)
struct HTMLReportTests {
  /// A scratch directory holding hostile inputs: a path full of markup and a corrupt dump.
  static func hostileInputs() throws -> (directory: String, markupPath: String, corruptPath: String) {
    let directory = NSTemporaryDirectory() + "html-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let markupPath = directory + "/<b>x<i>&\"q\".log"
    let listing = """
      ChildEBP RetAddr  Args to Child
      0012f9a0 77f8e9a4 00000001 00000002 00000003 evil!Handler<script>alert(1)</script>+0x12
      0012fa00 77f8e9b4 00000001 00000002 00000003 evil!Run&Co+0x10

      """
    try Data(listing.utf8).write(to: URL(fileURLWithPath: markupPath))
    let corruptPath = directory + "/cut.dmp"
    let dump = try Data(contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot + "/Examples/Q276222/emsmta.dmp"))
    try Data(dump.prefix(60)).write(to: URL(fileURLWithPath: corruptPath))
    return (directory, markupPath, corruptPath)
  }

  /// The structural promises every page keeps.
  static func checkStructure(_ page: String, crashes: Int, sourceLocation: SourceLocation = #_sourceLocation) -> HTMLStructure {
    let structure = HTMLStructure(page)
    #expect(structure.errors == [], sourceLocation: sourceLocation)
    #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"), sourceLocation: sourceLocation)
    #expect(page.hasSuffix("</html>\n"), sourceLocation: sourceLocation)
    #expect(structure.elements["html"] == 1 && structure.elements["body"] == 1, sourceLocation: sourceLocation)
    #expect(structure.elements["script"] == nil, "no script", sourceLocation: sourceLocation)
    #expect(structure.foreignMarkup == [], "only what the writer writes", sourceLocation: sourceLocation)
    #expect(structure.sources.isEmpty, "no external resources", sourceLocation: sourceLocation)
    #expect(structure.elements["link"] == nil && structure.elements["img"] == nil, sourceLocation: sourceLocation)
    #expect(!page.contains("https://") && !page.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"),
      sourceLocation: sourceLocation)
    #expect(Set(structure.ids).count == structure.ids.count, "ids are unique", sourceLocation: sourceLocation)
    let ids = Set(structure.ids)
    let dangling = structure.links.filter { !$0.hasPrefix("#") || !ids.contains(String($0.dropFirst())) }
    #expect(dangling == [], "every link lands on the page", sourceLocation: sourceLocation)
    for section in ["top-buckets", "known-issues", "buckets", "failures", "crashes"] {
      #expect(ids.contains(section), "section \(section)", sourceLocation: sourceLocation)
    }
    #expect(structure.details.count == crashes, sourceLocation: sourceLocation)
    #expect(structure.details.map { $0["id"] ?? "" } == (1...max(1, crashes)).prefix(crashes).map { "crash-\($0)" },
      sourceLocation: sourceLocation)
    return structure
  }

  @Test("--html: chart, known-issue table, buckets, failures and every crash one click away; markup in input stays text", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func batchPage() throws {
    let (directory, markupPath, corruptPath) = try Self.hostileInputs()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let page = directory + "/report.html"
    let run = try AnalyseRunner.run([
      "--html", page, "Examples/Q276222", "../shared/kb/Q282275.md", "../shared/kb/Q177710.md", markupPath, corruptPath,
    ])
    #expect(run.status == 5, "the cut dump failed")
    let html = try String(contentsOfFile: page, encoding: .utf8)
    let structure = Self.checkStructure(html, crashes: 6)
    #expect(!FileManager.default.fileExists(atPath: page + ".partial"))

    // The chart: one linked bar per bucket, coloured by confidence.
    #expect(structure.elements["svg"] == 1)
    #expect(structure.elements["rect"] == 4, "four buckets: the Q276222 log and dump share one (docs/signatures.md)")
    #expect(html.contains("class=\"bar confirmed\"") && html.contains("class=\"bar likely\""))
    // The known-issue table names Q276222 with its remedy, and Q282275.
    #expect(html.contains("<td>Q276222</td><td>MTA terminates in OTPMRALT() due to bad ECBindex</td><td class=\"num\">2</td>"))
    #expect(html.contains("5.5.2654.22"))
    #expect(html.contains("<td>Q282275</td>"))
    // The failure is listed with its reason, and the corrupt crash is still one of the crashes.
    #expect(html.contains("<td class=\"path\">\(corruptPath)</td>"))
    #expect(structure.details.last?["class"] == "crash failed")
    // Stacks are inside the crashes.
    #expect(html.contains("EMSMTA!otpmralt+0x25"))
    // Hostile text shows escaped.
    #expect(html.contains("&lt;b&gt;x&lt;i&gt;&amp;&quot;q&quot;.log"))
    #expect(!html.contains("<b>x<i>"))
  }

  @Test("merge --html: the page from JSON Lines, crashes listed without their stacks")
  func mergedPage() throws {
    let (directory, _, corruptPath) = try Self.hostileInputs()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let lines = try AnalyseRunner.run(["--jsonl", "Examples/Q276222", corruptPath])
    let jsonl = directory + "/run.jsonl"
    try Data(lines.standardOutput.utf8).write(to: URL(fileURLWithPath: jsonl))
    let page = directory + "/merged.html"
    let run = try AnalyseRunner.run(["merge", "--html", page, jsonl])
    #expect(run.status == 0)
    let html = try String(contentsOfFile: page, encoding: .utf8)
    _ = Self.checkStructure(html, crashes: 3)
    #expect(html.contains("3</strong> inputs"))
    #expect(html.contains("Q276222 confirmed"))
  }

  @Test("merge reads lines of bounded length: a longer one is skipped and reported, the rest still merge")
  func mergeSkipsOverlongLines() throws {
    let (directory, _, _) = try Self.hostileInputs()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let lines = try AnalyseRunner.run(["--jsonl", "Examples/Q276222"])
    let longest = lines.standardOutput.split(separator: "\n").map(\.utf8.count).max() ?? 0
    let long = "{\"path\":\"x\",\"triage\":{\"signature\":\"" + String(repeating: "A", count: longest) + "\"}}"
    let jsonl = directory + "/run.jsonl"
    try Data((lines.standardOutput + long + "\n").utf8).write(to: URL(fileURLWithPath: jsonl))
    let run = try AnalyseRunner.run(["merge", "--max-line-length", String(longest), jsonl])
    #expect(run.status == 5)
    #expect(run.standardError.contains("run.jsonl:3: line longer than \(longest) bytes; skipped"))
    #expect(run.standardOutput.contains("Triage: 2 input(s)"))
  }

  @Test("the structure reader itself catches what it must: misnested and unclosed tags, bare & and <, quotes")
  func readerCatchesDamage() {
    #expect(HTMLStructure("<p><b>x</p></b>").errors.count == 2)
    #expect(HTMLStructure("<div>a & b</div>").errors == ["bare & at byte 7"])
    #expect(HTMLStructure("<div>a > b</div>").errors == ["bare > at byte 7"])
    #expect(HTMLStructure("<a href=x>y</a>").errors.first == "bad attributes in <a> at byte 0")
    #expect(HTMLStructure("<section><br><rect/></section>").errors == [])
    #expect(HTMLStructure("<div>").errors == ["unclosed at the end: div"])
  }

  @Test("an HTML page that cannot be written is a clear error naming it")
  func unwritablePage() throws {
    let run = try AnalyseRunner.run(["--html", "/nonexistent-dir/report.html", "Examples/Q276222"])
    #expect(run.status == 6, "an output that cannot be written is exit status 6")
    #expect(run.standardError.contains("cannot create /nonexistent-dir/report.html: No such file or directory"))
  }
}
