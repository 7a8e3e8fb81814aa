//===--- BreakpadStackwalkTests.swift - minidump_stackwalk's text output ----===//
//
// Composed from the layout Breakpad's stackwalk_common.cc prints (the shared
// fixture minidump2.stackwalk.out, real output, is read in CrashAnalysisTests
// against the walk of its dump): the four location forms, the registers and
// `Found by:` under each frame, inlined frames, threads, the crash and modules.
//
//===----------------------------------------------------------------------===//

import CrashCore
import StackText
import Testing

@Suite("minidump_stackwalk text")
struct BreakpadStackwalkTests {
  static let text = """
    Operating system: Windows NT
                      10.0.19045
    CPU: amd64
         family 6 model 158 stepping 10
         8 CPUs

    Crash reason:  EXCEPTION_ACCESS_VIOLATION_READ
    Crash address: 0x10

    Thread 3 (crashed)
     0  app.exe!Widget::Draw(int) [widget.cpp : 120 + 0x4]
        rax = 0x0000000000000000   rdx = 0x0000000000000010
        rip = 0x00007ff6a0011234   rsp = 0x000000e4c0aff900
        rbp = 0x000000e4c0aff980
        Found by: given as instruction pointer in context
     1  app.exe!Widget::Paint [widget.cpp : 88 + 0x9]
        Found by: inlining
     2  app.exe!Window::OnPaint + 0x2c
        rip = 0x00007ff6a0020abc   rsp = 0x000000e4c0aff990
        Found by: call frame info
     3  user32.dll + 0x1169
        rip = 0x00007ffe0f4e1169   rsp = 0x000000e4c0affa30
        Found by: stack scanning
     4  0x12345678
        rip = 0x0000000012345678   rsp = 0x000000e4c0affa80
        Found by: previous frame's frame pointer

    Thread 4
     0  ntdll.dll!NtWaitForSingleObject + 0x14
        rip = 0x00007ffe11c58014   rsp = 0x000000e4c0bff488
        Found by: given as instruction pointer in context

    Loaded modules:
    0x7ff6a0000000 - 0x7ff6a00fffff  app.exe  1.2.3.4  (main)
    0x7ffe0f4d0000 - 0x7ffe0f66ffff  user32.dll  ???

    """

  @Test("frames in the four location forms, with registers, trust and inlining")
  func frames() throws {
    let report = decodeReport(Self.text)
    #expect(report.stacks.count == 2)
    let crashed = try #require(report.stacks.first)
    #expect(crashed.format == .breakpadStackwalk)
    #expect(crashed.architecture == .amd64)
    #expect(crashed.isCrashed)
    #expect(crashed.label == "Thread 3 (crashed)")
    #expect(crashed.frames.map(\.text) == ["app!Widget::Draw(int)", "app!Widget::Paint", "app!Window::OnPaint+0x2c", "user32+0x1169", "0x12345678"])
    #expect(crashed.frames[0].sourceLine == SourceLine(file: "widget.cpp", line: 120))
    #expect(crashed.frames.map(\.trust) == [.context, .text, .cfi, .scan, .framePointer])
    #expect(crashed.frames[1].isInlined)
    #expect(crashed.frames[0].framePointer == Address(0xe4_c0af_f980))
    // The caller's instruction pointer is the callee's return address; lookups step back into the call.
    #expect(crashed.frames[0].returnAddress == Address(0x7ff6_a002_0abc))
    #expect(crashed.frames[0].instruction == Address(0x7ff6_a001_1234))
    #expect(crashed.frames[1].instruction == Address(0x7ff6_a002_0abb))
    #expect(crashed.frames[2].instruction == Address(0x7ff6_a002_0abb))
    #expect(crashed.frames[3].symbol?.moduleOffset == 0x1169)
    #expect(crashed.frames[4].symbol?.address == Address(0x1234_5678))
    let waiting = try #require(report.stacks.last)
    #expect(!waiting.isCrashed)
    #expect(waiting.frames.map(\.text) == ["ntdll!NtWaitForSingleObject+0x14"])
  }

