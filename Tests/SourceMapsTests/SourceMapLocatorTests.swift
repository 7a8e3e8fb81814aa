//===--- SourceMapLocatorTests.swift - Where a script's map is found ---------===//

import CrashTestSupport
import Foundation
import Testing

@testable import SourceMaps

@Suite struct SourceMapLocatorTests {
  @Test func scriptPathsLoseSchemeHostQueryAndDots() {
    #expect(ScriptPath("https://cdn.example/js/app.min.js?v=3#top")?.components == ["js", "app.min.js"])
    #expect(ScriptPath("file:///C:/app/dist/app.js")?.components == ["C:", "app", "dist", "app.js"])
    #expect(ScriptPath("webpack://ledger/./src/x.js")?.components == ["src", "x.js"])
    // A `..` ends the path: nothing before it is a directory searched.
    #expect(ScriptPath("/srv/../../etc/passwd")?.components == ["etc", "passwd"])
    #expect(ScriptPath("/srv/..") == nil)
    #expect(ScriptPath("C:\\app\\dist\\app.js")?.suffixes == ["C:/app/dist/app.js", "app/dist/app.js", "dist/app.js", "app.js"])
  }

  @Test func longestSuffixWins() throws {
    let root = NSTemporaryDirectory() + "sourcemap-locator-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: root) }
    let map = #"{"version":3,"sources":["%@"],"names":[],"mappings":"AAAA"}"#
    for (directory, source) in [("\(root)/a/dist", "from-a.js"), ("\(root)", "from-root.js")] {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      try map.replacingOccurrences(of: "%@", with: source).write(
        toFile: directory + "/app.js.map", atomically: true, encoding: .utf8)
    }
    let locator = SourceMapLocator(directories: [root])
    guard case .map(let nested) = locator.outcome(forScript: "https://x.example/a/dist/app.js") else {
      Issue.record("no map for a/dist/app.js")
      return
    }
    #expect(nested.sources == ["from-a.js"])
    guard case .map(let flat) = locator.outcome(forScript: "/elsewhere/app.js") else {
      Issue.record("no map for app.js")
      return
    }
    #expect(flat.sources == ["from-root.js"])
    guard case .missing = locator.outcome(forScript: "/elsewhere/other.js") else {
      Issue.record("a map for a script that has none")
      return
    }
  }

  @Test func scriptCommentLeadsToItsMap() throws {
    let root = NSTemporaryDirectory() + "sourcemap-locator-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: root + "/maps", withIntermediateDirectories: true)
    try #"{"version":3,"sources":["linked.js"],"names":[],"mappings":"AAAA"}"#.write(
      toFile: root + "/maps/bundle-1.map", atomically: true, encoding: .utf8)
    try "f();\n//# sourceMappingURL=maps/bundle-1.map\n\n".write(toFile: root + "/bundle.js", atomically: true, encoding: .utf8)
    // A comment reaching outside the directory is read by its file name, beside the script.
    try "g();\n//# sourceMappingURL=../../etc/outside.map\n".write(toFile: root + "/escape.js", atomically: true, encoding: .utf8)
    let locator = SourceMapLocator(directories: [root])
    guard case .map(let linked) = locator.outcome(forScript: "/srv/bundle.js") else {
      Issue.record("the sourceMappingURL was not followed")
      return
    }
    #expect(linked.sources == ["linked.js"])
    guard case .missing = locator.outcome(forScript: "/srv/escape.js") else {
      Issue.record("a map outside the directory")
      return
    }
  }

  @Test func inlineMapsAndTheirDamage() {
    let json = #"{"version":3,"sources":["inline.js"],"names":[],"mappings":"AAAA"}"#
    let base64 = Data(json.utf8).base64EncodedString()
    guard case .map(let decoded) = SourceMapLocator.inlineMap("data:application/json;charset=utf-8;base64," + base64, script: "s.js")
    else {
      Issue.record("a base64 inline map was not read")
      return
    }
    #expect(decoded.sources == ["inline.js"])
    #expect(decoded.origin == "s.js (inline map)")
    let percent = json.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    guard case .map = SourceMapLocator.inlineMap("data:application/json," + percent, script: "s.js") else {
      Issue.record("a percent-encoded inline map was not read")
      return
    }
    guard case .failed(.badDataURL(_, let reason)) = SourceMapLocator.inlineMap("data:application/json;base64,eyJ2!", script: "s.js")
    else {
      Issue.record("damaged base64 was accepted")
      return
    }
    #expect(reason.contains("byte 4"))
    guard case .failed(.badDataURL) = SourceMapLocator.inlineMap("data:text/plain;base64,e30=", script: "s.js") else {
      Issue.record("a text/plain data URL was taken as a map")
      return
    }
  }

  @Test func resolvedSourcesStayUnderTheScriptsHost() {
    #expect(SourceMapResolver.resolved("../src/a.ts", script: "/srv/app/dist/app.js") == "/srv/app/src/a.ts")
    #expect(SourceMapResolver.resolved("../../../../x.ts", script: "https://cdn.example/js/app.js") == "../../../../x.ts")
    #expect(SourceMapResolver.resolved("src/a.ts", script: "https://cdn.example/js/app.js") == "https://cdn.example/js/src/a.ts")
    #expect(SourceMapResolver.resolved("webpack:///src/a.ts", script: "/srv/app.js") == "webpack:///src/a.ts")
  }
}

