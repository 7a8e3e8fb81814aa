//===--- SourceMapCLITests.swift - `analyse --source-maps` -------------------===//

import CrashTestSupport
import Foundation
import Testing

@Suite struct SourceMapCLITests {
  static let fixture = "Tests/Fixtures/sourcemaps/esbuild"

  @Test func textShowsTheOriginalBesideTheGenerated() throws {
    let run = try AnalyseRunner.run(["--source-maps", Self.fixture, Self.fixture + "/stack.txt"])
    #expect(run.status == 0)
    #expect(run.standardOutput.contains("Signature:    ledger.ts:readTotal"))
    #expect(
      run.standardOutput.contains(
        "00 a [/tmp/sourcemap-fixtures/esbuild/dist/app.min.js @ 1:178] = readTotal [/tmp/sourcemap-fixtures/src/ledger.ts @ 21:18]"))
  }

  @Test func jsonCarriesTheOriginalAndItsMap() throws {
    // A --symbols directory is searched for maps too.
    let run = try AnalyseRunner.run(["--json", "--symbols", Self.fixture, Self.fixture + "/stack.txt"])
    #expect(run.status == 0)
    let report = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
    let threads = try #require(report["threads"] as? [[String: Any]])
    let frames = try #require(threads.first?["frames"] as? [[String: Any]])
    let first = try #require(frames.first)
    #expect((first["source"] as? [String: Any])?["column"] as? Int == 178)
    let original = try #require(first["original"] as? [String: Any])
    #expect(original["function"] as? String == "readTotal")
    #expect(original["file"] as? String == "/tmp/sourcemap-fixtures/src/ledger.ts")
    #expect(original["line"] as? Int == 21)
    #expect(original["column"] as? Int == 18)
    #expect(original["source_map"] as? String == Self.fixture + "/dist/app.min.js.map")
  }

  @Test func damagedMapIsAWarningNotAFailure() throws {
    let directory = NSTemporaryDirectory() + "sourcemap-cli-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try FileManager.default.createDirectory(atPath: directory + "/dist", withIntermediateDirectories: true)
    try #"{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAA,!"}"#.write(
      toFile: directory + "/dist/app.min.js.map", atomically: true, encoding: .utf8)
    let run = try AnalyseRunner.run(["--source-maps", directory, Self.fixture + "/stack.txt"])
    #expect(run.status == 0)
    #expect(run.standardOutput.contains("mappings damaged at byte 5 of the string: byte 0x21 is no base64 digit"))
    #expect(run.standardOutput.contains("Signature:    app.min.js:a"))
  }
}
