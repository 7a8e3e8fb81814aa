//===--- ValgrindReportTests.swift - Valgrind's error reports --------------===//
//
// The fixture (Tests/Fixtures/pastes/valgrind-memcheck.txt) is composed in the
// layout Valgrind's Memcheck prints (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Valgrind reports")
struct ValgrindReportTests {
  @Test("Memcheck: each error's stack and its notes' stacks, the fatal signal's stack crashed, its address, the program's output between")
  func memcheck() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/valgrind-memcheck.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == [
      "Invalid read of size 8", "Address 0x4a4a048 is 8 bytes inside a block of size 40 free'd", "Block was alloc'd at",
      "Invalid read of size 4", "Process terminating with default action of signal 11 (SIGSEGV)",
      "16 bytes in 1 blocks are definitely lost in loss record 1 of 1",
    ])
    #expect(report.stacks.map(\.isCrashed) == [false, false, false, false, true, false])
    #expect(report.stacks.allSatisfy { $0.format == .valgrind && $0.architecture == .amd64 })
    let fatal = report.stacks[4]
    #expect(fatal.frames.map { $0.symbol?.function ?? "" } == ["ledger_close", "settle_day", "main"])
    #expect(fatal.frames[0].sourceLine == SourceLine(file: "ledger.c", line: 43) && fatal.frames[0].instruction?.rawValue == 0x109253)
    #expect(fatal.lines == LineRange(26, 30), "the heading's line starts the stack")
    #expect(report.exception?.code.rawValue == 11 && report.exception?.address?.rawValue == 0)
    #expect(report.exception?.description == "SIGSEGV, Access not within mapped region")
    #expect(report.system.first { $0.key == "Memory error" }?.value == "Memcheck: Invalid read of size 8")
    let freed = report.stacks[1].frames[0]
    #expect(freed.symbol?.module == "vgpreload_memcheck-amd64-linux.so" && freed.symbol?.function == "free" && freed.sourceLine == nil)
    let leak = report.stacks[5].frames
    #expect(leak[2].symbol?.function == "(below main)" && leak[3].symbol?.function == nil && leak[3].symbol?.module == "ledgersvc")
  }

  @Test("Helgrind: no fatal signal, the first error's stack crashed; C++ names with their argument lists")
  func helgrind() throws {
    let text = """
      ==4242== Helgrind, a thread error detector
      ==4242== Possible data race during write of size 8 at 0x10C0A8 by thread #3
      ==4242== Locks held: none
      ==4242==    at 0x109A2F: Ledger::post(Entry const&) (ledger.cpp:88)
      ==4242==    by 0x484F5F8: mythread_wrapper (hg_intercepts.c:406)
      ==4242==
      ==4242== This conflicts with a previous read of size 8 by thread #2
      ==4242== Locks held: none
      ==4242==    at 0x109A10: Ledger::balance() const (ledger.cpp:80)
      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 2 && report.stacks[0].isCrashed && report.exception == nil)
    #expect(report.stacks.map(\.label) == [
      "Possible data race during write of size 8 at 0x10C0A8 by thread #3", "This conflicts with a previous read of size 8 by thread #2",
    ], "`Locks held:` details the heading")
    #expect(report.stacks[0].frames[0].symbol?.function == "Ledger::post(Entry const&)")
    #expect(report.system.first { $0.key == "Memory error" }?.value == "Helgrind: Possible data race during write of size 8 at 0x10C0A8 by thread #3")
  }

  @Test("a line wrapped at a terminal's width is no reason to join Valgrind's lines: each starts with the process id")
  func samePrefixIsNoFragment() throws {
    let text = """
      ==7== Invalid free() / delete / delete[] / realloc()
      ==7==    at 0x484417B: free (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
      ==7==    by 0x109211: ledger_drop (ledger.c:37)
      ==7==  Address 0x4a4a040 is 0 bytes inside a block of size 40 free'd
      ==7==    at 0x484417B: free (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
      ==7==    by 0x109200: ledger_close (ledger.c:30)
      """
    let report = decodeReport(text)
    #expect(report.stacks.map(\.frames.count) == [2, 2])
  }

  @Test("markdown folded the indentation: notes and the fatal signal's address are still told apart by their words")
  func foldedIndentation() throws {
    let text = """
      ==4879== Invalid read of size 1
      ==4879== at 0x484ED16: strlen (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
      ==4879== by 0x10ECB7: ledger_release (main.c:1728)
      ==4879== Address 0x4b9bfc0 is 0 bytes inside a block of size 3 free'd
      ==4879== at 0x484B27F: free (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
      ==4879== by 0x10EC06: ledger_drop (main.c:1697)
      ==4879== Process terminating with default action of signal 11 (SIGSEGV)
      ==4879== Access not within mapped region at address 0x8
      ==4879== at 0x10ECC0: ledger_release (main.c:1730)
      """
    let report = decodeReport(text)
    #expect(report.stacks.map(\.label) == [
      "Invalid read of size 1", "Address 0x4b9bfc0 is 0 bytes inside a block of size 3 free'd",
      "Process terminating with default action of signal 11 (SIGSEGV)",
    ])
    #expect(report.stacks.map(\.isCrashed) == [false, false, true] && report.exception?.address?.rawValue == 8)
  }

  @Test("not Valgrind's", arguments: ["==12== \n", "==ab== Invalid read\n   at 0x1: f (a.c:1)\n", "==9345==ERROR: LeakSanitizer: detected memory leaks\n"])
  func notValgrind(_ text: String) {
    #expect(decodeReport(text).stacks.allSatisfy { $0.format != .valgrind })
  }
}
