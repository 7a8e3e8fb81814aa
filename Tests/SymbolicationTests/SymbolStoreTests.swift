//===--- SymbolStoreTests.swift - Finding files, refusing hostile names ------===//

import CrashCore
import CrashTestSupport
import Symbolication
import Foundation
import Synchronization
import Testing

@Suite("Symbol store")
struct SymbolStoreTests {
  static let breakpadRoot = SharedFixtures.path("fixtures/breakpad/symbols")

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

  @Test("a debug file and id find the Breakpad file; traversal attempts find nothing outside the root", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
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

  @Test("the catalog finds files by module name as listings print it, and reads learned-map facts", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
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

@Suite("Several symbol files for one module")
struct CombinedSourceTests {
  @Test("a .sym and a .map in one build directory: the first that answers wins, and says so", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func combined() throws {
    let root = NSTemporaryDirectory() + "store-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: root) }
    let directory = root + "/app.pdb/0123456789ABCDEF0123456789ABCDEF1"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try "MODULE windows x86 0123456789ABCDEF0123456789ABCDEF1 app.pdb\nFUNC 1000 10 0 alpha\n"
      .write(toFile: directory + "/app.sym", atomically: true, encoding: .utf8)
    try """
     app

     Preferred load address is 00400000

      Address         Publics by Value              Rva+Base     Lib:Object

     0001:00001000       _beta@4                    00402000 f   beta.obj

    """.write(toFile: directory + "/app.map", atomically: true, encoding: .utf8)
    let frames = [
      StackFrame(index: 0, instruction: Address(0x0040_1005), trust: .context),
      StackFrame(index: 1, instruction: Address(0x0040_2004), trust: .scan),
    ]
    let module = CodeModule(
      name: "app.exe", base: Address(0x0040_0000), size: 0x10000, debugFile: "app.pdb",
      debugIdentifier: "0123456789ABCDEF0123456789ABCDEF1")
    let report = CrashReport(
      input: InputDescription(name: "synthetic", kind: .minidump, byteCount: 0),
      threads: [CrashThread(architecture: .x86, frames: frames)], modules: [module])
    let resolved = Symbolicator(store: SymbolStore(roots: [root])).symbolicate(report).threads[0].frames
    #expect(resolved[0].resolution?.lookup.function.name == "alpha")
    #expect(resolved[0].resolution?.lookup.origin.format == .breakpad)
    #expect(resolved[1].resolution?.lookup.function.name == "beta")
    #expect(resolved[1].resolution?.lookup.origin.format == .linkerMap)
    #expect(resolved[1].resolution?.offset == 0x5)  // displayed = instruction + 1 for a caller frame
  }

  @Test("an ELF debug file by build id")
  func buildID() throws {
    let buildID = "c6237e31390601d51dc27e7290e840122d62deb0"  // readelf -n Tests/Fixtures/elf/inline_demo
    let root = try BuildIDDebugRoot(debugFile: Fixtures.path("elf/inline_demo.debug"), buildID: buildID)
    let store = SymbolStore(roots: [root.path])
    let entry = try #require(store.entry(buildID: buildID))
    #expect(entry.format == .elf)
    #expect(store.entry(buildID: "../../etc") == nil)
    // A module a dump names by debug file, id and build id finds it there too.
    let byModule = try store.entries(
      debugFile: "inline_demo", debugIdentifier: "317E23C60639D5011DC27E7290E840120", buildID: buildID.uppercased())
    #expect(byModule.map(\.path) == [entry.path])
    #expect(byModule.first?.debugFile == "inline_demo")
    guard case .success(let loaded) = store.load(entry) else {
      Issue.record("the debug file did not load")
      return
    }
    #expect(loaded.source.lookup(0x1180) != nil)
  }

  @Test("one store for a batch: a symbol file is loaded once, whatever the number of threads asking", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func sharedLoads() throws {
    let store = SymbolStore(roots: [SymbolStoreTests.breakpadRoot])
    let entry = try #require(try store.entry(debugFile: "test_app.pdb", debugIdentifier: "5A9832E5287241C1838ED98914E9B7FF1"))
    let sources = Mutex<[ObjectIdentifier]>([])
    DispatchQueue.concurrentPerform(iterations: 16) { _ in
      guard case .success(let loaded) = store.load(entry) else { return }
      sources.withLock { $0.append(ObjectIdentifier(loaded.source)) }
    }
    let seen = sources.withLock { $0 }
    #expect(seen.count == 16)
    #expect(Set(seen).count == 1, "every thread got the one loaded file")
  }

  @Test("the cache is bounded by bytes: the least recently used file makes room", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func boundedCache() throws {
    let store = SymbolStore(roots: [SymbolStoreTests.breakpadRoot], maximumCachedBytes: 1)
    let first = try #require(try store.entry(debugFile: "test_app.pdb", debugIdentifier: "5A9832E5287241C1838ED98914E9B7FF1"))
    let others = store.allEntries().filter { $0.path != first.path && $0.format == SymbolSourceOrigin.Format.breakpad }
    let second = try #require(others.first)
    guard case .success(let a) = store.load(first), case .success(let b) = store.load(second) else {
      Issue.record("the fixtures did not load")
      return
    }
    guard case .success(let again) = store.load(first) else { return }
    #expect(ObjectIdentifier(again.source) != ObjectIdentifier(a.source), "evicted, then loaded anew")
    _ = b
  }
}
