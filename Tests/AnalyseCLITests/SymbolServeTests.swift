//===--- SymbolServeTests.swift - `symbols serve` and --symbol-path, end to end -===//
//
// `analyse symbols serve` on loopback serves a store (the shared Breakpad symbols);
// `analyse --symbol-path srv*CACHE*URL` reads a minidump through it and must write the
// report a local store gives, ask once, and ask nothing the second time. The server
// refuses paths that are not NAME/ID/FILE of plain names and files outside its store.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import SymbolServers
import Testing

@Suite("symbols serve and symbol paths", .serialized)
struct SymbolServeTests {
  static let available = SharedFixtures.has("fixtures/breakpad")

  static func serve(_ directory: String) throws -> BackgroundServer {
    try BackgroundServer(
      executable: AnalyseRunner.executable, arguments: ["symbols", "serve", directory, "--port", "0"],
      portPrefix: "on http://127.0.0.1:")
  }

  @Test(
    "a minidump through the server: the local store's report; one request per module; none the second run",
    .enabled(if: available, "needs ../shared/fixtures/breakpad beside the checkout"))
  func sameReport() throws {
    let store = SharedFixtures.path("fixtures/breakpad/symbols")
    let dump = SharedFixtures.path("fixtures/breakpad/minidump2.dmp")
    let server = try Self.serve(store)
    defer { server.stop() }
    let cache = NSTemporaryDirectory() + "serve-cache-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: cache) }
    let local = try AnalyseRunner.run(["--no-default-symbols", "--symbols", store, dump])
    let path = "srv*\(cache)*http://127.0.0.1:\(server.port)"
    let remote = try AnalyseRunner.run(["--no-default-symbols", "--symbol-path", path, dump])
    // The same report; only the lines naming where each symbol file was read differ.
    func located(_ report: String) -> String { report.replacingOccurrences(of: cache, with: store) }
    #expect(remote.status == local.status)
    #expect(located(remote.standardOutput) == local.standardOutput)
    #expect(remote.standardOutput.contains("CrashFunction"))
    let first = server.lines(containing: ".pdb/").count
    #expect(first == 2, "\(server.output)")  // test_app.pdb and kernel32.pdb: the modules with frames
    let again = try AnalyseRunner.run(["--no-default-symbols", "--symbol-path", path, dump])
    #expect(located(again.standardOutput) == local.standardOutput)
    #expect(server.lines(containing: "GET /").count == first + 1)  // and one index2.txt probe (400)
    // --json too, and the same through _NT_SYMBOL_PATH.
    let json = try AnalyseRunner.run(
      ["--no-default-symbols", "--json", dump],
      environment: ["CRASH_ANALYSIS_SYMBOLS": "Symbols", "_NT_SYMBOL_PATH": path])
    let localJSON = try AnalyseRunner.run(["--no-default-symbols", "--json", "--symbols", store, dump])
    #expect(located(json.standardOutput) == localJSON.standardOutput)
  }

  @Test(
    "path-safe: not NAME/ID/FILE, dot-dot, encoded separators, a symlink out of the store: refused; one log line each",
    .enabled(if: available, "needs ../shared/fixtures/breakpad beside the checkout"))
  func pathSafety() throws {
    let root = NSTemporaryDirectory() + "serve-store-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: "\(root)/evil.pdb/ID", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: "\(root)/evil.pdb/ID/evil.sym", withDestinationPath: "/etc/passwd")
    try "MODULE windows x86 ID good.pdb\n".write(toFile: "\(root)/evil.pdb/ID/good.sym", atomically: true, encoding: .utf8)
    let server = try Self.serve(root)
    defer { server.stop() }
    let base = "http://127.0.0.1:\(server.port)"
    let downloader = SymbolDownloader(maximumBytes: 1 << 20, timeoutSeconds: 10)
    func get(_ path: String) -> DownloadOutcome {
      let file = NSTemporaryDirectory() + "serve-get-\(UUID().uuidString)"
      defer { unlink(file) }
      let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
      defer { close(descriptor) }
      return downloader.download(base + path, into: descriptor)
    }
    #expect(get("/evil.pdb/ID/good.sym") == .stored(bytes: 31))
    #expect(get("/evil.pdb/ID/evil.sym") == .absent)
    #expect(get("/evil.pdb/ID/missing.sym") == .absent)
    for refused in ["/evil.pdb/ID", "/a/b/c/d", "/%2e%2e/ID/passwd", "/evil.pdb/..%2F..%2Fetc/passwd", "/evil.pdb/ID/%00x"] {
      #expect(get(refused) == .failed(reason: "HTTP 400", retryable: false), "\(refused)")
    }
    #expect(server.lines(containing: "GET /").count == 8)
    #expect(!server.output.joined().contains("root:"))
  }

