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

  @Test("Visual Studio's dialog: the pc, the code, the words; an unhandled one over a first-chance C++ exception")
  func visualStudio() throws {
    let text = """
      First-chance exception at 0x7c812afb (kernel32.dll) in ledger.exe: Microsoft C++ exception: std::bad_alloc at memory location 0x0012f8d0..
      Unhandled exception at 0x00411a2f in ledger.exe: 0xC0000005: Access violation writing location 0x00000000.
      >	ledger.exe!Parser::next(int depth) Line 212	C++
      """
    let exception = try #require(decodeReport(text).exception)
    #expect(exception.code.rawValue == 0xc000_0005 && exception.address?.rawValue == 0x41_1a2f)
    #expect(exception.description == "Access violation writing location 0x00000000")
    let thrown = try #require(
      decodeReport("Exception thrown at 0x00007FFB1C2D3E4F (ntdll.dll) in My App.exe: 0xC0000374: A heap has been corrupted.\n").exception)
    #expect(thrown.code.rawValue == 0xc000_0374 && thrown.address?.rawValue == 0x7ffb_1c2d_3e4f)
    let cxx = try #require(decodeReport(String(text.split(separator: "\n")[0]) + "\n").exception)
    #expect(cxx.code.rawValue == 0xe06d_7363 && cxx.description?.hasPrefix("Microsoft C++ exception: std::bad_alloc") == true)
  }

  @Test("not an exception line", arguments: [
    "The code - code c0000005 was seen\n", "(1a2c.1b3c): Access violation - code c00005 (first chance)\n",
    "Access violation - code c0000005 was logged twice\n",
  ])
  func notAnEvent(_ text: String) {
    #expect(decodeReport(text + Self.listing).exception == nil)
  }
}