@Suite("source maps' debug ids")
struct SourceMapDebugIDTests {
  let scriptID = "85314830-023f-4cf1-a267-535f4e37bb17"

  private func map(_ source: String, id: String?, key: String = "debugId") -> String {
    let member = id.map { #","\#(key)":"\#($0)""# } ?? ""
    return #"{"version":3,"sources":["\#(source)"],"names":[],"mappings":"AAAA"\#(member)}"#
  }

  @Test func idsAreUUIDsInOneSpelling() {
    #expect(DebugID.normalized("85314830023F4CF1A267535F4E37BB17") == scriptID)
    #expect(DebugID.normalized(scriptID.uppercased()) == scriptID)
    #expect(DebugID.normalized("85314830-023f-4cf1-a267-535f4e37bb1") == nil)
    #expect(DebugID.normalized("85314830-023f-4cf1-a267-535f4e37bb17-0") == nil)
    #expect(DebugID.normalized("zz314830-023f-4cf1-a267-535f4e37bb17") == nil)
  }

  @Test func aMapOfAnotherBuildIsRefusedUnlessTheScriptNamesItsOwn() throws {
    let root = NSTemporaryDirectory() + "sourcemap-debugid-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: root + "/maps", withIntermediateDirectories: true)
    let stale = "00000000-1111-2222-3333-444444444444"
    // app.js: its map beside it is another build's, and the script names no other.
    try "f();\n//# debugId=\(scriptID)\n".write(toFile: root + "/app.js", atomically: true, encoding: .utf8)
    try map("stale.js", id: stale).write(toFile: root + "/app.js.map", atomically: true, encoding: .utf8)
    // lib.js: the stale map beside it, its own named by its comment (Sentry's older `debug_id`).
    try "g();\n//# debugId=\(scriptID.uppercased())\n//# sourceMappingURL=maps/lib-own.map\n".write(
      toFile: root + "/lib.js", atomically: true, encoding: .utf8)
    try map("stale-lib.js", id: stale).write(toFile: root + "/lib.js.map", atomically: true, encoding: .utf8)
    try map("own-lib.js", id: scriptID.replacingOccurrences(of: "-", with: ""), key: "debug_id").write(
      toFile: root + "/maps/lib-own.map", atomically: true, encoding: .utf8)
    // old.js: no id on one side, so nothing to compare: the map is used.
    try "h();\n".write(toFile: root + "/old.js", atomically: true, encoding: .utf8)
    try map("old-src.js", id: stale).write(toFile: root + "/old.js.map", atomically: true, encoding: .utf8)
    let locator = SourceMapLocator(directories: [root])
    guard case .failed(let error) = locator.outcome(forScript: "/srv/app.js") else {
      Issue.record("another build's map was used")
      return
    }
    #expect(error == .debugIDMismatch(map: root + "/app.js.map", mapID: stale, script: root + "/app.js", scriptID: scriptID))
    #expect(error.description.contains("the map is another build's"))
    guard case .map(let own) = locator.outcome(forScript: "/srv/lib.js") else {
      Issue.record("the script's own map was not found past the stale one")
      return
    }
    #expect(own.sources == ["own-lib.js"] && own.debugID == scriptID)
    guard case .map(let old) = locator.outcome(forScript: "/srv/old.js") else {
      Issue.record("a map was refused with nothing to compare")
      return
    }
    #expect(old.sources == ["old-src.js"])
  }
}
