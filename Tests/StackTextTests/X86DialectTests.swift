//===--- X86DialectTests.swift - The x86 row grammars of formats.md §2.1 ----===//

import CrashCore
import Testing

@Suite("x86 stack dialects")
struct X86DialectTests {
  @Test("FramePtr RetAddr Param1..3 rows (kd, kb on a user.dmp)")
  func framePtrRetAddr() throws {
    let report = decodeReport(
      """
      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
      0af8fb88  0043298e  cffa119e 07ad9838 0069578c EMSMTA!otpmralt+0x25
      0af8fbc0  00432781  07ad9838 0af8fc70 00000000 EMSMTA!otpmrdsp+0x1a3
      0af8ff74  77f04f2c  00000000 00000000 00000000 KERNEL32!BaseThreadStart+0x51
      """)
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1)
    #expect(stack.format == .framePtrRetAddr)
    #expect(stack.architecture == .x86)
    #expect(stack.frames.count == 3)
    #expect(stack.frames[0].fp == 0x0AF8_FB88)
    #expect(stack.frames[0].ret == 0x0043_298E)
    #expect(stack.frames[0].parameters == [0xCFFA_119E, 0x07AD_9838, 0x0069_578C])
    #expect(stack.frames[0].text == "EMSMTA!otpmralt+0x25")
    #expect(stack.frames[0].symbol?.module == "EMSMTA")
    #expect(stack.frames[0].symbol?.function == "otpmralt")
    #expect(stack.frames[0].symbol?.offset == 0x25)
    #expect(stack.frames[0].trust == .text)
    #expect(stack.frames[2].text == "KERNEL32!BaseThreadStart+0x51")
    // Frame 1 executes in the caller of frame 0: its lookup address is frame 0's return address - 1.
    #expect(stack.frames[1].instruction == Address(0x0043_298D))
    #expect(stack.lines == LineRange(1, 4))
  }

  @Test("Dr. Watson FramePtr ReturnAd Param#1..#4 rows with FPO text and no offsets")
  func framePtrReturnAd() throws {
    let report = decodeReport(
      """
      Stack Back Trace
      FramePtr ReturnAd Param#1  Param#2  Param#3  Param#4  Function Name
      0012fe3c 77f1cb3f 00000001 0012fe60 00000000 00000000 ntdll!DbgBreakPoint
      0012ff80 0040108e 00000000 00000000 7ffdf000 00000000 EMSMTA!otpuprse (FPO: Non-FPO [1,21,3])
      0012ffc0 77f1b304 00000000 00000000 7ffdf000 c0000005 kernel32!<nosymbols>
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .framePtrReturnAd)
    #expect(stack.frames.count == 3)
    #expect(stack.frames[1].parameters == [0, 0, 0x7FFD_F000, 0])
    #expect(stack.frames[1].text == "EMSMTA!otpuprse")
    #expect(stack.frames[1].symbol?.offset == nil)
    let fpo = try #require(stack.frames[1].annotations.first)
    guard case .nonFPO(let summary?) = fpo else {
      Issue.record("expected a Non-FPO annotation, got \(fpo)")
      return
    }
    #expect(summary.parameterDwords == 1)
    #expect(summary.localDwords == 21)
    #expect(summary.savedRegisters == 3)
    #expect(stack.frames[2].symbol?.module == "kernel32")
    #expect(stack.frames[2].symbol?.function == nil)
    #expect(stack.frames[2].symbol?.isUnresolved == true)
  }

  @Test("ChildEBP RetAddr Args to Child rows with FPO, trap frames and source lines (kv)")
  func childEBPArgs() throws {
    let report = decodeReport(
      """
      kd> kv
      ChildEBP RetAddr  Args to Child
      f7433b4c 8042c5a6 0000001e c0000005 8046a0ba ntoskrnl!KeBugCheckEx+0x19 (FPO: [5,0,0])
      f7433d34 8046a0ba f7433d50 00000000 f7433da4 ntoskrnl!KiDispatchException+0x2c7 (FPO: [EBP 0xf7433da4] [3,86,4])
      f7433d98 77f8c4cb 0006fd24 0006fcf8 0006fcfc ntoskrnl!KiTrap0E+0x27e (FPO: [0,0] TrapFrame @ f7433da4)
      0006fd3c 77e8f39e 00000001 0006fd6c 00000000 ntdll!RtlpWaitForCriticalSection+0x9e [D:\\nt\\private\\ntos\\rtl\\resource.c @ 1753]
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .childEBPArgs)
    #expect(stack.frames.count == 4)
    #expect(stack.frames[0].parameters == [0x1E, 0xC000_0005, 0x8046_A0BA])
    guard case .fpo(let plain) = stack.frames[0].annotations.first else {
      Issue.record("frame 0 lost its FPO data")
      return
    }
    #expect(plain.parameterDwords == 5)
    guard case .fpo(let withEBP) = stack.frames[1].annotations.first else {
      Issue.record("frame 1 lost its FPO data")
      return
    }
    #expect(withEBP.savedEBP == Address(0xF743_3DA4))
    #expect(withEBP.localDwords == 86)
    guard case .trapFrame(_, let trap) = stack.frames[2].annotations.first else {
      Issue.record("frame 2 lost its trap frame")
      return
    }
    #expect(trap == Address(0xF743_3DA4))
    #expect(stack.frames[3].sourceLine?.file == "D:\\nt\\private\\ntos\\rtl\\resource.c")
    #expect(stack.frames[3].sourceLine?.line == 1753)
    #expect(stack.frames[3].text == "ntdll!RtlpWaitForCriticalSection+0x9e")
  }

  @Test("ChildEBP RetAddr rows (k) carry no parameters")
  func childEBP() throws {
    let report = decodeReport(
      """
      ChildEBP RetAddr
      0012f9c4 77e8a2c1 ntdll!ZwWaitForSingleObject+0xb
      0012fa2c 0040152d KERNEL32!WaitForSingleObjectEx+0x71
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .childEBP)
    #expect(stack.frames.map(\.ret) == [0x77E8_A2C1, 0x0040_152D])
    #expect(stack.frames.allSatisfy { $0.parameters.isEmpty })
  }

  @Test("kvn frame numbers are kept and not mistaken for a column")
  func frameNumbers() throws {
    let report = decodeReport(
      """
       # ChildEBP RetAddr  Args to Child
      00 0006f9a4 77f88f03 00000002 0006f9f8 00000001 ntdll!ZwWaitForMultipleObjects+0xb
      01 0006fa1c 77f8b1c8 0006fa4c 00000000 00000000 KERNEL32!WaitForMultipleObjectsEx+0xea
      0a 0006fb70 77f7e7f6 00000000 00000000 00000000 MTA!Main+0x12
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.map(\.printedNumber) == [0, 1, 10])
    #expect(stack.frames[2].fp == 0x0006_FB70)
  }

  @Test("16-digit columns are read whole")
  func sixteenDigitColumns() throws {
    let report = decodeReport(
      """
      FramePtr         RetAddr          Param1           Param2           Param3           Function Name
      000000000012f8a4 0000000077f6f533 0000000000000000 0000000000000001 000000000012fa08 ntdll!NtWaitForSingleObject+0xb
      000000000012f8bc 000000000040163f 0000000000000224 00000000ffffffff 0000000000000000 KERNEL32!WaitForSingleObject+0xf
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].fp == 0x12F8A4)
    #expect(stack.frames[1].parameters == [0x224, 0xFFFF_FFFF, 0])
    #expect(stack.architecture == .x86)
  }

  @Test("rows copied without a header are still a stack")
  func headerlessRows() throws {
    let report = decodeReport(
      """
      The following is the stack of the failing thread:

      0b8af2d8 004127c1 00000001 0b8af38c 00000000 STORE!EcOpenTable+0x1f
      0b8af364 0074d2ba 01422dd4 00000000 0b8af3f0 STORE!EcGetJtabIDFromName+0x59
      0b8af3a0 0074c0d3 00000000 0b8af3f0 01422dd4 STORE!ScFindJtab+0x33

      More prose follows here.
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .headerless)
    #expect(stack.frames.count == 3)
    #expect(stack.frames[2].text == "STORE!ScFindJtab+0x33")
  }

  @Test("Stack trace: rows keep their real argument lists")
  func stackTraceWithArguments() throws {
    let report = decodeReport(
      """
      Stack trace:
      0b8af364  0074d2ba  STORE!EcGetJtabIDFromName+0x59(0x01422DD4, 0x00000000)
      0b8af3a0  0074c0d3  STORE!ScFindJtab+0x33(0x00000000)
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .returnAddressSymbolArgs)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].text == "STORE!EcGetJtabIDFromName+0x59")
    #expect(stack.frames[0].annotations.map(\.displayText) == ["(0x01422DD4, 0x00000000)"])
    #expect(stack.frames[0].parameters == [0x0142_2DD4, 0])
  }

  @Test("an unaligned return address proves x86 even without x86-only syntax")
  func alignmentSaysX86() throws {
    let report = decodeReport(
      """
      FramePtr RetAddr  Param1   Param2   Param3   Function Name
      0012fe3c 77f1cb3f 00000001 0012fe60 00000000 app!one+0x10
      0012fe80 77f1cb40 00000001 0012fe60 00000000 app!two+0x20
      0012fec0 77f1cb44 00000001 0012fe60 00000000 app!three+0x30
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .x86)
    #expect(!stack.architectureEvidence.isEmpty)
  }
}
