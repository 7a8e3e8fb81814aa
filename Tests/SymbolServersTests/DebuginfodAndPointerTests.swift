//===--- DebuginfodAndPointerTests.swift - ELF by build id, symstore pointers ===//
//
// The static server (Tests/Fixtures/symbol-server/static_server.py) serves a
// debuginfod layout (buildid/ID/debuginfo) holding Tests/Fixtures/elf/inline_demo.debug,
// and symstore `file.ptr` pointers. A composed Linux amd64 minidump
// (SyntheticMinidump) whose module carries inline_demo's build id is symbolicated
// through the server and through a local store: the reports agree.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Minidump
import SymbolServers
import Symbolication
import Synchronization
import Testing

@Suite("debuginfod and file.ptr", .serialized)
struct DebuginfodAndPointerTests {
  static let buildID = "c6237e31390601d51dc27e7290e840122d62deb0"
  static let module = (
    base: UInt64(0x5555_0000_0000), size: UInt32(0x5000), name: "/usr/bin/inline_demo"
  )
  static var available: Bool { SymbolServerFetcherTests.python != nil }

  /// A directory served by the static server; files are added before or after it starts.
  final class Served {
    let root = NSTemporaryDirectory() + "debuginfod-\(UUID().uuidString)"
    let server: BackgroundServer

    init() throws {
      try FileManager.default.createDirectory(
        atPath: "\(root)/store", withIntermediateDirectories: true)
      server = try BackgroundServer(
        executable: SymbolServerFetcherTests.python!,
        arguments: [Fixtures.path("symbol-server/static_server.py"), "\(root)/store"],
        portPrefix: "port ")
    }

    var url: String { "http://127.0.0.1:\(server.port)/files" }

    func put(_ source: String, at relative: String) throws {
      let path = "\(root)/store/\(relative)"
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: source, toPath: path)
    }

    func write(_ text: String, at relative: String) throws {
      let path = "\(root)/store/\(relative)"
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func fetcher(
      _ layout: ServerLayout, cache: String = "cache",
      log: @escaping @Sendable (String) -> Void = { _ in }
    )
      -> SymbolServerFetcher
    {
      var options = FetchOptions()
      options.retries = 0
      return SymbolServerFetcher(
        url: url, cacheRoot: "\(root)/\(cache)", layout: layout, options: options, log: log)
    }

    func files(under cache: String) -> [String] {
      let walker = FileManager.default.enumerator(atPath: "\(root)/\(cache)")
      return (walker?.allObjects as? [String] ?? []).filter {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: "\(root)/\(cache)/\($0)", isDirectory: &isDirectory)
        return !isDirectory.boolValue && !($0 as NSString).lastPathComponent.hasPrefix(".")
      }
    }

