//===--- SystemRootTests.swift - A core's module files under --sysroot -------===//
//
// A module's recorded path comes from the input: it is looked up only under a
// system root the user named, only as an absolute path without `.` or `..`,
// only where it resolves inside that root, and only when the file's build id is
// the module's. The ELF programs of Tests/Fixtures/core stand in for a
// process's files.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import ELFSymbols
import Foundation
import Symbolication
import Testing

@Suite("System roots")
struct SystemRootTests {
  let scratch = ScratchDirectories()

  static let program = Fixtures.path("core/ledger_crash-x86_64")
  static let other = Fixtures.path("core/ledger_crash-arm64")

  /// A system root holding the fixture program at `usr/lib/libledger.so`.
  func systemRoot() throws -> String {
    let root = try scratch.make("sysroot")
    try FileManager.default.createDirectory(atPath: root + "/usr/lib", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Self.program, toPath: root + "/usr/lib/libledger.so")
    return root
  }

  static func buildID(_ path: String) throws -> String {
    try #require(try ELFSymbolFile(path: path).buildID)
  }

  func entries(_ store: SymbolStore, path: String?, buildID: String) throws -> [StoreEntry] {
    try store.entries(
      debugFile: "libledger.so", debugIdentifier: GNUBuildID.breakpadIdentifier(buildID), buildID: buildID, modulePath: path)
  }

  @Test("the recorded path under the root, when the build id matches")
  func found() throws {
    let root = try systemRoot()
    let buildID = try Self.buildID(Self.program)
    let store = SymbolStore(roots: [], systemRoots: [root])
    let entry = try #require(try entries(store, path: "/usr/lib/libledger.so", buildID: buildID).first)
    #expect(entry.path.hasSuffix("/usr/lib/libledger.so") && entry.format == .elf)
    #expect(try entries(SymbolStore(roots: []), path: "/usr/lib/libledger.so", buildID: buildID).isEmpty)
  }

  @Test("another build at the path (a library updated since the crash) is not taken")
  func otherBuild() throws {
    let root = try systemRoot()
    let store = SymbolStore(roots: [], systemRoots: [root])
    #expect(try entries(store, path: "/usr/lib/libledger.so", buildID: try Self.buildID(Self.other)).isEmpty)
  }

  @Test("paths from the input never leave the root", arguments: [
    "usr/lib/libledger.so", "/usr/lib/../lib/libledger.so", "/usr/./lib/libledger.so", "//usr/lib/libledger.so",
    "/usr/lib/libledger.so/", "/", "/usr/lib/libledger.so\u{0}",
  ])
  func refusedPaths(path: String) throws {
    let root = try systemRoot()
    let store = SymbolStore(roots: [], systemRoots: [root])
    #expect(try entries(store, path: path, buildID: try Self.buildID(Self.program)).isEmpty)
  }

  @Test("a symbolic link in the root that points out of it is not followed out")
  func linkOutOfRoot() throws {
    let root = try scratch.make("sysroot-link")
    try FileManager.default.createDirectory(atPath: root + "/usr/lib", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: root + "/usr/lib/libledger.so", withDestinationPath: Self.program)
    let store = SymbolStore(roots: [], systemRoots: [root])
    #expect(try entries(store, path: "/usr/lib/libledger.so", buildID: try Self.buildID(Self.program)).isEmpty)
    // A link inside the root (a merged /usr's `lib -> usr/lib`) is followed.
    let inside = try systemRoot()
    try FileManager.default.createSymbolicLink(atPath: inside + "/lib", withDestinationPath: "usr/lib")
    let insideStore = SymbolStore(roots: [], systemRoots: [inside])
    #expect(try entries(insideStore, path: "/lib/libledger.so", buildID: try Self.buildID(Self.program)).count == 1)
  }

  @Test("a module with no build id: an ELF file of its name without one, in a root or at its path under a system root")
  func unidentified() throws {
    let root = try scratch.make("no-build-id")
    let program = Fixtures.path("core/ledger_crash-nobuildid")
    #expect(try ELFSymbolFile.buildID(atPath: program) == nil)
    // A file of that name with a build id is another build's: not taken. Nor is a file that is no ELF.
    try FileManager.default.copyItem(atPath: Self.program, toPath: root + "/ledger")
    #expect(SymbolStore(roots: [root]).entries(unidentifiedModule: "ledger").isEmpty)
    try FileManager.default.removeItem(atPath: root + "/ledger")
    try Data("not an ELF file".utf8).write(to: URL(fileURLWithPath: root + "/ledger"))
    #expect(SymbolStore(roots: [root]).entries(unidentifiedModule: "ledger").isEmpty)
    try FileManager.default.removeItem(atPath: root + "/ledger")
    try FileManager.default.copyItem(atPath: program, toPath: root + "/ledger")
    #expect(SymbolStore(roots: [root]).entries(unidentifiedModule: "ledger").first?.path == root + "/ledger")
    // A name with a directory is cut to its last component (PathComponent): it names a file in the root.
    #expect(SymbolStore(roots: [root]).entries(unidentifiedModule: "../ledger").first?.path == root + "/ledger")
    #expect(SymbolStore(roots: [root]).entries(unidentifiedModule: "..").isEmpty)
    // Under a system root, at the path the input recorded.
    let system = try scratch.make("no-build-id-sysroot")
    try FileManager.default.createDirectory(atPath: system + "/opt/ledger", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: program, toPath: system + "/opt/ledger/ledger")
    let store = SymbolStore(roots: [], systemRoots: [system])
    #expect(store.entries(unidentifiedModule: "ledger", modulePath: "/opt/ledger/ledger").first?.path.hasSuffix("/opt/ledger/ledger") == true)
    #expect(store.entries(unidentifiedModule: "ledger", modulePath: "/opt/ledger/../ledger/ledger").isEmpty)
  }

  @Test("a listing that prints another of the function's ELF names agrees with the file (no mismatch)")
  func aliasAgrees() throws {
    let library = Fixtures.path("elf/aliases.so")
    let buildID = try Self.buildID(library)
    let root = try scratch.make("aliases")
    try FileManager.default.copyItem(atPath: library, toPath: root + "/aliases.so")
    // The listing prints the name the file's lookup does not answer with.
    let answered = try #require(try ELFSymbolFile(path: library).lookup(0x1345)).function.name
    let printed = answered == "ledger_close" ? "__ledger_close" : "ledger_close"
    let text = """
      Module aliases.so with build-id \(buildID)
      Stack trace of thread 7:
      #0  0x00007f0000001345 \(printed) (aliases.so + 0x1345)
      """
    let report = Symbolicator(store: SymbolStore(roots: [root])).symbolicate(Analyser().analyse(text: text))
    let frame = try #require(report.threads.first?.frames.first)
    #expect(frame.resolution?.lookup.function.name == answered && frame.resolution?.agreement == .confirmed)
    #expect(!report.diagnostics.contains { $0.message.contains("wrong map") })
  }

  @Test("a store's own roots come first; the system root's debug directory is searched by build id")
  func order() throws {
    let root = try systemRoot()
    let store = SymbolStore(roots: ["/nonexistent"], systemRoots: [root + "/"])
    #expect(store.debugRoots == ["/nonexistent", root + "/usr/lib/debug"])
  }
}