  @Test("the crash, the CPU line and the loaded modules")
  func summary() throws {
    let report = decodeReport(Self.text)
    let exception = try #require(report.exception)
    #expect(exception.code == .accessViolation)
    #expect(exception.description == "EXCEPTION_ACCESS_VIOLATION_READ")
    #expect(exception.address == Address(0x10))
    #expect(report.stacks.first?.architectureEvidence == ["minidump_stackwalk's CPU line names amd64 (line 3)"])
    #expect(report.modules.map(\.name) == ["app", "user32"])
    #expect(report.modules.first?.size == 0x10_0000)
    #expect(report.modules.first?.version == "1.2.3.4")
    #expect(report.modules.last?.version == nil)
  }

  @Test("without a CPU line the registers decide; a stackwalk's registers are not read as a register dump")
  func registersDecide() throws {
    let report = decodeReport(
      """
      Thread 0
       0  kernel32.dll + 0x1337a
          eip = 0x762e337a   esp = 0x0d18ff90   ebp = 0x0d18ff94
          Found by: previous frame's frame pointer
       1  ntdll.dll + 0x392b2
          eip = 0x77c392b2   esp = 0x0d18ff9c   ebp = 0x0d18ffd4
          Found by: previous frame's frame pointer
      """)
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .x86)
    #expect(stack.frames.map(\.text) == ["kernel32+0x1337a", "ntdll+0x392b2"])
    #expect(stack.frames[0].returnAddress == Address(0x77c3_92b2))
  }

  @Test("32-bit ARM, by its CPU line or by its registers: a caller's instruction 2 bytes before its return address")
  func arm() throws {
    let frames = """
      Thread 0 (crashed)
       0  libapp.so!Crash [crash.c : 12 + 0x2]
           r4 = 0xffea6900    r5 = 0xffea68f0    r6 = 0xffea68f8    r7 = 0xffea6904
           sp = 0xffea68c0    lr = 0xaaaeb307    pc = 0xaaaeb306
          Found by: given as instruction pointer in context
       1  libapp.so!main [main.c : 40 + 0x5]
           r4 = 0xffea6900    r7 = 0xffea6f30    sp = 0xffea6f28    pc = 0xaab0a741
          Found by: call frame info
      """
    for text in ["CPU: arm\n     ARMv7 ARM Cortex-A15 features: swp,half,thumb\n     4 CPUs\n\n" + frames, frames] {
      let stack = try #require(decodeReport(text).stacks.first)
      #expect(stack.architecture == .arm)
      #expect(stack.frames.map(\.instruction) == [Address(0xaaae_b306), Address(0xaab0_a73f)])
      #expect(stack.frames[0].returnAddress == Address(0xaab0_a741))
    }
  }

  @Test("a negative source line (a damaged .sym) keeps the frame and drops the line")
  func negativeSourceLine() throws {
    let report = decodeReport(
      """
      Thread 0 (crashed)
       0  app.exe!Widget::Draw(int) [widget.cpp : -7 + 0x4]
          Found by: given as instruction pointer in context
       1  app.exe!Widget::Paint [widget.cpp : 88 + 0x9]
          Found by: call frame info
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.map(\.text) == ["app!Widget::Draw(int)", "app!Widget::Paint"])
    #expect(stack.frames[0].sourceLine == nil)
    #expect(stack.frames[1].sourceLine == SourceLine(file: "widget.cpp", line: 88))
    #expect(stack.frames.map(\.trust) == [.context, .cfi])
  }

  @Test("lines that only look like it stay out: a numbered list, prose about threads")
  func notStackwalk() {
    let report = decodeReport(
      """
      Thread 1 was busy when it happened.
      Steps:
       1  open the file
       2  press F5
      """)
    #expect(report.stacks.isEmpty)
  }
}
