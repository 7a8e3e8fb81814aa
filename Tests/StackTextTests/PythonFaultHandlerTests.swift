//===--- PythonFaultHandlerTests.swift - Python's faulthandler ---------------===//
//
// The fixture (Tests/Fixtures/pastes/python-faulthandler.txt) is composed in the
// layout CPython's faulthandler prints (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Python faulthandler")
struct PythonFaultHandlerTests {
  @Test("the fatal signal, each thread's Python frames with file and line, the current thread crashed, blank lines passed")
  func faultHandler() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/python-faulthandler.txt"), encoding: .utf8))
    #expect(report.exception?.code.rawValue == 11 && report.exception?.description == "Fatal Python error: Segmentation fault")
    #expect(report.stacks.map(\.label) == ["Thread 0x00007f2a8c9ff640", "Current thread 0x00007f2a94c1b740"])
    #expect(report.stacks.map(\.isCrashed) == [false, true] && report.stacks.allSatisfy { $0.format == .pythonFaultHandler })
    #expect(report.stacks[0].frames.count == 3, "a blank line between rows is passed over")
    let frame = try #require(report.stacks[1].frames.first)
    #expect(frame.symbol?.function == "balance" && frame.sourceLine == SourceLine(file: "/srv/ledger/ledger/native.py", line: 41))
  }

  @Test("Windows' words, and Python 3.14's C stack, which is the crashed one")
  func windowsAndCStack() throws {
    let text = """
      Windows fatal exception: access violation

      Current thread 0x000024c8 (most recent call first):
        File "C:\\ledger\\native.py", line 41 in balance

      Current thread's C stack trace (most recent call first):
        Binary file "/srv/ledger/_ledger.so", at ledger_balance+0x17 [0x7f2a93e012b7]
        Binary file "/lib/x86_64-linux-gnu/libc.so.6" [0x7f2a94a29d90]
      """
    let report = decodeReport(text)
    #expect(report.exception?.code.rawValue == 0xC000_0005)
    let native = try #require(report.stacks.last)
    #expect(native.isCrashed && report.stacks.filter(\.isCrashed).count == 1)
    #expect(native.frames[0].symbol?.module == "_ledger.so" && native.frames[0].symbol?.function == "ledger_balance")
    #expect(native.frames[0].symbol?.offset == 0x17 && native.frames[0].instruction?.rawValue == 0x7f2a_93e0_12b7)
    #expect(native.frames[1].symbol?.function == nil && native.frames[1].symbol?.address?.rawValue == 0x7f2a_94a2_9d90)
  }

  @Test("not faulthandler's", arguments: ["Fatal Python error: none here\nnothing else\n", "Thread 0x1 started\n"])
  func notFaultHandler(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
