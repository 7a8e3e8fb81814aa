//===--- RISCDialectTests.swift - Callee-SP and blue-screen tables ----------===//

import CrashCore
import Testing

@Suite("RISC stack dialects")
struct RISCDialectTests {
  @Test("Alpha disassembly with an eight-letter mnemonic (call_pal) is Alpha evidence for a listing next to it")
  func callPalDisassembly() throws {
    let report = decodeReport(
      """
      603049a8: 00000083 call_pal 0x83

      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
      0012f160  00401000  00000001 00000002 00000003 app!one+0x10
      0012f170  00401100  00000001 00000002 00000003 app!two+0x10
      0012f180  00401200  00000001 00000002 00000003 app!three+0x10
      0012f190  00401300  00000001 00000002 00000003 app!four+0x10
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .alpha)
    #expect(stack.architectureEvidence.contains { $0.contains("Alpha disassembly is nearby (line 1)") })
  }

  @Test("Callee-SP Return-RA : Call Site rows; Alpha lookups step back 4 bytes")
  func calleeSPReturnRA() throws {
    let report = decodeReport(
      """
      The Alpha server stopped with this stack:

        Callee-SP Return-RA  Call Site
        806d90f0 800b854c : ntkrnlmp!DbgBreakPointWithStatus+0x4
        806d90f0 800bfde0 : ntkrnlmp!KeBugCheckEx+0x254
        806d9620 800c2694 : ntkrnlmp!KiMemoryManagementException+0xf4
        806d9820 800c255c : ntkrnlmp!KiLookupFunctionEntry+0x74
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .calleeSPReturnRA)
    #expect(stack.architecture == .alpha)
    #expect(stack.frames.count == 4)
    #expect(stack.frames[1].fp == 0x806D_90F0)
    #expect(stack.frames[1].ret == 0x800B_FDE0)
    #expect(stack.frames[1].parameters.isEmpty)
    #expect(stack.frames[2].text == "ntkrnlmp!KiMemoryManagementException+0xf4")
    // Frame n runs in the function frame n-1 returns to: its lookup address is that return address - 4.
    #expect(stack.frames[1].instruction == Address(0x800B_8548))
    #expect(stack.frames[3].instruction == Address(0x800C_2690))
  }

  @Test("Callee-SP : Arguments to Callee rows hold four argument registers")
  func calleeSPArguments() throws {
    let report = decodeReport(
      """
      Callee-SP   Arguments to Callee                 Call Site
      809fba50 : 00000055 fbd6f00b 806e9e08 00000000 NT!KeBugCheckEx+0x2c
      809fbc38 : 00000001 809ab3f8 809ab3f8 80928c8c NT!KiPanicException+0x18
      809fbd58 : 00000001 809ab3f8 809ab3f8 80928c8c NT!RtlMoveMemory+0x1e0
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .calleeSPArguments)
    #expect(stack.frames.count == 3)
    #expect(stack.frames[0].parameters == [0x55, 0xFBD6_F00B, 0x806E_9E08, 0])
    #expect(stack.frames[0].returnAddress == nil)
    #expect(stack.frames[2].text == "NT!RtlMoveMemory+0x1e0")
    #expect(stack.frames.allSatisfy { $0.parameterSource == .registers })
  }

  @Test("blue-screen Callee-Sp Return -Ra Dll Base - Name rows")
  func blueScreenRISC() throws {
    let report = decodeReport(
      """
        Callee-Sp Return -Ra Dll Base - Name
        806d9e00 800c0364 : 80080000 - ntoskrnl.exe
        806d9f00 800c1234 : 80080000 - ntoskrnl.exe
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .blueScreenRISC)
    #expect(stack.architecture == .alpha)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].symbol?.module == "ntoskrnl.exe")
    #expect(stack.frames[0].symbol?.moduleBase == Address(0x8008_0000))
  }

  @Test("an Alpha register dump nearby decides an undecorated FramePtr block")
  func registerDumpDecidesAlpha() throws {
    let report = decodeReport(
      """
      State Dump for Thread Id 0xc4

              v0=0016a7a8     t0=00000000     t1=00160000     t2=00390995
              t3=00000000     t4=00000001     t5=00000000     t6=00000000
              ra=603055a8     sp=0582fa80     fp=00000000     fir=603049ac

      Stack Back Trace
      FramePtr ReturnAd Param#1  Param#2  Param#3  Param#4  Function Name
      0582fa80 603055a8 0582fb50 00000001 00000000 00000000 EMSMTA!otpmralt+0x24
      0582fac0 60306710 0582fb50 00000001 00000000 00000000 EMSMTA!otpmrdsp+0x70
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .alpha)
    #expect(stack.context?.architecture == .alpha)
    guard case .alpha(let registers) = stack.context else {
      Issue.record("expected Alpha registers")
      return
    }
    #expect(registers[.intRa] == 0x6030_55A8)
    #expect(registers[.intSp] == 0x0582_FA80)
    #expect(registers[.fir] == 0x6030_49AC)
    #expect(stack.frames[0].instruction == Address(0x6030_49AC))
    #expect(stack.frames[1].instruction == Address(0x6030_55A4))
  }
}
