//===--- SocorroCrashingThreadTests.swift - Mozilla's crash reports as bugs quote them ---===//
//
// The fixture (Tests/Fixtures/pastes/socorro-bug-comment.txt) is composed in the
// layout Socorro's crashstats/bugzilla.py writes a new bug's description in (the
// README says which parts); the older layout and crash-stats' table are inline.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Socorro's crashing thread (Mozilla bugs, crash-stats)")
struct SocorroCrashingThreadTests {
  @Test("a bug's description: the report, MOZ_CRASH's reason, inlined frames, module+offset and bare addresses")
  func bugComment() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/socorro-bug-comment.txt"), encoding: .utf8))
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.isCrashed && stack.format == .socorroFrames)
    #expect(stack.frames.count == 11)
    // Frame 0 printed twice: MOZ_Crash inlined into Ledger::Close.
    #expect(stack.frames[0].isInlined && !stack.frames[1].isInlined)
    #expect(stack.frames[1].symbol?.function == "mozilla::dom::Ledger::Close" && stack.frames[1].symbol?.module == "xul.dll")
    #expect(stack.frames[1].sourceLine == SourceLine(file: "dom/ledger/Ledger.cpp", line: 212))
    #expect(stack.frames[5].symbol?.function == nil && stack.frames[5].symbol?.moduleOffset == 0x3b1_c2a0)
    #expect(stack.frames[6].symbol?.module == nil && stack.frames[6].symbol?.address?.rawValue == 0x1f3_a4b5_c6d7)
    #expect(report.system.first { $0.key == "Crash report" }?.value
      == "https://crash-stats.mozilla.org/report/index/3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a251207")
    #expect(report.system.first { $0.key == "MOZ_CRASH reason" }?.value
      == "MOZ_RELEASE_ASSERT(mState == State::Open) (ledger closed twice)")
  }

  @Test("the layout before 2020 (one blank between columns) and a Breakpad reason as the exception", arguments: [
    ("Reason: ```EXCEPTION_ACCESS_VIOLATION_READ```", UInt32(0xc000_0005)), ("Reason: SIGSEGV /SEGV_MAPERR", UInt32(11)),
    ("Reason: ```EXC_BAD_ACCESS / KERN_INVALID_ADDRESS```", UInt32(1)),
  ])
  func olderLayout(_ reason: String, _ code: UInt32) throws {
    let report = decodeReport(
      """
      Crash report: https://crash-stats.mozilla.org/report/index/bp-0c1d2e3f-4a5b-4c6d-8e7f-901a2b180712

      \(reason)

      Top 10 frames of crashing thread:

      0 libxul.so mozilla::dom::Ledger::Close dom/ledger/Ledger.cpp:212
      1 libxul.so nsThread::ProcessNextEvent xpcom/threads/nsThread.cpp:1148
      2 libc.so.6 libc.so.6@0x29d8f
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.map { $0.symbol?.function } == ["mozilla::dom::Ledger::Close", "nsThread::ProcessNextEvent", nil])
    #expect(stack.frames[1].sourceLine == SourceLine(file: "xpcom/threads/nsThread.cpp", line: 1148))
    #expect(stack.frames[2].symbol?.module == "libc.so.6" && stack.frames[2].symbol?.moduleOffset == 0x29d8f)
    #expect(report.exception?.code.rawValue == code)
  }

  @Test("crash-stats' own table, copied with its tabs")
  func crashStatsTable() throws {
    let report = decodeReport(
      "Frame\tModule\tSignature\tSource\tTrust\n"
        + "0\txul.dll\tmozilla::dom::Ledger::Close()\tdom/ledger/Ledger.cpp:212\tcontext\n"
        + "1\txul.dll\tmozilla::dom::Ledger_Binding::close(JSContext*, JS::Handle<JSObject*>)\tdom/bindings/LedgerBinding.cpp:88\tcfi\n"
        + "2\tntdll.dll\tRtlUserThreadStart\t\tscan\n")
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 3)
    #expect(stack.frames[1].symbol?.function == "mozilla::dom::Ledger_Binding::close(JSContext*, JS::Handle<JSObject*>)")
    #expect(stack.frames[2].sourceLine == nil && stack.frames[2].symbol?.module == "ntdll.dll")
  }

  @Test("not Socorro's", arguments: [
    "Crash report: see attached\n", "Top 10 frames of the year:\n0 a b c\n", "Frame Module Signature Source\nnothing\n",
  ])
  func notSocorro(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
