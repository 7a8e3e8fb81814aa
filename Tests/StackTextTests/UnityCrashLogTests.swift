//===--- UnityCrashLogTests.swift - A Unity player's native crash ---------------===//
//
// The fixture (Tests/Fixtures/pastes/unity-player-crash.txt) is composed in the
// layout Unity's crash handler writes to Player.log (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Unity crash logs")
struct UnityCrashLogTests {
  @Test("the exception, the module list, the rows: sources, Mono's JIT code, an export's name dropped")
  func playerLog() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/unity-player-crash.txt"), encoding: .utf8))
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.isCrashed && stack.format == .unityCrash && stack.architecture == .amd64)
    #expect(report.exception?.code.rawValue == 0xc000_0005 && report.exception?.description == "Access Violation")
    #expect(report.modules.map(\.name) == ["Ledger.exe", "UnityPlayer.dll", "ledgercore.dll", "KERNEL32.DLL", "ntdll.dll"])
    let player = try #require(report.modules.first { $0.name == "UnityPlayer.dll" })
    #expect(player.base.rawValue == 0x7ffd_0a00_0000 && player.size == 29_360_128 && player.version == "2021.3.16.4016570")
    #expect(player.path == #"C:\Games\Ledger\UnityPlayer.dll"#)
    let frames = stack.frames
    #expect(frames.count == 8)
    #expect(frames[0].symbol?.function == "Ledger::Book::Close" && frames[0].sourceLine?.line == 212)
    // `UnityMain` on frames 64 KiB and more apart is the export StackWalker fell back to.
    #expect(frames[1].symbol?.function == nil && frames[1].symbol?.moduleOffset == 0x27_3ee2)
    #expect(frames[3].symbol?.function == nil && frames[3].symbol?.moduleOffset == 0x6_78aa)
    // Mono's JIT code is in no module.
    #expect(frames[4].symbol?.module == nil && frames[4].symbol?.function == "Ledger.BookView:OnDisable ()")
    #expect(frames[6].symbol?.function == "BaseThreadInitThunk" && frames[6].symbol?.module == "KERNEL32")
  }

  @Test("one module's name at nearby addresses stays: a real function, not an export")
  func nearbyNamesStay() throws {
    let report = decodeReport(
      """
      ========== OUTPUTTING STACK TRACE ==================
      0x00007FF63B7BE803 (Unity) GfxDeviceVK::InsertCustomMarkerCallbackAndData
      0x00007FF63B7BE5AC (Unity) GfxDeviceVK::InsertCustomMarkerCallbackAndData
      0x00007FF63D71AD67 (Unity) GfxDeviceWorker::RunCommand
      ========== END OF STACKTRACE ===========
      """)
    #expect(report.stacks.first?.frames.map { $0.symbol?.function } == [
      "GfxDeviceVK::InsertCustomMarkerCallbackAndData", "GfxDeviceVK::InsertCustomMarkerCallbackAndData",
      "GfxDeviceWorker::RunCommand",
    ])
  }

  @Test("not Unity's", arguments: [
    "========== OUTPUTTING STACK TRACE ==================\nnothing\n",
    "C:\\notes.txt:notes (today), size: big\n", "It caused an argument (0xnothing)\n",
  ])
  func notUnity(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
