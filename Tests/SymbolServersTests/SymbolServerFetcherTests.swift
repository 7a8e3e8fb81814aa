//===--- SymbolServerFetcherTests.swift - A real HTTP server on loopback -----===//
//
// Tests/Fixtures/symbol-server/static_server.py (Python's http.server) serves a
// store composed in a temporary directory — Breakpad's layout (test_app.sym from the
// shared Breakpad fixtures) and Microsoft's symstore layout (basic32.pd_, CAB-compressed,
// from the shared dump_syms fixtures) — plainly and in the ways servers misbehave:
// slow, truncated, oversized, endless, redirected, looping, failing.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import SymbolServers
import Symbolication
import Testing

@Suite("Symbol servers over HTTP", .serialized)
struct SymbolServerFetcherTests {
  static let testApp = (file: "test_app.pdb", id: "5A9832E5287241C1838ED98914E9B7FF1")
  static let basic32 = (file: "basic32.pdb", id: "34060D222DBB44E5AA72243CE8326C2F2")
  static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
  static var available: Bool {
    python != nil && SharedFixtures.has("fixtures/breakpad") && SharedFixtures.has("fixtures/dump_syms")
  }

  /// A store in both layouts, and a static server over it.
  final class Setup {
    let root: String
    let server: BackgroundServer

    init() throws {
      root = NSTemporaryDirectory() + "symbol-server-\(UUID().uuidString)"
      let manager = FileManager.default
      let breakpad = "\(root)/store/\(testApp.file)/\(testApp.id)"
      let symstore = "\(root)/store/\(basic32.file)/\(basic32.id)"
      try manager.createDirectory(atPath: breakpad, withIntermediateDirectories: true)
      try manager.createDirectory(atPath: symstore, withIntermediateDirectories: true)
      try manager.copyItem(
        atPath: SharedFixtures.path("fixtures/breakpad/symbols/\(testApp.file)/\(testApp.id)/test_app.sym"),
        toPath: "\(breakpad)/test_app.sym")
      try manager.copyItem(
        atPath: SharedFixtures.path("fixtures/dump_syms/windows/basic32.pd_"), toPath: "\(symstore)/basic32.pd_")
      server = try BackgroundServer(
        executable: python!, arguments: [Fixtures.path("symbol-server/static_server.py"), "\(root)/store"],
        portPrefix: "port ")
    }

    func fetcher(_ behaviour: String, cache: String = "cache", configure: (inout FetchOptions) -> Void = { _ in })
      -> SymbolServerFetcher
    {
      var options = FetchOptions()
      options.retries = 0
      configure(&options)
      return SymbolServerFetcher(
        url: "http://127.0.0.1:\(server.port)/\(behaviour)", cacheRoot: "\(root)/\(cache)", options: options)
    }

    /// Requests for symbol files under `behaviour` (the index2.txt probe not counted).
    func requests(_ behaviour: String) -> Int {
      server.lines(containing: "GET /\(behaviour)/").filter { !$0.hasSuffix("/index2.txt") }.count
    }

    func cachedFiles(_ cache: String = "cache") -> [String] {
      let walker = FileManager.default.enumerator(atPath: "\(root)/\(cache)")
      return (walker?.allObjects as? [String] ?? []).filter {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: "\(root)/\(cache)/\($0)", isDirectory: &isDirectory)
        return !isDirectory.boolValue
      }
    }

