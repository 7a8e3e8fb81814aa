//===--- DrMemoryReportTests.swift - Dr. Memory's error reports --------------===//
//
// The fixture (Tests/Fixtures/pastes/drmemory-results.txt) is composed in the
// layout Dr. Memory's results.txt has (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Dr. Memory reports")
struct DrMemoryReportTests {
  @Test("results.txt: each error a thread, the first that is no leak crashed, its thread id, x86 from the addresses")
  func results() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/drmemory-results.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == [
      "UNADDRESSABLE ACCESS: reading 0x00000010-0x00000014 4 byte(s)", "LEAK 16 direct bytes 0x01a0b1c8-0x01a0b1d8 + 0 indirect bytes",
    ])
    #expect(report.stacks.map(\.isCrashed) == [true, false] && report.stacks.allSatisfy { $0.format == .drMemory && $0.architecture == .x86 })
    let frames = report.stacks[0].frames
    #expect(report.stacks[0].id == 7012 && report.stacks[0].lines == LineRange(7, 14))
    #expect(frames[0].symbol?.module == "ledgersvc" && frames[0].symbol?.function == "Ledger::Close")
    #expect(frames[0].sourceLine == SourceLine(file: "c:\\src\\ledger\\ledger.cpp", line: 42))
    #expect(frames[4].symbol?.module == "KERNEL32" && frames[4].symbol?.offset == 0x18 && frames[4].instruction?.rawValue == 0x76f9_fcc9)
    #expect(report.system.first { $0.key == "Memory error" }?.value == "Dr. Memory: UNADDRESSABLE ACCESS: reading 0x00000010-0x00000014 4 byte(s)")
  }

  @Test("the console's copy: ~~Dr.M~~ before each line, MinGW's names without module, a frame in no module, amd64")
  func console() throws {
    let text = """
      ~~Dr.M~~ Dr. Memory version 2.5.0
      ~~Dr.M~~
      ~~Dr.M~~ Error #1: UNADDRESSABLE ACCESS beyond top of stack: reading 0x0000000000aafbf0-0x0000000000aafbf8 8 byte(s)
      ~~Dr.M~~ # 0 ___chkstk_ms                            [../../../../src/gcc-4.6.1/libgcc/../gcc/config/i386/cygwin.asm:153]
      ~~Dr.M~~ # 1 ledger_settle                           [C:/src/ledger/settle.c:12]
      ~~Dr.M~~ # 2 <not in a module>                       (0x00000000004015a0)
      ~~Dr.M~~ # 3 KERNEL32.dll!BaseThreadInitThunk
      ~~Dr.M~~ Note: @0:00:00.188 in thread 3300
      ~~Dr.M~~
      ~~Dr.M~~ Error `#2`: INVALID HEAP ARGUMENT: free 0x0000000000a0b1c8
      ~~Dr.M~~ #0 replace_free                            [d:/drmemory/common/alloc_replace.c:2710]
      ~~Dr.M~~ #1 ledger_close                            [C:/src/ledger/ledger.c:40]
      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 2 && report.stacks[0].isCrashed && report.stacks[0].architecture == .amd64)
    let frames = report.stacks[0].frames
    #expect(frames[0].symbol?.module == nil && frames[0].symbol?.function == "___chkstk_ms")
    #expect(frames[2].symbol?.function == nil && frames[2].symbol?.address?.rawValue == 0x4015a0)
    #expect(frames[3].symbol?.module == "KERNEL32" && report.stacks[0].id == 3300)
    #expect(report.stacks[1].frames.map { $0.symbol?.function ?? "" } == ["replace_free", "ledger_close"], "GitHub's `#2` and the older `#0`")
  }

  @Test("freed blocks' notes: the stack that freed them a thread of its own; program output between console lines")
  func freedStacks() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/drmemory-console-freed.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == [
      "UNADDRESSABLE ACCESS of freed memory: reading 0x00007f3a10201220-0x00007f3a10201224 4 byte(s)",
      "0x00007f3a10201220-0x00007f3a10201224 overlaps memory 0x00007f3a10201220-0x00007f3a10201228 that was freed here",
      "INVALID HEAP ARGUMENT to free 0x00007f3a10201250", "memory was previously freed here",
      "LEAK 64 direct bytes 0x00007f3a10201280-0x00007f3a102012c0 + 0 indirect bytes",
    ])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false, false, false])
    #expect(report.stacks[1].frames.map { $0.symbol?.function ?? "" } == ["replace_free", "ledger_close", "main"])
    #expect(report.stacks[1].frames[1].sourceLine == SourceLine(file: "ledger.c", line: 29))
    #expect(report.stacks[3].lines == LineRange(18, 21) && report.stacks[4].lines == LineRange(25, 28))
    #expect(report.stacks.allSatisfy { $0.architecture == .amd64 })
  }

  @Test("not Dr. Memory's", arguments: ["Error #1 happened\n# 0 x\n", "Error #x: UNADDRESSABLE ACCESS\n# 0 a!b\n"])
  func notDrMemory(_ text: String) {
    #expect(decodeReport(text).stacks.allSatisfy { $0.format != .drMemory })
  }
}
