//===--- SystemRootTests.swift - A core's module files under --sysroot -------===//
//
// A module's recorded path comes from the input: it is looked up only under a
// system root the user named, only as an absolute path without `.` or `..`,
// only where it resolves inside that root, and only when the file's build id is
// the module's. The ELF programs of Tests/Fixtures/core stand in for a
// process's files.
//
//===----------------------------------------------------------------------===//

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

  @Test("a store's own roots come first; the system root's debug directory is searched by build id")
  func order() throws {
    let root = try systemRoot()
    let store = SymbolStore(roots: ["/nonexistent"], systemRoots: [root + "/"])
    #expect(store.debugRoots == ["/nonexistent", root + "/usr/lib/debug"])
  }
}
