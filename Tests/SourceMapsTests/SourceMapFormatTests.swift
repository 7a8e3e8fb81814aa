//===--- SourceMapFormatTests.swift - ECMA-426 maps read, and refused --------===//

import CrashTestSupport
import Foundation
import SourceMaps
import Testing

@Suite struct SourceMapFormatTests {
  func map(_ json: String) throws(SourceMapError) -> SourceMap {
    let bytes = Array(json.utf8)
    return try bytes.withUnsafeBytes { buffer in
      Result { () throws(SourceMapError) in try SourceMap(json: buffer, origin: "test.map") }
    }.get()
  }

  func failure(_ json: String) -> SourceMapError? {
    do {
      _ = try map(json)
      return nil
    } catch {
      return error
    }
  }

  /// VLQ digits as the spec's examples give them: A = 0, C = 1, D = -1, gB = 16, 2H = 123,
  /// and a segment's fields relative to the one before.
  @Test func decodesSegmentsRelatively() throws {
    // Line 1: column 0 → one.js 1:1 "alpha"; column 16 → source +1, line +1, name +1.
    // Line 2: column 123 (the generated column restarts), name -1; column 124, source -1, column +1, name +1.
    let sourceMap = try map(
      #"{"version":3,"sources":["one.js","two.js"],"names":["alpha","beta"],"mappings":"AAAAA,gBCCAC;2HAAAD,CDACC"}"#)
    #expect(sourceMap.segmentCount == 4)
    let first = try #require(sourceMap.originalPosition(line: 1, column: 1))
    #expect(first == MappedPosition(source: "one.js", line: 1, column: 1, name: "alpha", isIgnored: false))
    // Column 16 0-based and after: source 0+1 = two.js, line 0+1 → 2, column 0+0 → 1, name 0+1 = beta.
    let second = try #require(sourceMap.originalPosition(line: 1, column: 40))
    #expect(second == MappedPosition(source: "two.js", line: 2, column: 1, name: "beta", isIgnored: false, sourceIndex: 1))
    // Line 2, column 123: the generated column restarts, the rest carry on; name 1-1 = alpha.
    let third = try #require(sourceMap.originalPosition(line: 2, column: 124))
    #expect(third == MappedPosition(source: "two.js", line: 2, column: 1, name: "alpha", isIgnored: false, sourceIndex: 1))
    // Column 124 0-based: source 1-1 = one.js, line 1, column 1 → 2, name 0+1 = beta.
    let fourth = try #require(sourceMap.originalPosition(line: 2, column: 125))
    #expect(fourth == MappedPosition(source: "one.js", line: 2, column: 2, name: "beta", isIgnored: false))
    // Before the first segment of line 2, and on a line with none: nothing.
    #expect(sourceMap.originalPosition(line: 2, column: 1) == nil)
    #expect(sourceMap.originalPosition(line: 3, column: 1) == nil)
  }

  @Test func sourceRootAndIgnoreList() throws {
    let sourceMap = try map(
      #"{"version":3,"sourceRoot":"webpack:///src","sources":["app.js","/abs/lib.js","node_modules/x.js"],"names":[],"mappings":"AAAA,CCAA,CCAA","ignoreList":[2]}"#
    )
    #expect(sourceMap.sources == ["webpack:///src/app.js", "/abs/lib.js", "webpack:///src/node_modules/x.js"])
    #expect(sourceMap.originalPosition(line: 1, column: 1)?.isIgnored == false)
    #expect(sourceMap.originalPosition(line: 1, column: 3)?.isIgnored == true)
    #expect(sourceMap.ignoredSources == [2])
  }

  @Test func unmappedSegmentHidesTheOneBefore() throws {
    // A one-field segment marks generated code with no original (a bundler's glue).
    let sourceMap = try map(#"{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA,K"}"#)
    #expect(sourceMap.originalPosition(line: 1, column: 5) != nil)
    #expect(sourceMap.originalPosition(line: 1, column: 6) == nil)
  }

  @Test func sourcesContentIsNotKept() throws {
    let big = String(repeating: "x", count: 1 << 20)
    let sourceMap = try map(
      #"{"version":3,"sources":["a.js"],"sourcesContent":[""# + big + #"",null],"names":[],"mappings":"AAAA"}"#)
    #expect(sourceMap.segmentCount == 1)
    // Still checked as JSON: a control character in it is an error at its byte.
    guard case .notJSON(_, let error) = failure(#"{"version":3,"sourcesContent":["a"# + "\u{01}" + #""],"mappings":""}"#)
    else {
      Issue.record("a control character in sourcesContent was accepted")
      return
    }
    #expect(error.offset == 33)
  }

  @Test func indexMapSectionsPlaceTheirMaps() throws {
    let sourceMap = try map(
      #"""
      {"version":3,"sections":[
        {"offset":{"line":0,"column":10},"map":{"version":3,"sources":["a.js"],"names":["f"],"mappings":"AAAAA"}},
        {"offset":{"line":2,"column":0},"map":{"version":3,"sources":["b.js"],"names":["g"],"mappings":"AAAAA;AACA"}}
      ]}
      """#)
    #expect(sourceMap.originalPosition(line: 1, column: 10) == nil)
    #expect(sourceMap.originalPosition(line: 1, column: 11)?.source == "a.js")
    #expect(sourceMap.originalPosition(line: 1, column: 11)?.name == "f")
    #expect(sourceMap.originalPosition(line: 3, column: 1)?.source == "b.js")
    #expect(sourceMap.originalPosition(line: 3, column: 1)?.name == "g")
    #expect(sourceMap.originalPosition(line: 4, column: 1)?.line == 2)
  }

  @Test(arguments: [
    (#"[]"#, "no JSON object"),
    (#"{"sources":[],"mappings":""}"#, "no \"version\""),
    (#"{"version":2,"sources":[],"mappings":""}"#, "is not 3"),
    (#"{"version":3,"sources":[]}"#, "no \"mappings\""),
    (#"{"version":3,"sources":[1],"mappings":""}"#, "neither a string nor null"),
    (#"{"version":3,"sources":["a"],"mappings":"","ignoreList":[4]}"#, "names no source"),
    (#"{"version":3,"sections":[{"offset":{"line":1,"column":0},"map":{"version":3,"sources":[],"mappings":""}},{"offset":{"line":0,"column":0},"map":{"version":3,"sources":[],"mappings":""}}]}"#, "starts before"),
    (#"{"version":3,"sections":[{"offset":{"line":0,"column":0},"url":"x.map"}]}"#, "by URL"),
    (#"{"version":3,"sections":[{"offset":{"line":0,"column":0},"map":{"version":3,"sections":[]}}]}"#, "an index map itself"),
  ])
  func refusesWhatIsNoMap(_ json: String, _ reason: String) {
    guard case .notASourceMap(let file, let found) = failure(json) else {
      Issue.record("\(json) was not refused as no source map")
      return
    }
    #expect(file == "test.map")
    #expect(found.contains(reason), "\(found)")
  }

  @Test(arguments: [
    ("AAAA,!", 5, "no base64 digit"),
    ("AAAA,ACAA", 5, "source 1 of 1"),
    ("AAAAC", 0, "name 1 of 1"),
    ("AA", 0, "two fields"),
    ("AAA", 0, "three fields"),
    ("AAAAAA", 5, "more than five fields"),
    ("AAAA,gggggggA", 5, "longer than 32 bits"),
    ("AAAA,g", 5, "cut off"),
    ("AADA", 0, "original line or column"),
    ("D", 0, "generated line or column"),
  ])
  func damagedMappingsNameTheByte(_ mappings: String, _ offset: Int, _ reason: String) {
    guard case .badMappings(let file, let section, let at, let found) = failure(
      #"{"version":3,"sources":["a.js"],"names":["n"],"mappings":""# + mappings + #""}"#)
    else {
      Issue.record("\(mappings) was accepted")
      return
    }
    #expect(file == "test.map")
    #expect(section == 0)
    #expect(at == offset, "\(mappings): \(found)")
    #expect(found.contains(reason), "\(found)")
  }

  @Test func sourceTextFromSourcesContent() throws {
    let json = #"{"version":3,"sources":["a.js","b.js","c.js"],"sourcesContent":["one\r\n\ttwo  \nthree",null],"names":[],"mappings":"AAAA"}"#
    let sourceMap = try map(json)
    #expect(sourceMap.hasSourcesContent)
    let texts = sourceMap.sourceText([
      SourcePlace(source: 0, line: 2), SourcePlace(source: 0, line: 3), SourcePlace(source: 0, line: 4),
      SourcePlace(source: 1, line: 1), SourcePlace(source: 2, line: 1),
    ])
    // CR and trailing blanks dropped, a tab a blank; no line 4, no text for a null or absent source.
    #expect(texts == [SourcePlace(source: 0, line: 2): " two", SourcePlace(source: 0, line: 3): "three"])
    let long = try map(#"{"version":3,"sources":["a.js"],"sourcesContent":[""# + String(repeating: "é", count: 300) + #""],"mappings":"AAAA"}"#)
    let cut = try #require(long.sourceText([SourcePlace(source: 0, line: 1)]).first?.value)
    #expect(cut.utf8.count <= SourceMap.maximumSourceTextBytes && cut.hasPrefix("éé"))
    let without = try map(#"{"version":3,"sources":["a.js"],"mappings":"AAAA"}"#)
    #expect(!without.hasSourcesContent && without.sourceText([SourcePlace(source: 0, line: 1)]).isEmpty)
  }

  @Test func unsortedSegmentsAreSorted() throws {
    // Columns 10 then 2 on one line (a negative delta): looked up in column order.
    let sourceMap = try map(#"{"version":3,"sources":["a.js"],"names":[],"mappings":"UAAA,RAAC"}"#)
    #expect(sourceMap.originalPosition(line: 1, column: 3)?.column == 2)
    #expect(sourceMap.originalPosition(line: 1, column: 11)?.column == 1)
  }
}
