//===--- SixtyFourBitDialectTests.swift - amd64 and arm64 listings ------------===//
//
// WinDbg's 64-bit listings, composed from the layouts the debugger documents
// and prints (`k`, `kn`, `kf`, `kb`/`kv`, inline frames, `!analyze -v`'s
// STACK_TEXT), and how their architecture is decided.
//
//===----------------------------------------------------------------------===//

import CrashCore
import StackText
import Testing

@Suite("amd64 and arm64 listings")
struct SixtyFourBitDialectTests {
  @Test("kn: Child-SP, RetAddr and the call site, backticked words read whole")
  func kn() throws {
    let report = decodeReport(
      """
      0:000> kn
       # Child-SP          RetAddr           Call Site
      00 0000005b`03acc5c0 00007ff9`b6288935 KERNELBASE!RaiseFailFastException+0x74
      01 0000005b`03accb90 00007ff9`b399654f combase!RoParameterizedTypeExtraGetTypeSignature+0x8db5
      02 0000005b`03acccd0 00007ff9`86112142 app!Widget::OnTimer+0x44 [c:\\src\\widget.cpp @ 200]
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .childSP)
    #expect(stack.architecture == .amd64)
    #expect(stack.frames.map(\.fp) == [0x5b_03ac_c5c0, 0x5b_03ac_cb90, 0x5b_03ac_ccd0])
    #expect(stack.frames.map(\.ret) == [0x7ff9_b628_8935, 0x7ff9_b399_654f, 0x7ff9_8611_2142])
    #expect(stack.frames.map(\.printedNumber) == [0, 1, 2])
    #expect(stack.frames[2].text == "app!Widget::OnTimer+0x44")
    #expect(stack.frames[2].sourceLine == SourceLine(file: "c:\\src\\widget.cpp", line: 200))
    // Frame 1's lookup address is frame 0's return address less one (amd64).
    #expect(stack.frames[1].instruction?.rawValue == 0x7ff9_b628_8934)
  }

  @Test("kb / kv and STACK_TEXT: the colon form, four home-space words")
  func argsToChild() throws {
    let listing = """
      Child-SP          RetAddr           : Args to Child                                                           : Call Site
      fffff880`009f6578 fffff800`02bc76d2 : 00000000`00000008 fffffa80`3333cb60 00000000`00000065 fffff800`02b10314 : nt!DbgBreakPointWithStatus
      fffff880`009f6580 fffff800`02bc84be : 00000000`00000003 00000000`00000000 fffff800`02b0cee0 00000000`0000007f : nt!KiBugCheckDebugBreak+0x12
      """
    let stackText = """
      STACK_TEXT:  
      ffff9302`588ef808 fffff800`70cfe1e5     : 00000000`000000f7 ffff9302`588f0c07 000009d3`c9bcc95a fffff62c`364336a5 : nt!KeBugCheckEx
      ffff9302`588ef810 fffff800`70bd71f2     : ffff9302`588ef8f8 ffff9302`588eff00 00000000`00000000 fffff800`6c27b180 : nt!_report_gsfailure+0x25


      SYMBOL_NAME:  nt!_report_gsfailure+25
      """
    for text in [listing, stackText] {
      let stack = try #require(decodeReport(text).stacks.first)
      #expect(stack.format == .childSPArgs)
      #expect(stack.architecture == .amd64)
      #expect(stack.frames.count == 2)
      #expect(stack.frames[0].parameters.count == 4)
      #expect(stack.frames[0].parameterSource == .homeSpace)
      #expect(stack.frames[1].text.hasPrefix("nt!K") || stack.frames[1].text.hasPrefix("nt!_report"))
    }
    let second = try #require(decodeReport(stackText).stacks.first)
    #expect(second.frames[0].parameters[2] == 0x9d3_c9bc_c95a)
  }

  @Test("STACK_TEXT of an x86 target: ChildEBP rows, three arguments")
  func stackTextX86() throws {
    let stack = try #require(
      decodeReport(
        """
        STACK_TEXT:  
        f78f2c6c 8052cd3a 0000001e c0000005 80537a44 nt!KeBugCheckEx+0x1b
        f78f3034 80545e03 f78f3050 00000000 f78f30a4 nt!KiDispatchException+0x3b1
        f78f309c 80545db4 f78f30a4 8053b9f2 badb0d00 nt!CommonDispatchException+0x4d
        """
      ).stacks.first)
    #expect(stack.format == .childEBPArgs)
    #expect(stack.architecture == .x86)
    #expect(stack.frames.count == 3)
    #expect(stack.frames[1].parameters == [0xf78f_3050, 0, 0xf78f_30a4])
  }

  @Test("kf: the Memory column is skipped, blank on the first row")
  func frameSizes() throws {
    let stack = try #require(
      decodeReport(
        """
         #   Memory  Child-SP          RetAddr           Call Site
        00           00000000`0012f518 00000000`77a2a1f5 ntdll!ZwWaitForSingleObject+0xa
        01         8 00000000`0012f520 000007fe`fd7a10dc KERNELBASE!WaitForSingleObjectEx+0x79
        02        a0 00000000`0012f5c0 00000001`3f6d1052 app!main+0x52
        """
      ).stacks.first)
    #expect(stack.frames.map(\.fp) == [0x12_f518, 0x12_f520, 0x12_f5c0])
    #expect(stack.frames.map(\.printedNumber) == [0, 1, 2])
    #expect(stack.frames[2].text == "app!main+0x52")
  }

  @Test("(Inline Function) rows are inline frames sharing the physical frame below")
  func inlineFrames() throws {
    let stack = try #require(
      decodeReport(
        """
         # Child-SP          RetAddr               Call Site
        00 0000005b`03acc5c0 00007ff9`b6288935     KERNELBASE!RaiseFailFastException+0x74
        01 (Inline Function) --------`--------     app!Widget::Refresh [c:\\src\\widget.cpp @ 120]
        02 0000005b`03accd10 00007ff9`b6186e1a     app!Widget::OnTimer+0x44 [c:\\src\\widget.cpp @ 200]
        03 0000005b`03accd40 00007ff9`9eaca4a0     combase!RoReportUnhandledError+0xea
        """
      ).stacks.first)
    #expect(stack.frames.count == 4)
    #expect(stack.frames[1].isInlined && !stack.frames[2].isInlined)
    #expect(stack.frames[1].framePointer == nil && stack.frames[1].returnAddress == nil)
    #expect(stack.frames[1].text == "app!Widget::Refresh")
    // The physical frame takes frame 0's return address; the inline frame shares it.
    #expect(stack.frames[2].instruction?.rawValue == 0x7ff9_b628_8934)
    #expect(stack.frames[1].instruction == stack.frames[2].instruction)
    #expect(stack.frames[3].instruction?.rawValue == 0x7ff9_b618_6e19)
  }

  @Test("x86 inline rows: (Inline) --------")
  func inlineX86() throws {
    let stack = try #require(
      decodeReport(
        """
         # ChildEBP RetAddr
        00 0012ff1c 00401234 app!crash+0x12
        01 (Inline) -------- app!helper [c:\\src\\app.c @ 12]
        02 0012ff40 77e8141a app!main+0x34
        """
      ).stacks.first)
    #expect(stack.architecture == .x86)
    #expect(stack.frames.map(\.isInlined) == [false, true, false])
    #expect(stack.frames[2].instruction?.rawValue == 0x0040_1233)
  }

  @Test("four-digit and wider frame numbers are rows (deep recursion)")
  func wideFrameNumbers() throws {
    let stack = try #require(
      decodeReport(
        """
         # ChildEBP RetAddr  Args to Child
        6dca 0759f360 09ddc1a3 0759f3a8 00000001 00000000 app!Recurse+0x13
        6dcb 0759f3a0 09ddc1a3 0759f3e8 00000001 00000000 app!Recurse+0x13
        6dcc 0759f3e0 7c80b729 00000000 00000000 00000000 app!ThreadProc+0x20
        """
      ).stacks.first)
    #expect(stack.frames.map(\.printedNumber) == [0x6dca, 0x6dcb, 0x6dcc])
    #expect(stack.frames[0].fp == 0x0759_f360)
  }

  @Test("arm64: by register dump, by a mention, and by alignment alone")
  func arm64() throws {
    let rows = """
       # Child-SP          RetAddr           Call Site
      00 0000003b`5c6ff0a0 00007ffd`1c2b3a14 ntdll!NtWaitForSingleObject+0x14
      01 0000003b`5c6ff0b0 00007ffd`19d4a7e8 KERNELBASE!WaitForSingleObjectEx+0xa4
      02 0000003b`5c6ff150 00007ff7`4b1a1030 app!WaitForWork+0x28
      03 0000003b`5c6ff180 00007ff7`4b1a2a64 app!Worker+0x30
      04 0000003b`5c6ff1c0 00007ffd`1b3c4dd0 app!ThreadStart+0x24
      05 0000003b`5c6ff200 00000000`00000000 ntdll!RtlUserThreadStart+0x40
      """
    let byAlignment = try #require(decodeReport(rows).stacks.first)
    #expect(byAlignment.architecture == .arm64)
    #expect(byAlignment.architectureEvidence.last?.contains("4-byte aligned") == true)
    // A 4-byte step back into the call, not 1.
    #expect(byAlignment.frames[1].instruction?.rawValue == 0x7ffd_1c2b_3a10)

    let registers = """
       x0=0000000000000000   x1=0000003b5c6ff0a0   x2=0000000000000000   x3=0000000000000000
       fp=0000003b5c6ff0a0   lr=00007ffd1c2b3a14   sp=0000003b5c6ff0a0   pc=00007ffd1c2e4f54
       # Child-SP          RetAddr           Call Site
      00 0000003b`5c6ff0a0 00007ffd`1c2b3a14 ntdll!NtWaitForSingleObject+0x14
      """
    #expect(try #require(decodeReport(registers).stacks.first).architecture == .arm64)

    let mention = """
      Windows 10 Kernel Version 22621 MP (8 procs) Free ARM 64-bit (AArch64)
       # Child-SP          RetAddr           Call Site
      00 0000003b`5c6ff0a0 00007ffd`1c2b3a14 ntdll!NtWaitForSingleObject+0x14
      """
    #expect(try #require(decodeReport(mention).stacks.first).architecture == .arm64)
  }

  @Test("a short amd64 listing without evidence is amd64, and says why")
  func amd64Default() throws {
    let stack = try #require(
      decodeReport(
        """
        Child-SP          RetAddr           Call Site
        00000000`0012f518 00000000`77a2a1f4 ntdll!ZwWaitForSingleObject+0xa
        """
      ).stacks.first)
    #expect(stack.architecture == .amd64)
    #expect(stack.architectureEvidence.last == "nothing points to arm64; amd64 is the usual 64-bit Windows")
  }

  @Test("a Child-SP listing of 8-digit columns is 32-bit ARM's, not 64-bit, and says why")
  func eightDigitChildSP() throws {
    let stack = try #require(
      decodeReport(
        """
        0:000> k
         # Child-SP RetAddr  Call Site
        00 0012e004 0f2400f1 app!Probe+0x10 [c:\\src\\probe.asm @ 65]
        01 0012ef68 0f2621f5 app!Widget::Run+0xbc
        02 0012ef80 0f2d4741 app!main+0x15
        """
      ).stacks.first)
    #expect(stack.format == .childSP)
    #expect(stack.architecture == .arm)
    #expect(stack.frames.count == 3)
    #expect(stack.architectureEvidence.first?.hasPrefix("the Child-SP listing's columns are 8 digits wide") == true)
  }

  @Test("a debugger warning printed at the end of a row is cut from the frame and noted")
  func warningGluedToRow() throws {
    let report = decodeReport(
      """
       # Child-SP          RetAddr           Call Site
      00 0000005b`03acc5c0 00007ff9`b6288935 app!Parse+0xbc*** WARNING: Unable to verify checksum for app.exe
      01 0000005b`03accb90 00007ff9`b399654f app!main+0x44
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.map(\.text) == ["app!Parse+0xbc", "app!main+0x44"])
    #expect(report.diagnostics.contains { $0.message.contains("a debugger message printed at the end of the row") && $0.line == 2 })
  }

  @Test("x86 stacks printed 16 digits wide stay x86")
  func widePrintedX86() throws {
    let stack = try #require(
      decodeReport(
        """
        0000000001b0f8e0  000000006f078019  CDO!FEqBin+0xa (FPO: [2,0,2])
        0000000001b0f95c  000000006f077b3b  CDO!CMessage__V_ScRespond+0x4c9 (FPO: [0,0,0])
        """
      ).stacks.first)
    #expect(stack.architecture == .x86)
  }
}
