//===--- AndroidTombstoneSymbolsTests.swift - A tombstone's frames named ------===//
//
// An Android tombstone's frames give pcs relative to their libraries and each
// library's BuildId. With the Thumb library built here (Tests/Fixtures/elf/
// arm_frames.so) filed in a store under the debug id its build id gives, the
// frames `leaf+4`, `middle+4` and `outer+6` of a composed tombstone must be
// found by debug id and named leaf, middle and outer with their source lines,
// the printed names and offsets confirmed.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import ELFSymbols
import Foundation
import Symbolication
import Testing

@Suite("Android tombstones symbolicated")
struct AndroidTombstoneSymbolsTests {
  @Test("relative pcs looked up in the library the BuildId names, by debug id")
  func byBuildID() throws {
    let path = Fixtures.path("elf/arm_frames.so")
    let buildID = try #require(try ELFSymbolFile(path: path).buildID)
    let identifier = GNUBuildID.breakpadIdentifier(buildID)
    let root = NSTemporaryDirectory() + "tombstone-store-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: "\(root)/arm_frames.so/\(identifier)", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: path, toPath: "\(root)/arm_frames.so/\(identifier)/arm_frames.so")
    let library = "/data/app/com.example-1/lib/arm/arm_frames.so"
    let text = """
      ABI: 'arm'
      pid: 31, tid: 31, name: example  >>> com.example <<<
      signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0
      backtrace:
          #00 pc 00010208  \(library) (leaf+4) (BuildId: \(buildID))
          #01 pc 00010210  \(library) (middle+4) (BuildId: \(buildID))
          #02 pc 00010222  \(library) (outer+6) (BuildId: \(buildID))
      """
    let report = Symbolicator(store: SymbolStore(roots: [root])).symbolicate(Analyser().analyse(text: text))
    let frames = try #require(report.threads.first { !$0.frames.isEmpty }).frames
    #expect(frames.map { $0.resolution?.lookup.function.name } == ["leaf", "middle", "outer"])
    #expect(frames.map { $0.resolution?.agreement } == [.confirmed, .confirmed, .confirmed])
    #expect(frames.map { $0.resolution?.lookup.sourceLine?.line } == [5, 7, 10])  // llvm-symbolizer says the same
    #expect(report.moduleSymbols.first { $0.module == "arm_frames.so" }?.status == .loaded)
    #expect(!report.diagnostics.contains { $0.message.contains("wrong map") })
  }
}
