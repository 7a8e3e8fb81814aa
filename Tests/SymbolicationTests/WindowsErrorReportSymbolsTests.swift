//===--- WindowsErrorReportSymbolsTests.swift - A WER frame named ------------===//
//
// Windows Error Reporting prints the faulting module and the offset into it, not
// the module's load address: the frame is read at the offset in a symbol file of
// the module, a Breakpad file (module-relative) and an MSVC .map (absolute, at
// its preferred load address) alike.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Symbolication
import Testing

@Suite("Windows Error Reporting symbolicated")
struct WindowsErrorReportSymbolsTests {
  static func store(_ file: String, as path: String) throws -> String {
    let root = NSTemporaryDirectory() + "wer-store-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root + "/" + path, withIntermediateDirectories: true)
    try FileManager.default.removeItem(atPath: root + "/" + path)
    try FileManager.default.copyItem(atPath: file, toPath: root + "/" + path)
    return root
  }

  @Test("an MSVC .map with absolute addresses (load address 0x400000) reads the offset from its own base")
  func linkerMap() throws {
    let root = try Self.store(Fixtures.path("map/msvc6_layout.map"), as: "sample.exe/35A6D4C62000/sample.map")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let text = """
      Faulting application name: sample.exe, version: 1.0.0.1, time stamp: 0x35a6d4c6
      Faulting module name: sample.exe, version: 1.0.0.1, time stamp: 0x35a6d4c6
      Exception code: 0xc0000005
      Fault offset: 0x00001048
      """
    let report = Symbolicator(store: SymbolStore(roots: [root])).symbolicate(Analyser().analyse(text: text))
    let frame = try #require(report.crashedThread?.frames.first)
    #expect(frame.resolution?.lookup.function.name == "QueuePush" && frame.resolution?.offset == 8)
    #expect(report.moduleSymbols.first?.status == .loaded)
  }

  @Test(
    "dump_syms' basic32.sym: the offset inside test3", .enabled(if: SharedFixtures.has("fixtures/dump_syms/windows/basic32.sym")))
  func breakpadFile() throws {
    let root = try Self.store(
      SharedFixtures.path("fixtures/dump_syms/windows/basic32.sym"), as: "basic32.pdb/34060D222DBB44E5AA72243CE8326C2F2/basic32.sym")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let text = """
      Faulting application name: tester.exe, version: 1.0.0.0, time stamp: 0x5ddc1e90
      Faulting module name: basic32.dll, version: 0.0.0.0, time stamp: 0x5ddc1e9a
      Exception code: 0xc0000005
      Fault offset: 0x00006c2b
      """
    let report = Symbolicator(store: SymbolStore(roots: [root])).symbolicate(Analyser().analyse(text: text))
    let frame = try #require(report.crashedThread?.frames.first)
    #expect(frame.resolution?.lookup.function.name == "test3(int, unsigned int, short)" && frame.resolution?.offset == 0xb)
    #expect(frame.sourceLine?.line == 17)
  }
}
