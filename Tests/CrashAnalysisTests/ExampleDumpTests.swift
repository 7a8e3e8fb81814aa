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

  @Test("walked from memory: the KB's nine frame records; with Symbols/, frames 1-8 named as the KB names them", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func walked() throws {
    let store = SymbolStore(roots: [Fixtures.repositoryRoot + "/Symbols"])
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: Self.path, unwindData: StoreUnwindData(store: store)))
    let frames = try #require(report.threads.first).frames
    let article = try Analyser().analyse(path: SharedFixtures.path("kb/Q276222.md"))
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
    // Frame 0: an EMSMTA address no FUNC covers, called from otpurert+0x307: named by that call
    // site (the learned maps' CALL_TARGET), and marked so.
    #expect(frames[0].resolution == nil)
    #expect(frames[0].symbol?.displayText == "EMSMTA!otpmralt")
    #expect(frames[0].symbol?.moduleOffset == 0xf1e25)
    #expect(frames[0].annotations.contains(.namedByCallSite))
    #expect(frames[1].resolution?.displayText == "EMSMTA!otpurert+0x307")
    #expect(frames[0].trust == .context)
    #expect(frames.dropFirst().allSatisfy { $0.trust == .framePointer })
    #expect(report.exception?.code == .accessViolation)
    #expect(report.modules.map(\.name) == ["EMSMTA.EXE", "KERNEL32.DLL"])
  }
}

@Suite("The Alpha example dump (KB Q177710)")
struct AlphaExampleDumpTests {
  static let path = Fixtures.repositoryRoot + "/Examples/Alpha/store.dmp"
  static let symbols = Fixtures.repositoryRoot + "/Examples/Alpha/symbols"

  @Test("the committed dump and unwind data are exactly what make-example-dumps writes")
  func reproducible() throws {
    let committed = try Array(Data(contentsOf: URL(fileURLWithPath: Self.path)))
    #expect(committed == ExampleDumps.q177710().bytes())
    let file = "\(Self.symbols)/store.pdb/\(ExampleDumps.q177710StoreIdentifier)/store.sym"
    #expect(try String(contentsOfFile: file, encoding: .utf8) == ExampleDumps.q177710SymbolFile())
  }

  @Test("walked with STACK CFI in Alpha register names: the log's Callee-SP column and call sites")
  func walked() throws {
    let store = SymbolStore(roots: [Self.symbols])
    let report = try Analyser().analyse(path: Self.path, unwindData: StoreUnwindData(store: store))
    let thread = try #require(report.threads.first)
    #expect(thread.architecture == .alpha)
    let frames = thread.frames
    let log = try Analyser().analyse(path: Fixtures.repositoryRoot + "/Examples/Alpha/drwtsn32.log")
    let printed = try #require(log.threads.first { $0.frames.count == 11 }).frames
    #expect(frames.count == 10)
    for index in 0..<10 {
      #expect(frames[index].framePointer == printed[index].framePointer, "frame \(index)")
    }
    // Frame n's lookup address is the call site: the log's ReturnAd of row n−1 (row 0's is
    // the ra register, so its call site is 4 bytes earlier).
    #expect(frames[1].instruction == printed[0].returnAddress.flatMap { $0.subtracting(4) })
    for index in 2..<10 {
      #expect(frames[index].instruction == printed[index - 1].returnAddress, "frame \(index)")
    }
    #expect(frames[0].parameters == printed[0].parameters)
    #expect(frames[0].parameterSource == .registers)
    #expect(frames[1].trust == .returnAddressRegister)
    #expect(frames.dropFirst(2).allSatisfy { $0.trust == .cfi })
  }
}
