//===--- BreakpadMachineReadableTests.swift - minidump_stackwalk -m ---------===//
//
// Composed from the layout Breakpad's stackwalk_common.cc prints for `-m`
// (PrintProcessStateMachineReadable): the four location forms, threads by number,
// the crashed thread, modules with their debug ids, the crash, a process that did not
// crash, and lines that are no such record. The shared fixture
// minidump2.stackwalk.machine_readable.out (real output) is read in CrashAnalysisTests
// against the human-readable output of the same walk.
//
//===----------------------------------------------------------------------===//

import CrashCore
import StackText
import Testing

@Suite("minidump_stackwalk -m")
struct BreakpadMachineReadableTests {
  static let text = """
    OS|Linux|0.0.0 Linux 5.15.0 #1 SMP x86_64
    CPU|amd64|family 6 model 158 stepping 10|8
    GPU|||
    Crash|SIGSEGV /SEGV_MAPERR|0x10|1
    Module|app||app|BBA6FA10B8AAB33D0000000000000000|0x55d0c0000000|0x55d0c00fffff|1
    Module|libc.so.6||libc.so.6|1F8E3AC2F0D9E4A0B5C6D7E8F9A0B1C20|0x7f3a10000000|0x7f3a101fffff|0

    1|0|app|Widget::Draw(int)|/src/widget.cpp|120|0x4
    1|1|app|Window::OnPaint()|||0x2c
    1|2|libc.so.6||||0x29d90
    1|3|||||0x12345678
    2|0|libc.so.6|__GI___poll|||0x4d
    """

  @Test("frames in the four location forms, threads by number, the crashed one named")
  func frames() throws {
    let report = decodeReport(Self.text)
    #expect(report.stacks.count == 2)
    let crashed = try #require(report.stacks.first)
    #expect(crashed.format == .breakpadStackwalk)
    #expect(crashed.architecture == .amd64)
    #expect(crashed.isCrashed)
    #expect(crashed.label == "Thread 1 (crashed)")
    #expect(crashed.frames.map(\.text) == ["app!Widget::Draw(int)", "app!Window::OnPaint()+0x2c", "libc.so.6+0x29d90", "0x12345678"])
    #expect(crashed.frames[0].sourceLine == SourceLine(file: "/src/widget.cpp", line: 120))
    #expect(crashed.frames[2].symbol?.moduleOffset == 0x29d90)
    #expect(crashed.frames[3].symbol?.address == Address(0x1234_5678))
    #expect(crashed.frames.map(\.printedNumber) == [0, 1, 2, 3])
    let other = try #require(report.stacks.last)
    #expect(!other.isCrashed)
    #expect(other.label == "Thread 2")
    #expect(other.frames.map(\.text) == ["libc.so.6!__GI___poll+0x4d"])
  }

  @Test("modules with their debug files and ids; the crash's reason and address")
  func modulesAndCrash() throws {
    let report = decodeReport(Self.text)
    #expect(report.modules.count == 2)
    let libc = try #require(report.modules.last)
    #expect(libc.name == "libc.so.6")
    #expect(libc.base == Address(0x7f3a_1000_0000))
    #expect(libc.size == 0x20_0000)
    #expect(libc.debugFile == "libc.so.6")
    #expect(libc.debugIdentifier == "1F8E3AC2F0D9E4A0B5C6D7E8F9A0B1C20")
    // A POSIX signal is no Windows exception: the frames stand without one.
    #expect(report.exception == nil)
    let windows = decodeReport(
      "CPU|x86||1\nCrash|EXCEPTION_ACCESS_VIOLATION_WRITE|0x45|0\n\n0|0|test_app.exe|main|c:\\test_app.cc|65|0x5\n")
    #expect(windows.exception?.code == .accessViolation)
    #expect(windows.exception?.address == Address(0x45))
    #expect(windows.stacks.first?.architecture == .x86)
    #expect(windows.stacks.first?.frames.first?.text == "test_app!main")
  }

  @Test("a process that did not crash: no thread is the crashed one")
  func noCrash() throws {
    let report = decodeReport("CPU|arm64||4\nCrash|No crash||\n\n0|0|app|main|||0x10\n")
    #expect(report.exception == nil)
    let thread = try #require(report.stacks.first)
    #expect(!thread.isCrashed)
    #expect(thread.architecture == .arm64)
  }

  @Test("lines that are no record of the form are not frames: a wrong field count, a word for a number")
  func notRecords() {
    let report = decodeReport("0|0|app|main|||\n0|x|app|main|||0x10\n0|0|app|main|||0x10|extra\nModule|app|0x1\n")
    #expect(report.stacks.isEmpty)
    #expect(report.modules.isEmpty)
  }

  @Test("Module lines of one length are not taken for a hard-wrapped text")
  func notHardWrapped() {
    // Lines 2 and 4 share the longest length; each is followed by a shorter Module line.
    let text = """
      CPU|x86||1
      Module|advapi32.dll|5.1.2600.2180|advapi32.pdb|455D6C5F184D45BBB5C5F30F829751142|0x77dd0000|0x77e6afff|0
      Module|rpcrt4.dll|5.1.2600.2180|rpcrt4.pdb|BEA45A721DA141DAA3BA86B3A20311532|0x77e70000|0x77f00fff|0
      Module|kernel32.dll|5.1.2600.2945|kernel32.pdb|BCE8785C57B44245A669896B6A19B9542|0x7c800000|0x7c8f3fff|0
      Module|ntdll.dll|5.1.2600.2180|ntdll.pdb|36515FB5D04345E491F672FA2E2878C02|0x7c900000|0x7c9affff|0

      0|0|kernel32.dll|BaseProcessStart|||0x23
      """
    let report = decodeReport(text)
    #expect(report.modules.map(\.name) == ["advapi32", "rpcrt4", "kernel32", "ntdll"])
    #expect(report.stacks.first?.frames.map(\.text) == ["kernel32!BaseProcessStart+0x23"])
  }
}
