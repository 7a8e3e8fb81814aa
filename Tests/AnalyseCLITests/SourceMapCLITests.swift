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

@Suite struct SourceMapSymbolizeTests {
  static let map = "Tests/Fixtures/sourcemaps/esbuild/dist/app.min.js.map"

  @Test func placesAsLLVMSymbolizerAnswers() throws {
    // 1:149 is the call `a(e)`: the map names its callee; 1:178 is a property read, unnamed.
    let run = try AnalyseRunner.run(["symbolize", "--source-map", Self.map, "1:178", "/srv/app.min.js:1:149", "9:9"])
    #expect(run.status == 0)
    #expect(run.standardOutput == "??\n../../src/ledger.ts:21:18\n\nreadTotal\n../../src/ledger.ts:16:12\n\n??\n??:0:0\n\n")
    let json = try AnalyseRunner.run(["symbolize", "--json", "--source-map", Self.map], input: Data("1:149\n".utf8))
    #expect(
      json.standardOutput
        == #"{"Address":"1:149","ModuleName":"\#(Self.map)","Symbol":[{"FunctionName":"readTotal","FileName":"../../src/ledger.ts","Line":16,"Column":12}]}"#
        + "\n")
  }

  @Test func notAPlaceIsNamed() throws {
    let run = try AnalyseRunner.run(["symbolize", "--source-map", Self.map, "0x1f"])
    #expect(run.status == 3)
    #expect(run.standardError.contains("'0x1f' is not a LINE:COLUMN place"))
    let damaged = try AnalyseRunner.run(["symbolize", "--source-map", "Tests/Fixtures/sourcemaps/esbuild/stack.txt", "1:1"])
    #expect(damaged.status == 3)
    #expect(damaged.standardError.contains("stack.txt: not JSON at byte 0"))
  }
}
