//===--- JSONOutputTests.swift - The JSON report is valid and as documented --===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Testing

@Suite("JSON report")
struct JSONOutputTests {
  private func json(_ path: String) throws -> [String: Any] {
    let report = try Analyser().analyse(path: path)
    let text = JSONReportWriter.render(report, tool: "test")
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
  }

  @Test("the Q276222 example has the documented shape")
  func documentedShape() throws {
    let root = try json(Fixtures.repositoryRoot + "/Examples/Q276222/drwtsn32.log")
    #expect(root["schema_version"] as? Int == JSONReportWriter.schemaVersion)
    #expect(root["architecture"] as? String == "x86")
    let threads = try #require(root["threads"] as? [[String: Any]])
    let thread = try #require(threads.first)
    #expect(thread["architecture"] as? String == "x86")
    let frames = try #require(thread["frames"] as? [[String: Any]])
    #expect(frames.count == 9)
    let top = try #require(frames.first)
    #expect(top["frame_pointer"] as? String == "0x0ab1fcfc")
    #expect(top["return_address"] as? String == "0x00510cc7")
    #expect(top["parameters"] as? [String] == ["0xcffa119e", "0x07ad9838", "0x0069578c"])
    #expect(top["module"] as? String == "EMSMTA")
    #expect(top["function"] as? String == "otpmralt")
    #expect(top["offset"] as? String == "0x25")
    #expect(top["trust"] as? String == "text")
    let events = try #require(root["events"] as? [[String: Any]])
    #expect(events.compactMap { $0["id"] as? Int } == [9202, 9405])
    #expect(events.allSatisfy { $0["source"] is String && $0["description"] is String })
  }

  @Test("every KB article renders to valid JSON", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"), arguments: ["Q163571", "Q177710", "Q178338", "Q306427", "Q81142", "Q190203"])
  func articlesAreValidJSON(name: String) throws {
    let root = try json(SharedFixtures.path("kb/\(name).md"))
    #expect(root["threads"] is [Any])
  }

  @Test("strings with quotes, backslashes and control characters are escaped")
  func escaping() throws {
    let report = Analyser().analyse(
      text: "FramePtr RetAddr Param1 Param2 Param3 Function Name\n0012fe3c 77f1cb3f 00000001 0012fe60 00000000 a\\b!\"q\"\u{7}+0x1\n")
    let text = JSONReportWriter.render(report)
    #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
  }
}