    deinit {
      server.stop()
      try? FileManager.default.removeItem(atPath: root)
    }
  }

  @Test(
    "Breakpad layout: fetched once into the cache; the store reads it; a second fetch asks nothing",
    .enabled(if: available, "needs python3 and ../shared/fixtures (breakpad, dump_syms)"))
  func breakpadLayout() throws {
    let setup = try Setup()
    let fetcher = setup.fetcher("files")
    let store = SymbolStore(roots: [], fetchers: [fetcher])
    let entry = try #require(try store.entry(debugFile: Self.testApp.file, debugIdentifier: Self.testApp.id))
    #expect(entry.format == .breakpad)
    #expect(setup.cachedFiles() == ["test_app.pdb/\(Self.testApp.id)/test_app.sym"])
    #expect(setup.requests("files") == 1)
    // A new store (a new run) over the same cache: no request.
    let again = SymbolStore(roots: [], fetchers: [setup.fetcher("files")])
    #expect(try again.entry(debugFile: Self.testApp.file, debugIdentifier: Self.testApp.id) != nil)
    #expect(setup.requests("files") == 1)
  }

  @Test(
    "symstore layout, CAB-compressed: .sym and .pdb are not there, .pd_ is; lookups read the PDB inside",
    .enabled(if: available, "needs python3 and ../shared/fixtures (breakpad, dump_syms)"))
  func compressedSymstore() throws {
    let setup = try Setup()
    let store = SymbolStore(roots: [], fetchers: [setup.fetcher("files")])
    let entry = try #require(try store.entry(debugFile: Self.basic32.file, debugIdentifier: Self.basic32.id))
    #expect(entry.format == .windows)
    #expect(setup.server.lines(containing: "GET /files/basic32.pdb/").map { String($0.split(separator: "/").last!) }
      == ["basic32.sym", "basic32.pdb", "basic32.pd_"])
    guard case .success(let loaded) = store.load(entry) else {
      Issue.record("the fetched .pd_ did not load")
      return
    }
    #expect(loaded.source.lookup(0x6be0)?.function.name == "test1(int*)")
  }

  @Test(
    "a miss is asked once: remembered in the cache, not asked again until it expires",
    .enabled(if: available, "needs python3 and ../shared/fixtures (breakpad, dump_syms)"))
  func negativeCache() throws {
    let setup = try Setup()
    let absentID = "0123456789ABCDEF0123456789ABCDEF1"
    #expect(!setup.fetcher("files").fetch(debugFile: "absent.pdb", identifier: absentID))
    #expect(setup.requests("files") == 4)  // .sym, .pdb, .pd_, file.ptr
    #expect(!setup.fetcher("files").fetch(debugFile: "absent.pdb", identifier: absentID))
    #expect(setup.requests("files") == 4)
    let expired = setup.fetcher("files") { $0.negativeCacheSeconds = 0 }
    #expect(!expired.fetch(debugFile: "absent.pdb", identifier: absentID))
    #expect(setup.requests("files") == 8)
  }

  @Test(
    "offline: the cache answers, the server is not asked",
    .enabled(if: available, "needs python3 and ../shared/fixtures (breakpad, dump_syms)"))
  func offline() throws {
    let setup = try Setup()
    #expect(!setup.fetcher("files") { $0.offline = true }.fetch(debugFile: Self.testApp.file, identifier: Self.testApp.id))
    #expect(setup.requests("files") == 0)
  }

  @Test(
    "misbehaving servers: slow, truncated, oversized, endless, looping, failing — no file, no partial file, bounded requests",
    .enabled(if: available, "needs python3 and ../shared/fixtures (breakpad, dump_syms)"))
  func misbehaving() throws {
    let setup = try Setup()
    let started = Date()
    let id = (Self.testApp.file, Self.testApp.id)
    // A server that does not answer: its attempts at the first file, then it is down for
    // this fetcher — no further request, for this module or any other.
    let slow = setup.fetcher("slow", cache: "slow") { $0.timeoutSeconds = 1 }
    #expect(!slow.fetch(debugFile: id.0, identifier: id.1))
    #expect(Date().timeIntervalSince(started) < 5.5)
    #expect(slow.isDown)
    let asked = slow.statistics.requests
    #expect(asked <= 1 + 3, "the index2.txt probe and three attempts at most")
    let again = Date()
    #expect(!slow.fetch(debugFile: "other.pdb", identifier: id.1))
    #expect(slow.statistics.requests == asked && Date().timeIntervalSince(again) < 0.5)
    #expect(!setup.fetcher("truncated", cache: "truncated").fetch(debugFile: id.0, identifier: id.1))
    #expect(setup.requests("truncated") == 4)
    #expect(!setup.fetcher("huge", cache: "huge") { $0.maximumFileBytes = 1 << 20 }.fetch(debugFile: id.0, identifier: id.1))
    #expect(!setup.fetcher("endless", cache: "endless") { $0.maximumFileBytes = 1 << 20 }.fetch(debugFile: id.0, identifier: id.1))
    #expect(!setup.fetcher("loop", cache: "loop").fetch(debugFile: id.0, identifier: id.1))
    #expect(setup.requests("loop") <= 4 * 6)
    let failing = setup.fetcher("error", cache: "error") { $0.retries = 2 }
    #expect(!failing.fetch(debugFile: id.0, identifier: id.1))
    #expect(setup.requests("error") == 4 * 3)
    #expect(failing.statistics.requests == 12 + 1 && failing.statistics.files == 0)  // and the index2.txt probe
    // Failures leave no file, no partial file, and no miss marker: the next run asks again.
    for cache in ["slow", "truncated", "huge", "endless", "loop", "error"] {
      #expect(setup.cachedFiles(cache).isEmpty, "\(cache): \(setup.cachedFiles(cache))")
    }
    #expect(!setup.fetcher("error", cache: "error").fetch(debugFile: id.0, identifier: id.1))
    #expect(setup.requests("error") == 4 * 3 + 4)
    // A redirect within bounds is followed.
    #expect(setup.fetcher("redirect", cache: "redirect").fetch(debugFile: id.0, identifier: id.1))
    #expect(setup.cachedFiles("redirect") == ["test_app.pdb/\(Self.testApp.id)/test_app.sym"])
  }

  @Test(
    "a two-tier symstore (index2.txt): files under the name's first two letters, asked for once",
    .enabled(if: available, "needs python3 and ../shared/fixtures (breakpad, dump_syms)"))
  func twoTier() throws {
    let setup = try Setup()
    let manager = FileManager.default
    let tiered = "\(setup.root)/store/tiered"
    try manager.createDirectory(atPath: "\(tiered)/te", withIntermediateDirectories: true)
    try manager.copyItem(atPath: "\(setup.root)/store/\(Self.testApp.file)", toPath: "\(tiered)/te/\(Self.testApp.file)")
    try "".write(toFile: "\(tiered)/index2.txt", atomically: true, encoding: .utf8)
    let fetcher = setup.fetcher("files/tiered")
    #expect(fetcher.fetch(debugFile: Self.testApp.file, identifier: Self.testApp.id))
    #expect(setup.server.lines(containing: "GET /files/tiered/te/test_app.pdb/").count == 1)
    #expect(setup.server.lines(containing: "index2.txt").count == 1)
    // The same layout on disk, as a local root.
    let store = SymbolStore(roots: [tiered])
    #expect(try store.entry(debugFile: Self.testApp.file, debugIdentifier: Self.testApp.id)?.format == .breakpad)
  }

  @Test(
    "the cache keeps under its size limit, oldest files first",
    .enabled(if: available, "needs python3 and ../shared/fixtures (breakpad, dump_syms)"))
  func cacheLimit() throws {
    let setup = try Setup()
    let small = setup.fetcher("files") { $0.maximumCacheBytes = 1_500_000 }
    #expect(small.fetch(debugFile: Self.basic32.file, identifier: Self.basic32.id))
    #expect(small.fetch(debugFile: Self.testApp.file, identifier: Self.testApp.id))
    // basic32.pd_ (1.19 MB) + test_app.sym (0.82 MB) > 1.5 MB: the older one went.
    #expect(setup.cachedFiles().filter { !$0.contains("/.miss") } == ["test_app.pdb/\(Self.testApp.id)/test_app.sym"])
  }
}
