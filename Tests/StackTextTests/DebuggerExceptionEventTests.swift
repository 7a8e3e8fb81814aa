//===--- DebuggerExceptionEventTests.swift - WinDbg's exception line ---------===//

import CrashCore
import CrashTestSupport
import StackText
import Testing

@Suite("Debugger exception lines")
struct DebuggerExceptionEventTests {
  static let listing = """
    0:015> kb
     # ChildEBP RetAddr  Args to Child
    00 06c3bb58 6f3c2a1b 06db3230 06c3bb80 00000000 ntdll!NtGetContextThread+0xc
    01 06c3bb6c 6f3c1b22 06db3230 00000001 06c3bbac ledger!ThreadGetContext+0x1b
    """

  @Test("`(pid.tid): … - code … (first chance)`: the code, the words, the thread")
  func firstChance() throws {
    let report = decodeReport("(7f18.3c8c): Access violation - code c0000005 (first/second chance not available)\n" + Self.listing)
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 0xc000_0005 && exception.threadID == 0x3c8c && exception.description == "Access violation")
    #expect(exception.lines == LineRange(1, 1) && report.stacks.first?.frames.count == 2)
  }

  @Test("a session with a handled C++ exception first: the second-chance one is the crash")
  func secondChanceWins() throws {
    let text = """
      (1a2c.1b3c): C++ EH exception - code e06d7363 (first chance)
      (1a2c.1b3c): Access violation - code c0000005 (first chance)
      First chance exceptions are reported before any exception handling.
      (1a2c.1b3c): Access violation - code c0000005 (!!! second chance !!!)
      (1a2c.1b3c): Break instruction exception - code 80000003 (first chance)
      """ + "\n" + Self.listing
    let exception = try #require(decodeReport(text).exception)
    #expect(exception.code.rawValue == 0xc000_0005 && exception.description == "Access violation (second chance)")
    #expect(exception.lines == LineRange(4, 4))
  }

  @Test("kd prints no ids")
  func kernelDebugger() throws {
    let exception = try #require(decodeReport("Access violation - code c0000005 (!!! second chance !!!)\n" + Self.listing).exception)
    #expect(exception.threadID == nil && exception.code.rawValue == 0xc000_0005)
  }

  @Test("not an exception line", arguments: [
    "The code - code c0000005 was seen\n", "(1a2c.1b3c): Access violation - code c00005 (first chance)\n",
    "Access violation - code c0000005 was logged twice\n",
  ])
  func notAnEvent(_ text: String) {
    #expect(decodeReport(text + Self.listing).exception == nil)
  }
}
