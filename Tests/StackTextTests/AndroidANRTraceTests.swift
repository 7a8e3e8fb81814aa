//===--- AndroidANRTraceTests.swift - Android's thread dumps for an ANR -----===//
//
// The fixture (Tests/Fixtures/pastes/android-anr.txt) is composed in the layout
// ART's SIGQUIT dump prints (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Android ANR traces")
struct AndroidANRTraceTests {
  @Test("ART's dump: the preamble's process and ABI, each thread with its native and Java frames, the main thread crashed")
  func artDump() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/android-anr.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == [
      "\"main\" prio=5 tid=1 Blocked", "\"Signal Catcher\" daemon prio=10 tid=4 Runnable", "\"ledger-sync\" prio=5 tid=14 Native",
    ])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false] && report.stacks.allSatisfy { $0.format == .androidANR })
    #expect(report.stacks.map(\.id) == [23843, 23850, 23871], "sysTid is the kernel's id")
    #expect(report.stacks.allSatisfy { $0.architecture == .arm64 })
    let main = report.stacks[0]
    #expect(main.frames.count == 8 && main.frames[0].symbol?.function == "com.example.ledger.Store.balance")
    #expect(main.frames[6].symbol?.function == "java.lang.reflect.Method.invoke" && main.frames[6].sourceLine == nil)
    let sync = report.stacks[2]
    #expect(sync.frames.map { $0.symbol?.module } == ["libc.so", "libledger.so", nil, nil, nil])
    #expect(sync.frames[1].symbol?.function == "ledger_flush" && sync.frames[1].instruction?.rawValue == 0x12b4)
    #expect(report.system.first { $0.key == "Process" }?.value == "com.example.ledger")
    let anr = try #require(report.system.first { $0.key == "Android ANR" }?.value)
    #expect(anr == "\"main\" thread Blocked, waiting to lock <0x0f1e2d3c> (a com.example.ledger.Store) held by thread 14 (\"ledger-sync\", Native)")
    #expect(report.modules.first { $0.name == "libc.so" }?.buildID == "a9f3c1d2e4b5a6978877665544332211")
    #expect(report.exception == nil, "an ANR is no signal")
  }

  @Test("Play Console's copy: short headers, a blank before the parenthesis, unindented lock lines, rows without native:")
  func playConsole() throws {
    let text = """
      "main" tid=1 Blocked
      "main" prio=5 tid=1 Blocked
        | group="main" sCount=1 dsCount=0 flags=1 obj=0x71f4d2d0 self=0x7b4e723c00
        | held mutexes=
        at com.example.ledger.Store.balance (Store.java:42)
      - waiting to lock <0x0734e62f> (a com.example.ledger.Store) held by thread 50
        at android.app.-$$Lambda$ActivityThread$ApplicationThread$tUGFX7.accept (lambda)
        at android.os.Looper.loop (Looper.java:227)

      "ledger-io" tid=50 Native
      "ledger-io" prio=5 tid=50 Native
        #00  pc 0x00000000000d49cc  /apex/com.android.runtime/lib64/bionic/libc.so (__epoll_pwait+12)
        #00  pc 0x00000000000012b4  /data/app/~~a1b2/com.example.ledger-c3d4/lib/arm64/libledger.so (ledger_flush+52)
        at com.example.ledger.Sync.flush (Native method)
      - locked <0x0734e62f> (a com.example.ledger.Store)
      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 2, "a short header and the full one are one thread")
    #expect(report.stacks[0].frames.map { $0.symbol?.function ?? "" } == [
      "com.example.ledger.Store.balance", "android.app.-$$Lambda$ActivityThread$ApplicationThread$tUGFX7.accept", "android.os.Looper.loop",
    ])
    #expect(report.stacks[0].frames[0].sourceLine == SourceLine(file: "Store.java", line: 42))
    #expect(report.stacks[1].frames.count == 3, "Play Console's rows all numbered #00 stay one thread")
    #expect(report.system.first { $0.key == "Android ANR" }?.value.hasSuffix("held by thread 50 (\"ledger-io\", Native)") == true)
  }

  @Test("Dalvik's dump: states in capitals, held by tid=N (name)")
  func dalvik() throws {
    let text = """
      "main" prio=5 tid=1 MONITOR
        | group="main" sCount=1 dsCount=0 obj=0x41a9ee00 self=0x41a1d100
        | sysTid=3701 nice=0 sched=0/0 cgrp=apps handle=1074544980
        at com.example.ledger.Store.balance(Store.java:42)
        - waiting to lock <0x41f73ee8> (a com.example.ledger.Store) held by tid=16 (ledger-io)
        at android.os.Looper.loop(Looper.java:137)

      "ledger-io" prio=5 tid=16 TIMED_WAIT
        | group="main" sCount=1 dsCount=0 obj=0x41f97e40 self=0x66f76988
        at java.lang.Thread.sleep(Native Method)
        at com.example.ledger.Sync.run(Sync.java:30)
      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 2 && report.stacks[0].isCrashed)
    #expect(report.system.first { $0.key == "Android ANR" }?.value.hasSuffix("held by tid=16 (ledger-io)") == true)
  }

  @Test("not an ANR trace", arguments: [
    "\"main\" said the log\n", "\"main\" tid=x Blocked\n  at a.B.c(B.java:1)\n", "----- pid is not a number\n",
  ])
  func notANR(_ text: String) {
    #expect(decodeReport(text).stacks.allSatisfy { $0.format != .androidANR })
  }
}
