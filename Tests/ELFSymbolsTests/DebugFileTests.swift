//===--- DebugFileTests.swift - Separate debug files and bad ELF input ------===//

import CrashCore
import CrashTestSupport
import ELFSymbols
import Foundation
import Testing

@Suite("ELF debug files and damaged ELF input")
struct DebugFileTests {
  @Test("a stripped binary finds its DWARF by build id under a debug root")
  func buildIDLookup() throws {
    let whole = try ELFSymbolFile(path: Fixtures.path("elf/inline_demo"))
    let root = try BuildIDDebugRoot(debugFile: Fixtures.path("elf/inline_demo.debug"), buildID: try #require(whole.buildID))
    let stripped = try ELFSymbolFile(path: Fixtures.path("elf/inline_demo.stripped"), debugRoots: [root.path])
    #expect(stripped.hasDWARF)
    #expect(stripped.buildID == whole.buildID)
    #expect(stripped.buildID?.count == 40)
    let debugFile = try #require(stripped.debugFilePath)
    #expect(debugFile == root.debugFilePath)
    for address in try SymbolizerAgreementTests.addresses("inline_demo") {
      #expect(stripped.lookup(address)?.frames == whole.lookup(address)?.frames)
    }
  }

  @Test("without a debug root the stripped binary has no DWARF and says so")
  func strippedAlone() throws {
    let stripped = try ELFSymbolFile(path: Fixtures.path("elf/inline_demo.stripped"))
    #expect(stripped.hasDWARF == false)
    #expect(stripped.debugFilePath == nil)
  }

  @Test("not ELF, empty, truncated and corrupted ELF files: errors or empty answers, never a crash")
  func damagedInput() throws {
    let text = try TemporaryFile(text: "this is not an ELF file\n", suffix: ".so")
    #expect(throws: ELFSymbolError.notELF(path: text.path)) { try ELFSymbolFile(path: text.path) }
    let empty = try TemporaryFile([UInt8](), suffix: ".so")
    #expect(throws: ELFSymbolError.self) { try ELFSymbolFile(path: empty.path) }
    #expect(throws: ELFSymbolError.self) { try ELFSymbolFile(path: "/nonexistent/libx.so") }
    #expect(throws: ELFSymbolError.self) { try ELFSymbolFile(path: NSTemporaryDirectory()) }

    let whole = try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("elf/inline_demo"))))
    let addresses = try SymbolizerAgreementTests.addresses("inline_demo")
    // Cut at several places, and overwrite runs of bytes with noise: open and look up.
    var cases: [[UInt8]] = [64, 1024, whole.count / 3, whole.count / 2, whole.count - 100].map { Array(whole.prefix($0)) }
    var noise = SeededBytes(seed: 11, count: 0)
    for _ in 0..<24 {
      var damaged = whole
      let start = Int(noise.nextWord() % UInt64(whole.count - 512))
      for index in start..<(start + 256) { damaged[index] = UInt8(truncatingIfNeeded: noise.nextWord()) }
      cases.append(damaged)
    }
    for bytes in cases {
      let file = try TemporaryFile(bytes, suffix: ".so")
      guard let symbols = try? ELFSymbolFile(path: file.path) else { continue }
      for address in addresses.prefix(200) { _ = symbols.lookup(address) }
    }
  }
}

@Suite("ELF debug files by debuglink")
struct DebugLinkTests {
  @Test("a stripped binary finds its debug file by .gnu_debuglink beside it, and a file with another build id is refused")
  func debugLink() throws {
    let directory = NSTemporaryDirectory() + "debuglink-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory + "/.debug", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let whole = try ELFSymbolFile(path: Fixtures.path("elf/inline_demo"))
    let id = try #require(whole.buildID)
    let debugName = String(id.dropFirst(2)) + ".debug"  // the name objcopy recorded in .gnu_debuglink
    try FileManager.default.copyItem(atPath: Fixtures.path("elf/inline_demo.stripped"), toPath: directory + "/app")
    try FileManager.default.copyItem(
      atPath: Fixtures.path("elf/inline_demo.debug"), toPath: directory + "/.debug/" + debugName)
    let found = try ELFSymbolFile(path: directory + "/app")
    #expect(found.hasDWARF)
    #expect(found.debugFilePath == directory + "/.debug/" + debugName)
    #expect(found.lookup(0x1180)?.frames == whole.lookup(0x1180)?.frames)
    // The same name holding another binary's debug data: refused by build id.
    try FileManager.default.removeItem(atPath: directory + "/.debug/" + debugName)
    try FileManager.default.copyItem(atPath: Fixtures.path("elf/inline_demo_clang"), toPath: directory + "/.debug/" + debugName)
    #expect(try ELFSymbolFile(path: directory + "/app").hasDWARF == false)
  }
}
