//===--- MetroHermesTests.swift - React Native's maps and Hermes' stacks -------===//
//
// The `metro` fixture (Tests/Fixtures/sourcemaps/build.sh) is report.js
// minified into index.android.bundle, its map carrying Metro's function map
// (`x_facebook_sources`). terser folded formatAmount into renderRow, so the
// frame that failed stands in formatAmount's code inside the minified `t`:
// Node's own mapping keeps `t` (no call names it); the function map names
// formatAmount, as metro-symbolicate does (and renderReport, inlined at the
// top level, for the outermost frame). `stack-hermes.txt` is the same stack
// in Hermes' form (`address at FILE:1:OFFSET`, 0-based offsets).
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import SourceMaps
import Testing

@Suite struct MetroHermesTests {
  static let directory = Fixtures.path("sourcemaps/metro")

  func resolved(_ stack: String) throws -> [StackFrame] {
    let pasted = try String(contentsOfFile: Self.directory + "/" + stack, encoding: .utf8)
    let report = SourceMapResolver(directories: [Self.directory]).resolve(Analyser().analyse(text: pasted))
    return try #require(report.threads.first?.frames)
  }

  @Test("V8's and Hermes' forms of one stack map to the same places, named by Metro's function map",
    arguments: ["stack.txt", "stack-hermes.txt"])
  func functionMapNamesFrames(_ stack: String) throws {
    let frames = try resolved(stack)
    let failing = try #require(frames.first?.original)
    #expect("\(failing.file):\(failing.line):\(failing.column)" == "/tmp/sourcemap-fixtures/metro/dist/report.js:3:17")
    #expect(failing.function == "formatAmount")
    let top = try #require(frames.first { $0.sourceLine?.line == 1 && $0.index > 0 && $0.original != nil }?.original)
    // The top-level call, where terser inlined renderReport's body: Node names it
    // `Object.<anonymous>`, the function map the function whose code it is.
    #expect(top.line == 11)
    #expect(top.function == "renderReport")
  }

  @Test("a Hermes place keeps its file without `address at`, its offset a 1-based column")
  func hermesPlaces() throws {
    let report = Analyser().analyse(text: "Error: x\n    at foo (address at index.android.bundle:1:11939)\n    at map (native)\n")
    let frames = try #require(report.threads.first?.frames)
    #expect(frames.count == 2)
    #expect(frames[0].sourceLine == SourceLine(file: "index.android.bundle", line: 1, column: 11940))
    #expect(frames[0].symbol?.function == "foo")
    #expect(frames[1].symbol?.function == "map" && frames[1].sourceLine == nil)
  }

  func map(_ json: String) throws(SourceMapError) -> SourceMap {
    let bytes = Array(json.utf8)
    return try bytes.withUnsafeBytes { buffer in
      Result { () throws(SourceMapError) in try SourceMap(json: buffer, origin: "m.map") }
    }.get()
  }

  @Test("function maps: `;` restarts the column only, the third field moves the line, ends give the name back")
  func functionMapDecoding() throws {
    // <global> from 1:0, outer from 2:0, inner from 2:10, outer again from 2:20, <global> from 5:1.
    let starts = "AAA;ACC,UCA,UDA;CDG"
    let json = #"{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA","x_facebook_sources":[[{"names":["<global>","outer","inner"],"mappings":"\#(starts)"}]]}"#
    let map = try map(json)
    #expect(map.hasFunctionMaps && map.functionMapProblems.isEmpty)
    func name(_ line: Int, _ column: Int) -> String? {
      map.functionName(at: MappedPosition(source: "a.js", line: line, column: column, sourceIndex: 0))
    }
    #expect(name(1, 1) == "<global>")
    #expect(name(2, 1) == "outer")
    #expect(name(2, 11) == "inner")
    #expect(name(2, 20) == "inner")
    #expect(name(2, 21) == "outer")
    #expect(name(4, 80) == "outer")
    #expect(name(5, 2) == "<global>")
    #expect(map.functionName(at: MappedPosition(source: "b.js", line: 1, column: 1, sourceIndex: 1)) == nil)
  }

  @Test("a damaged function map is a problem named by source and byte; the positions still map",
    arguments: [
      (#"{"names":["a"],"mappings":"AC"}"#, "name 1 of 1"),
      (#"{"names":["a"],"mappings":"A"}"#, "a segment of one field"),
      (#"{"names":["a"],"mappings":"AAA,A!A"}"#, "is no base64 digit"),
      (#"{"names":["a"],"mappings":"AAD"}"#, "a line or column outside"),
      (#"{"mappings":"AAA"}"#, "no \"names\" array"),
    ])
  func damagedFunctionMap(_ functionMap: String, _ reason: String) throws {
    let json = #"{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA","x_facebook_sources":[[\#(functionMap)]]}"#
    let map = try map(json)
    #expect(!map.hasFunctionMaps)
    let problem = try #require(map.functionMapProblems.first)
    #expect(problem.hasPrefix("the function map of source 1 is damaged"))
    #expect(problem.contains(reason), "\(problem)")
    #expect(map.originalPosition(line: 1, column: 1)?.source == "a.js")
  }

  @Test("a damaged function map is a warning on the report; the frame keeps its place and Node's naming")
  func damagedFunctionMapWarns() throws {
    let scratch = NSTemporaryDirectory() + "metro-damaged-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let json = #"{"version":3,"sources":["a.js"],"names":["readTotal"],"mappings":"AAAA,EAAEA","x_facebook_sources":[[{"names":[],"mappings":"AAA"}]]}"#
    try json.write(toFile: scratch + "/main.jsbundle.map", atomically: true, encoding: .utf8)
    let pasted = "TypeError: x\n    at a (address at main.jsbundle:1:0)\n    at b (address at main.jsbundle:1:2)\n"
    let report = SourceMapResolver(directories: [scratch]).resolve(Analyser().analyse(text: pasted))
    #expect(report.threads.first?.frames.first?.original?.line == 1)
    #expect(report.threads.first?.frames.first?.original?.function == "readTotal")
    #expect(report.diagnostics.contains { $0.severity == .warning && $0.message.contains("the function map of source 1 is damaged") })
  }
}