  @Test(
    "text listings through the server: lm's PDB id and lmv's code id fetch what a local store gives; nothing asked twice",
    .enabled(if: SharedFixtures.has("fixtures/dump_syms"), "needs ../shared/fixtures/dump_syms beside the checkout"))
  func textListings() throws {
    // A symstore as Microsoft's tools lay it out: the CAB-compressed PDB under its debug id,
    // the image under its code id (time stamp and size).
    let root = NSTemporaryDirectory() + "serve-listings-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let manager = FileManager.default
    let pdbDirectory = "\(root)/store/basic32.pdb/34060D222DBB44E5AA72243CE8326C2F2"
    let imageDirectory = "\(root)/store/mozwer.dll/5FDB6A2871000"
    try manager.createDirectory(atPath: pdbDirectory, withIntermediateDirectories: true)
    try manager.createDirectory(atPath: imageDirectory, withIntermediateDirectories: true)
    try manager.copyItem(
      atPath: SharedFixtures.path("fixtures/dump_syms/windows/basic32.pd_"), toPath: "\(pdbDirectory)/basic32.pd_")
    try manager.copyItem(
      atPath: SharedFixtures.path("fixtures/dump_syms/windows/mozwer.dll"), toPath: "\(imageDirectory)/mozwer.dll")
    let server = try Self.serve("\(root)/store")
    defer { server.stop() }
    let path = "srv*\(root)/cache*http://127.0.0.1:\(server.port)"
    let listings = [Fixtures.path("windbg-lm/basic32-lm.txt"), Fixtures.path("windbg-lm/mozwer-lmv.txt")]
    for listing in listings {
      let local = try AnalyseRunner.run(["--no-default-symbols", "--symbols", "\(root)/store", listing])
      let remote = try AnalyseRunner.run(["--no-default-symbols", "--symbol-path", path, listing])
      #expect(remote.status == local.status)
      #expect(
        remote.standardOutput.replacingOccurrences(of: "\(root)/cache", with: "\(root)/store") == local.standardOutput)
    }
    let first = try AnalyseRunner.run(["--no-default-symbols", "--symbol-path", path, listings[0]]).standardOutput
    #expect(first.contains("0x10006c5a = basic32!test4(int, unsigned int, unsigned short, double*)+0x1a"), "\(first)")
    #expect(first.contains("basic32+0x6c2f = basic32!test3(int, unsigned int, short)+0xf"))
    #expect(first.contains("(by debug id)"))
    let second = try AnalyseRunner.run(["--no-default-symbols", "--symbol-path", path, listings[1]]).standardOutput
    #expect(second.contains("mozwer+0x10b0 = mozwer!OutOfProcessExceptionEventSignatureCallback+0x10"), "\(second)")
    #expect(second.contains("(by code id)"))
    // Each file once; the miss (ntdll's PDB) asked once, in each name a server may hold it under.
    #expect(server.lines(containing: "GET /basic32.pdb/34060D222DBB44E5AA72243CE8326C2F2/basic32.pd_ 200").count == 1)
    #expect(server.lines(containing: "GET /mozwer.dll/5FDB6A2871000/mozwer.dll 200").count == 1)
    #expect(server.lines(containing: "GET /wntdll.pdb/0A5C4E2D6B2E4F3B8C1D2E3F4A5B6C7D1/wntdll.pd_ 404").count == 1)
  }

  @Test("a code id whose image size holds letters is found under either spelling, locally and through the server")
  func codeIdentifierSpellings() throws {
    // Microsoft's symstore files an image under `%08X%x` (5FDB6A287a000); Mozilla's dump_syms
    // writes INFO CODE_ID in upper case (5FDB6A287A000), and stores built from it use that.
    // On a case-sensitive file system or server only one of them exists.
    let listing = """
      0:000> k
       # Child-SP          RetAddr               Call Site
      00 00000000`0014f1a8 00000001`800010b0     demo+0x1020
      01 00000000`0014f1b0 00000000`00000000     demo+0x10b0
      0:000> lmv m demo
      start             end                 module name
      00000001`80000000 00000001`8007a000   demo       (deferred)
          Image path: C:\\Program Files\\Demo\\demo.dll
          Image name: demo.dll
          Timestamp:        Thu Dec 17 14:20:56 2020 (5FDB6A28)
          CheckSum:         00000000
          ImageSize:        0007A000

      """
    let symbols = """
      MODULE windows x86_64 0123456789ABCDEF0123456789ABCDEF1 demo.pdb
      INFO CODE_ID 5FDB6A287A000 demo.dll
      FUNC 1000 50 0 first_function
      FUNC 1080 80 0 second_function

      """
    let root = NSTemporaryDirectory() + "code-id-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: "\(root)/store/demo.dll/5FDB6A287A000", withIntermediateDirectories: true)
    try symbols.write(toFile: "\(root)/store/demo.dll/5FDB6A287A000/demo.sym", atomically: true, encoding: .utf8)
    try listing.write(toFile: "\(root)/listing.txt", atomically: true, encoding: .utf8)

    let local = try AnalyseRunner.run(["--no-default-symbols", "--symbols", "\(root)/store", "\(root)/listing.txt"])
    #expect(local.standardOutput.contains("demo+0x1020 = demo!first_function+0x20"), "\(local.standardOutput)")
    #expect(local.standardOutput.contains("(by code id)"))

    let server = try Self.serve("\(root)/store")
    defer { server.stop() }
    let path = "srv*\(root)/cache*http://127.0.0.1:\(server.port)"
    let remote = try AnalyseRunner.run(["--no-default-symbols", "--symbol-path", path, "\(root)/listing.txt"])
    #expect(remote.standardOutput.contains("demo+0x1020 = demo!first_function+0x20"), "\(remote.standardOutput)")
    #expect(server.lines(containing: "GET /demo.dll/5FDB6A287A000/demo.sym 200").count == 1)
  }
}

