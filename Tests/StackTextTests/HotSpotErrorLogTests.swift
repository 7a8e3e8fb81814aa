//===--- HotSpotErrorLogTests.swift - The Java VM's fatal error logs ----------===//
//
// The fixtures (Tests/Fixtures/pastes/hotspot-*) are composed in the layout
// HotSpot's vmError.cpp writes (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Java VM fatal error logs")
struct HotSpotErrorLogTests {
  static func report(_ name: String) throws -> CrashReport {
    decodeReport(try String(contentsOfFile: Fixtures.path("pastes/\(name)"), encoding: .utf8))
  }

  @Test("hs_err on Linux: the native frames as the crashed thread, library+offset with the nearest symbol, Java frames by method")
  func linuxLog() throws {
    let report = try Self.report("hotspot-linux.log")
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.isCrashed && stack.format == .hotspot && stack.architecture == .amd64)
    #expect(stack.label == #"JavaThread "ledger-sync-1""# && stack.id == 24340 && stack.lines == LineRange(2, 62))
    let frames = stack.frames
    #expect(frames.count == 12)
    #expect(frames[0].symbol?.module == "libledger.so" && frames[0].symbol?.moduleOffset == 0x12b7)
    #expect(frames[0].symbol?.function == "ledger_balance" && frames[0].symbol?.offset == 0x17)
    #expect(frames[0].instruction?.rawValue == 0x7f3c_2a41_a2b7, "frame 0 is the summary's pc")
    #expect(frames[2].symbol?.function == "com.example.ledger.Native.balance(J)J" && frames[2].symbol?.module == nil)
    #expect(frames[3].symbol?.function == "com.example.ledger.Sync.step()V" && frames[3].instruction?.rawValue == 0x7f3c_2d1f_8a64)
    #expect(frames[6].symbol?.function == "~StubRoutines::call_stub")
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 11 && exception.address?.rawValue == 0x10 && exception.threadID == 24340)
    #expect(report.application?.processID == 24311)
    #expect(report.modules.map(\.name) == ["libledger.so", "libjvm.so"] && report.modules.allSatisfy { $0.base.rawValue == 0 })
    guard case .amd64(let registers)? = stack.context else {
      Issue.record("no amd64 registers")
      return
    }
    #expect(registers[.rip] == 0x7f3c_2a41_a2b7 && registers[.r9] == 6 && registers[.rsp] == 0x7f3c_0f4f_d6e0)
  }

  @Test("hs_err on Windows: the Windows exception, its address, the Java frames after native frames without them")
  func windowsLog() throws {
    let report = try Self.report("hotspot-windows.txt")
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.architecture == .amd64 && stack.label == #"JavaThread "Ledger-Sync""#)
    #expect(report.exception?.code.rawValue == 0xC000_0005 && report.exception?.address?.rawValue == 0x10)
    #expect(stack.frames.map(\.symbol?.function) == [
      nil, nil, nil, "com.example.ledger.Native.balance(J)J", "com.example.ledger.Sync.run()V", "java.lang.Thread.run()V",
      "~StubRoutines::call_stub",
    ])
    #expect(stack.frames[2].symbol?.address?.rawValue == 0x2c9_8041_ab48)
  }

  @Test("the console's summary alone: its problematic frame, and the text after it left to the others")
  func consoleSummary() throws {
    let text = """
      #
      # A fatal error has been detected by the Java Runtime Environment:
      #
      #  SIGSEGV (0xb) at pc=0x00007fcfe110ade0, pid=55469, tid=140530789209872
      #
      # Java VM: Java HotSpot(TM) 64-Bit Server VM (16.3-b01 mixed mode linux-amd64 )
      # Problematic frame:
      # C  [ld-linux-x86-64.so.2+0x15de0]
      #
      Aborted (core dumped)
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.frames.count == 1 && stack.architecture == .amd64)
    #expect(stack.frames[0].symbol?.module == "ld-linux-x86-64.so.2" && stack.frames[0].symbol?.moduleOffset == 0x1_5de0)
    #expect(report.exception?.code.rawValue == 11 && report.exception?.threadID == nil, "a tid past 32 bits is no thread id")
  }
}
