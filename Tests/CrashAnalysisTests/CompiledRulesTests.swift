//===--- CompiledRulesTests.swift - Compiled rules equal their YAML ----------===//
//
// A compiled rules or catalog directory must load exactly what its YAML does,
// and must be ignored as soon as it is out of date (a file edited, added or
// removed) or damaged. Runs on copies of the shipped directories.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import Foundation
import SignatureRules
import Signatures
import Testing

@Suite("Compiled rules and frame catalogs")
struct CompiledRulesTests {
  /// A copy of a shipped directory in a fresh temporary directory, removed at the end.
  final class Copy {
    let root: String
    let directory: String

    init(of source: String) throws {
      root = NSTemporaryDirectory() + "compiled-rules-" + UUID().uuidString
      directory = root + "/" + (source.split(separator: "/").last.map(String.init) ?? "rules")
      try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: source, toPath: directory)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
  }

  static func shippedRules() throws -> Copy { try Copy(of: #require(BundledPlugins.rulesDirectory)) }
  static func shippedFrames() throws -> Copy { try Copy(of: #require(BundledPlugins.framesDirectory)) }

  @Test("the compiled rules equal the YAML's, rule for rule")
  func rulesRoundTrip() throws {
    let copy = try Self.shippedRules()
    #expect(CompiledRules.rules(in: copy.directory) == nil)
    let count = try CompiledRules.compileRules(in: copy.directory)
    let fromYAML = RuleLoader.load(directory: copy.directory)
    #expect(fromYAML.errors.isEmpty)
    let compiled = try #require(CompiledRules.rules(in: copy.directory))
    #expect(count == fromYAML.plugins.count && count >= 12)
    #expect(compiled == fromYAML.plugins.map(\.rule))
  }

  @Test("the compiled catalog equals the YAML's, entry for entry and role for role")
  func catalogsRoundTrip() throws {
    let copy = try Self.shippedFrames()
    try CompiledRules.compileCatalogs(in: copy.directory)
    let fromYAML = FrameCatalogParser.load(directory: copy.directory)
    let compiled = try #require(CompiledRules.catalogEntries(in: copy.directory))
    #expect(compiled == fromYAML.catalog.entries)
    // The table read in place answers every lookup as the YAML's catalog does: each name in its
    // module, in no module and in another; each pattern's own text and a longer name.
    let table = try #require(CompiledRules.catalog(in: copy.directory))
    #expect(table.entries == fromYAML.catalog.entries)
    var asked = 0
    for entry in fromYAML.catalog.entries {
      let names = entry.isPrefixPattern ? [entry.function, entry.function + "Tail", entry.function.uppercased()] : [entry.function, entry.function.lowercased()]
      for name in names {
        for module in [entry.module, nil, "LEDGER", entry.module?.lowercased()] {
          #expect(table.role(module: module, function: name) == fromYAML.catalog.role(module: module, function: name), "\(module ?? "-")!\(name)")
          asked += 1
        }
      }
    }
    #expect(asked > 2_000)
    // A catalog added to after it was read keeps every entry and takes the new one.
    var grown = table
    grown.add(FrameCatalog.Entry("LEDGER!ledger_balance", role: .irrelevant))
    #expect(grown.entries.count == fromYAML.catalog.entries.count + 1)
    #expect(grown.role(module: "LEDGER", function: "ledger_balance") == .irrelevant)
    #expect(grown.role(module: "ntdll", function: "RtlFreeHeap") == fromYAML.catalog.role(module: "ntdll", function: "RtlFreeHeap"))
  }

  @Test("an edited, added or removed file makes the compiled form stale")
  func staleness() throws {
    let copy = try Self.shippedRules()
    try CompiledRules.compileRules(in: copy.directory)
    let names = try #require(RuleLoader.yamlFiles(in: copy.directory))
    let first = copy.directory + "/" + names[0]

    // Edited (same size, a later time).
    let text = try String(contentsOfFile: first, encoding: .utf8)
    try text.replacingOccurrences(of: "title:", with: "title:").write(toFile: first, atomically: false, encoding: .utf8)
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 2_000_000_000)], ofItemAtPath: first)
    #expect(CompiledRules.rules(in: copy.directory) == nil)

    try CompiledRules.compileRules(in: copy.directory)
    #expect(CompiledRules.rules(in: copy.directory) != nil)
    // Added.
    try FileManager.default.copyItem(atPath: first, toPath: copy.directory + "/zz-copy.yaml")
    #expect(CompiledRules.rules(in: copy.directory) == nil)
    // Removed.
    try FileManager.default.removeItem(atPath: copy.directory + "/zz-copy.yaml")
    try FileManager.default.removeItem(atPath: first)
    #expect(CompiledRules.rules(in: copy.directory) == nil)
  }

  @Test("a damaged or foreign compiled file is ignored, never trusted", arguments: [
    "", "{", "[]", #"{"format": 2, "kind": "rules", "sources": [], "items": []}"#,
    #"{"format": 1, "kind": "frames", "sources": [], "items": []}"#,
  ])
  func damaged(text: String) throws {
    let copy = try Self.shippedRules()
    try text.write(toFile: CompiledRules.path(for: copy.directory), atomically: true, encoding: .utf8)
    #expect(CompiledRules.rules(in: copy.directory) == nil)
  }

  @Test("a rule whose item is cut short is refused as a whole")
  func cutItem() throws {
    let copy = try Self.shippedRules()
    try CompiledRules.compileRules(in: copy.directory)
    let path = CompiledRules.path(for: copy.directory)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    // Keep the sources (still current) but drop one rule's title.
    try text.replacingOccurrences(of: #""title":"#, with: #""titel":"#).write(toFile: path, atomically: true, encoding: .utf8)
    #expect(CompiledRules.rules(in: copy.directory) == nil)
    // A file name that would leave the directory is refused too.
    try CompiledRules.compileRules(in: copy.directory)
    let original = try String(contentsOfFile: path, encoding: .utf8)
    try original.replacingOccurrences(of: #""file":"Q"#, with: #""file":"../Q"#).write(toFile: path, atomically: true, encoding: .utf8)
    #expect(CompiledRules.rules(in: copy.directory) == nil)
  }

  @Test(
    "a catalog table with one bad row is refused as a whole; a bad index or pattern list too",
    arguments: [
      ("006prefix", "006prefiy"),  // an unknown role
      ("0010006prefix", "0012006prefix"),  // a pattern flag neither 0 nor 1
      ("006prefix001", "006prefix0029"),  // a file index past the sources (`9` before its one digit)
      ("006prefix", "007prefix"),  // a field's length past its end
      ("\"index\":\"", "\"index\":\"0"),  // an index record cut
      ("\"patterns\":\"", "\"patterns\":\"zz"),  // a pattern offset that is no number
    ])
  func damagedCatalogRow(change: (String, String)) throws {
    let copy = try Self.shippedFrames()
    try CompiledRules.compileCatalogs(in: copy.directory)
    #expect(CompiledRules.catalogEntries(in: copy.directory) != nil)
    let path = CompiledRules.path(for: copy.directory)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let range = try #require(text.range(of: change.0))
    try text.replacingCharacters(in: range, with: change.1).write(toFile: path, atomically: true, encoding: .utf8)
    #expect(CompiledRules.catalogEntries(in: copy.directory) == nil)
  }

  @Test("a directory with a broken rule is not compiled, and its mistakes are named")
  func brokenRule() throws {
    let copy = try Self.shippedRules()
    try "id: broken\ntitle: x\nmatch: {tpo: f}\n".write(toFile: copy.directory + "/broken.yaml", atomically: true, encoding: .utf8)
    #expect(throws: CompiledRules.CompileError.self) { try CompiledRules.compileRules(in: copy.directory) }
    #expect(!FileManager.default.fileExists(atPath: CompiledRules.path(for: copy.directory)))
  }
}