@Suite("DEBUGINFOD_URLS")
struct DebuginfodCommandTests {
  static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

  @Test(
    "analyse with DEBUGINFOD_URLS: an ELF module found by build id, the local store's report, no request the second run",
    .enabled(if: python != nil, "needs python3"))
  func debuginfodURLs() throws {
    let buildID = "c6237e31390601d51dc27e7290e840122d62deb0"
    let root = NSTemporaryDirectory() + "debuginfod-cli-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: "\(root)/served/buildid/\(buildID)", withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: Fixtures.path("elf/inline_demo.debug"), toPath: "\(root)/served/buildid/\(buildID)/debuginfo")
    var module = SyntheticModule(base: 0x5555_0000_0000, size: 0x5000, name: "/usr/bin/inline_demo")
    module.elfBuildID = SyntheticModule.bytes(hex: buildID)
    let dump = try TemporaryFile(SyntheticMinidump.linuxAmd64(module: module, rip: 0x5555_0000_1060).bytes(), suffix: ".dmp")
    let server = try BackgroundServer(
      executable: Self.python!, arguments: [Fixtures.path("symbol-server/static_server.py"), "\(root)/served"],
      portPrefix: "port ")
    defer { server.stop() }
    let environment = ["DEBUGINFOD_URLS": "http://127.0.0.1:\(server.port)/files/ ftp://ignored"]
    let arguments = ["--no-default-symbols", "--symbol-cache", "\(root)/cache", dump.path]
    let remote = try AnalyseRunner.run(arguments, environment: environment)
    #expect(remote.standardOutput.contains("inline_demo!main"), "\(remote.standardOutput)")
    #expect(remote.standardError.contains("DEBUGINFOD_URLS: ftp://ignored is not an http or https URL, ignored"))
    #expect(server.lines(containing: "GET /files/buildid/\(buildID)/debuginfo").count == 1)
    // The cached file as a local store gives the same report.
    let local = try AnalyseRunner.run(["--no-default-symbols", "--symbols", "\(root)/cache", dump.path], environment: [:])
    #expect(local.standardOutput == remote.standardOutput)
    _ = try AnalyseRunner.run(arguments, environment: environment)
    #expect(server.lines(containing: "GET /").count == 1)
  }
}
