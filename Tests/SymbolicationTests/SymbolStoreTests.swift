//===--- SymbolStoreTests.swift - Finding files, refusing hostile names ------===//

import CrashCore
import CrashTestSupport
import Symbolication
import Testing

@Suite("Symbol store")
struct SymbolStoreTests {
  static let breakpadRoot = Fixtures.path("breakpad/symbols")

  @Test("names from input: a Windows path is cut to its file name; .., separators, NUL, long names are refused")
  func pathComponents() throws {
    #expect(try PathComponent.validated("c:\\winnt\\system32\\KERNEL32.DLL") == "KERNEL32.DLL")
    #expect(try PathComponent.validated("test_app.pdb") == "test_app.pdb")
    #expect(throws: PathComponentError.relativeReference("..")) { try PathComponent.validated("..") }
    #expect(throws: PathComponentError.relativeReference("..")) { try PathComponent.validated("a/..") }
    #expect(throws: PathComponentError.empty) { try PathComponent.validated("dir/") }
    #expect(throws: PathComponentError.self) { try PathComponent.validated("evil\u{0}.pdb") }
    #expect(throws: PathComponentError.self) { try PathComponent.validated("c:") }
    #expect(throws: PathComponentError.tooLong(length: 300)) {
      try PathComponent.validated(String(repeating: "a", count: 300))
    }
  }

  @Test("a debug file and id find the Breakpad file; traversal attempts find nothing outside the root")
  func directLookup() throws {
    let store = SymbolStore(roots: ["/nonexistent", Self.breakpadRoot])
    let entry = try #require(try store.entry(debugFile: "test_app.pdb", debugIdentifier: "5A9832E5287241C1838ED98914E9B7FF1"))
    #expect(entry.path.hasSuffix("breakpad/symbols/test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym"))
    #expect(try store.entry(debugFile: "test_app.pdb", debugIdentifier: "00000000000000000000000000000000") == nil)
    #expect(throws: PathComponentError.self) { try store.entry(debugFile: "..", debugIdentifier: "x") }
    // `../..` collapses to its last component, which is refused; an absolute path keeps only its name.
    #expect(throws: PathComponentError.self) { try store.entry(debugFile: "test_app.pdb", debugIdentifier: "../..") }
    #expect(try store.entry(debugFile: "/etc/passwd", debugIdentifier: "5A9832E5287241C1838ED98914E9B7FF1") == nil)
  }

  @Test("the catalog finds files by module name as listings print it, and reads learned-map facts")
  func catalog() throws {
    let store = SymbolStore(roots: [Self.breakpadRoot, Fixtures.repositoryRoot + "/Symbols"])
    #expect(store.entries(forModule: "test_app").count == 1)
    #expect(store.entries(forModule: "KERNEL32.dll").map(\.debugFile).contains("kernel32.pdb"))
    let emsmta = store.entries(forModule: "EMSMTA")
    #expect(emsmta.count >= 2)
    #expect(emsmta.allSatisfy { $0.isLearned && $0.loadAddress == 0x400000 && !$0.returnSites.isEmpty })
    #expect(store.learnedEntries(containing: 0x0051_0cc6).contains { $0.moduleKey == "emsmta" })
    #expect(store.entries(forModule: "nosuchmodule").isEmpty)
  }
}
