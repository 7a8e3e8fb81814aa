//===--- ExampleDumpTests.swift - Examples/Q276222/emsmta.dmp ----------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Symbolication
import Testing

@Suite("The Q276222 example dump")
struct ExampleDumpTests {
  static let path = Fixtures.repositoryRoot + "/Examples/Q276222/emsmta.dmp"

  @Test("the committed file is exactly what make-example-dumps writes")
  func reproducible() throws {
    let committed = try Array(Data(contentsOf: URL(fileURLWithPath: Self.path)))
    #expect(committed == ExampleDumps.q276222().bytes())
  }

  @Test("walked from memory: the KB's nine frame records; with Symbols/, frames 1-8 named as the KB names them")
  func walked() throws {
    let store = SymbolStore(roots: [Fixtures.repositoryRoot + "/Symbols"])
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: Self.path, unwindData: StoreUnwindData(store: store)))
    let frames = try #require(report.threads.first).frames
    let article = try Analyser().analyse(path: Fixtures.path("kb/Q276222.md"))
    let printed = try #require(article.threads.first { $0.frames.count == 9 }).frames
    #expect(frames.count == 9)
    for (index, record) in ExampleDumps.q276222Frames.enumerated() {
      #expect(frames[index].framePointer == Address(UInt64(record.0)), "frame \(index)")
      #expect(frames[index].returnAddress == Address(UInt64(record.1)), "frame \(index)")
      #expect(frames[index].parameters == [UInt64(record.2), UInt64(record.3), UInt64(record.4)], "frame \(index)")
      #expect(frames[index].framePointer == printed[index].framePointer, "frame \(index)")
      #expect(frames[index].returnAddress == printed[index].returnAddress, "frame \(index)")
      #expect(frames[index].parameters == printed[index].parameters, "frame \(index)")
    }
    for index in 1...8 {
      let resolution = try #require(frames[index].resolution, "frame \(index)")
      #expect(resolution.displayText == printed[index].symbol?.displayText, "frame \(index)")
    }
    // Frame 0: an EMSMTA address no map names, called from otpurert+0x307.
    #expect(frames[0].resolution == nil)
    #expect(frames[0].symbol?.displayText == "EMSMTA+0xf1e25")
    #expect(frames[1].resolution?.displayText == "EMSMTA!otpurert+0x307")
    #expect(frames[0].trust == .context)
    #expect(frames.dropFirst().allSatisfy { $0.trust == .framePointer })
    #expect(report.exception?.code == .accessViolation)
    #expect(report.modules.map(\.name) == ["EMSMTA.EXE", "KERNEL32.DLL"])
  }
}