    deinit {
      server.stop()
      try? FileManager.default.removeItem(atPath: root)
    }
  }

  /// A Linux amd64 dump whose one thread stands at `offset` in inline_demo.
  static func dump(at offset: UInt64) -> SyntheticMinidump {
    var module = SyntheticModule(base: module.base, size: module.size, name: module.name)
    module.elfBuildID = SyntheticModule.bytes(hex: buildID)
    return SyntheticMinidump.linuxAmd64(module: module, rip: Self.module.base + offset)
  }

  static func frameNames(_ dump: SyntheticMinidump, store: SymbolStore) throws -> [String?] {
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: file.path, unwindData: StoreUnwindData(store: store)))
    return try #require(report.crashedThread).frames.map { $0.resolution?.lookup.function.name }
  }

  @Test(
    "a minidump's ELF module by build id: fetched once from debuginfod, the same names as a local store",
    .enabled(if: available, "needs python3"))
  func minidumpThroughDebuginfod() throws {
    let served = try Served()
    try served.put(Fixtures.path("elf/inline_demo.debug"), at: "buildid/\(Self.buildID)/debuginfo")
    let dump = Self.dump(at: 0x1060)
    let dumpFile = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let parsed = try MinidumpFile(path: dumpFile.path)
    let module = try #require(parsed.modules.first).codeModule
    #expect(module.buildID == Self.buildID)
    #expect(parsed.modules.first?.codeIdentifier == Self.buildID)

    let remote = try Self.frameNames(
      dump, store: SymbolStore(roots: [], fetchers: [served.fetcher(.debuginfod)]))
    #expect(remote.first == "main")
    #expect(served.server.lines(containing: "GET /files/buildid/").count == 1)
    #expect(served.files(under: "cache") == ["inline_demo/\(module.debugIdentifier!)/inline_demo"])

    // The same file in a local store (NAME/ID/NAME) gives the same frames.
    let local = "\(served.root)/local/inline_demo/\(module.debugIdentifier!)"
    try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: Fixtures.path("elf/inline_demo.debug"), toPath: "\(local)/inline_demo")
    #expect(
      try Self.frameNames(dump, store: SymbolStore(roots: ["\(served.root)/local"])) == remote)

    // A second run finds the cache and asks nothing.
    #expect(
      try Self.frameNames(
        dump, store: SymbolStore(roots: [], fetchers: [served.fetcher(.debuginfod)])) == remote)
    #expect(served.server.lines(containing: "GET /files/buildid/").count == 1)
  }

  @Test(
    "debuginfod: a module without a build id is not asked; a file with another build id is refused and removed",
    .enabled(if: available, "needs python3"))
  func debuginfodRefusals() throws {
    let served = try Served()
    let otherID = "00112233445566778899aabbccddeeff00112233"
    try served.put(Fixtures.path("elf/inline_demo.debug"), at: "buildid/\(otherID)/debuginfo")
    let fetcher = served.fetcher(.debuginfod)
    #expect(
      !fetcher.fetch(debugFile: "inline_demo", identifier: "0123456789ABCDEF0123456789ABCDEF0"))
    #expect(fetcher.statistics.requests == 0)
    let lines = Mutex<[String]>([])
    let logging = served.fetcher(.debuginfod) { line in lines.withLock { $0.append(line) } }
    #expect(
      !logging.fetch(
        debugFile: "inline_demo", identifier: "0123456789ABCDEF0123456789ABCDEF0", buildID: otherID)
    )
    #expect(served.files(under: "cache").isEmpty)
    #expect(
      lines.withLock { $0 }.contains {
        $0.contains("build id \(Self.buildID) is not \(otherID): refused")
      })
    // The store checks build ids before any URL is made of them.
    let store = SymbolStore(roots: [], fetchers: [fetcher])
    #expect(
      try store.entries(
        debugFile: "inline_demo", debugIdentifier: "0123456789ABCDEF0123456789ABCDEF0",
        buildID: "../../x"
      ).isEmpty)
    #expect(fetcher.statistics.requests == 0)
  }

  @Test(
    "symstore file.ptr over HTTP: a URL is followed; a path on the server's side or a message is not",
    .enabled(
      if: available && SharedFixtures.has("fixtures/dump_syms"),
      "needs python3 and ../shared/fixtures/dump_syms"))
  func pointersOverHTTP() throws {
    let served = try Served()
    let basic32 = SymbolServerFetcherTests.basic32
    try served.put(
      SharedFixtures.path("fixtures/dump_syms/windows/basic32.pd_"), at: "elsewhere/basic32.pd_")
    try served.write(
      "PATH:\(served.url)/elsewhere/basic32.pd_\r\n", at: "basic32.pdb/\(basic32.id)/file.ptr")
    let store = SymbolStore(roots: [], fetchers: [served.fetcher(.symbolServer)])
    let entry = try #require(try store.entry(debugFile: basic32.file, debugIdentifier: basic32.id))
    guard case .success(let loaded) = store.load(entry) else {
      Issue.record("the file the pointer named did not load")
      return
    }
    #expect(loaded.source.lookup(0x6be0)?.function.name == "test1(int*)")
    #expect(served.files(under: "cache") == ["basic32.pdb/\(basic32.id)/basic32.pdb"])

    let lines = Mutex<[String]>([])
    for (index, pointer) in [
      "PATH:/etc/passwd", "PATH:\\\\symbols\\share\\basic32.pdb", "MSG:withdrawn",
    ].enumerated() {
      let id = "0123456789ABCDEF0123456789ABCDEF\(index)"
      try served.write(pointer, at: "basic32.pdb/\(id)/file.ptr")
      let fetcher = served.fetcher(.symbolServer, cache: "cache\(index)") { line in
        lines.withLock { $0.append(line) }
      }
      #expect(!fetcher.fetch(debugFile: basic32.file, identifier: id))
      #expect(served.files(under: "cache\(index)").isEmpty)
    }
    let log = lines.withLock { $0 }
    #expect(
      log.contains {
        $0.contains("points at /etc/passwd, a path on the server's side: not followed")
      })
    #expect(log.contains { $0.contains("points at \\\\symbols\\share\\basic32.pdb") })
    #expect(log.contains { $0.contains("the server says: withdrawn") })
  }

  @Test(
    "symstore file.ptr in a local store: a path in the store is read; one climbing out of it is not",
    .enabled(if: SharedFixtures.has("fixtures/dump_syms"), "needs ../shared/fixtures/dump_syms"))
  func pointersOnDisk() throws {
    let root = NSTemporaryDirectory() + "pointer-store-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let basic32 = SymbolServerFetcherTests.basic32
    let manager = FileManager.default
    try manager.createDirectory(
      atPath: "\(root)/store/basic32.pdb/\(basic32.id)", withIntermediateDirectories: true)
    try manager.createDirectory(atPath: "\(root)/store/files", withIntermediateDirectories: true)
    try manager.copyItem(
      atPath: SharedFixtures.path("fixtures/dump_syms/windows/basic32.pd_"),
      toPath: "\(root)/store/files/basic32.pd_")
    try manager.copyItem(
      atPath: SharedFixtures.path("fixtures/dump_syms/windows/basic32.pd_"),
      toPath: "\(root)/outside.pd_")
    try "PATH:files\\basic32.pd_".write(
      toFile: "\(root)/store/basic32.pdb/\(basic32.id)/file.ptr", atomically: true, encoding: .utf8)
    let entry = try #require(
      try SymbolStore(roots: ["\(root)/store"]).entry(
        debugFile: basic32.file, debugIdentifier: basic32.id))
    #expect(entry.path == "\(root)/store/files/basic32.pd_")
    #expect(entry.format == .windows)

    try "PATH:../outside.pd_".write(
      toFile: "\(root)/store/basic32.pdb/\(basic32.id)/file.ptr", atomically: true, encoding: .utf8)
    #expect(
      try SymbolStore(roots: ["\(root)/store"]).entry(
        debugFile: basic32.file, debugIdentifier: basic32.id) == nil)
  }
}
