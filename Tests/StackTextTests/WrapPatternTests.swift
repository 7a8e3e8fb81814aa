//===--- WrapPatternTests.swift - The wrap and damage patterns of §2.2 ------===//
//
// Each test is a small listing damaged the way an observed article was
// (formats.md §2.2 names the articles); the decoder must give back the frames
// a careful reader would count.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Testing

@Suite("Wrap and damage repairs")
struct WrapPatternTests {
  @Test("the function on the next line, after a hex-only row and a blank line")
  func functionOnNextLine() throws {
    let report = decodeReport(
      """
      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
      fef97dec 80107aea feffc040 ff0981d8 ff0981d8

      sfmatalk!_AtalkDispatchClose+0x51
      fef97e10 80132c4d 00000000 ff0981d8 00000000
      NT!IopCloseFile+0x1a0
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].text == "sfmatalk!_AtalkDispatchClose+0x51")
    #expect(stack.frames[0].parameters == [0xFEFF_C040, 0xFF09_81D8, 0xFF09_81D8])
    #expect(stack.frames[1].text == "NT!IopCloseFile+0x1a0")
    #expect(stack.frames[1].lines == LineRange(5, 6))
  }

  @Test("offset digits carried to the next line")
  func offsetDigitsOnNextLine() throws {
    let report = decodeReport(
      """
      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
      fef97dec 80107aea feffc040 ff0981d8 ff0981d8
      sfmatalk!_AtalkDispatchClose+0x5
      1
      fef97e10 80132c4d 00000000 ff0981d8 00000000 NT!IopCloseFile+0x1a0
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].symbol?.offset == 0x51)
  }

  @Test("the FPO annotation on its own line, and cut in the middle of a number")
  func annotationOnNextLine() throws {
    let report = decodeReport(
      """
      ChildEBP RetAddr  Args to Child
      f7433b4c 8042c5a6 0000001e c0000005 8046a0ba ntoskrnl!KeBugCheckEx+0x19
      (FPO: [5,0,0])
      f7433d34 8046a0ba f7433d50 00000000 f7433da4 ntoskrnl!KiDispatchException+0x2c7 (FPO: [EBP 0x000
      0004] [3,86,4])
      f7433d98 77f8c4cb 0006fd24 0006fcf8 0006fcfc ntoskrnl!KiTrap0E+0x27e
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 3)
    #expect(stack.frames[0].annotations.map(\.displayText) == ["(FPO: [5,0,0])"])
    guard case .fpo(let summary) = stack.frames[1].annotations.first else {
      Issue.record("the cut FPO annotation was lost: \(stack.frames[1].annotations)")
      return
    }
    #expect(summary.savedEBP == Address(0x0004))
    #expect(summary.savedRegisters == 4)
  }

  @Test("a decorated C++ name cut in the middle of a token")
  func decoratedNameCut() throws {
    let report = decodeReport(
      """
      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
        064ffdc8  77e12b98  001439a0 064ffe68 064ffe08
        RPCRT4!?DealWithRequestMessage@WMSG_SASSOCIATION@@QAEXPAT_WMSG_
        MESSAGE@@0PAU_RPC_MESSAGE@@PAPAVWMSG_SBINDING@@IHH@Z+0x182
        064ffe40  77e15fff  001439a0 064ffe68 00000000
        RPCRT4!?DealWithLRPCRequest@WMSG_ADDRESS@@AAEPAT_WMSG_MESSAGE@@PAT2@0HPAVWMSG_ASSOCIATION@@@Z+0xab
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(
      stack.frames[0].symbol?.function
        == "?DealWithRequestMessage@WMSG_SASSOCIATION@@QAEXPAT_WMSG_MESSAGE@@0PAU_RPC_MESSAGE@@PAPAVWMSG_SBINDING@@IHH@Z")
    #expect(stack.frames[0].symbol?.offset == 0x182)
  }

  @Test("a function name cut in the middle of a word")
  func nameCutMidWord() throws {
    let report = decodeReport(
      """
      FramePtr ReturnAd Param#1  Param#2  Param#3  Param#4  Function Name
      06dbff80 77f04f3f 00000001 00000000 00000000 00b942b8 l
      ocalspl!PortThread (FPO: Non-FPO [1,140,3])
      06dbffec 00000000 00000000 00000000 00000000 00000000 kernel32!<nosymbols>
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].text == "localspl!PortThread")
    #expect(stack.frames[0].parameters == [1, 0, 0, 0x00B9_42B8])
  }

  @Test("a module and its function split after `!` or `::`")
  func moduleSplitFromFunction() throws {
    let report = decodeReport(
      """
      FramePtr ReturnAd Param#1  Param#2  Param#3  Param#4  Function Name
      0012fa10 71713f5c 00000000 00000001 0012fa40 00000000 COMCTL32!
      CreateMappedBitmap
      0012fa48 6a2b1c3d 00000000 00000001 0012fa40 00000000 store!JSES_BASE::
      FreeLockid [omap] (FPO: [2,0,0])
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].text == "COMCTL32!CreateMappedBitmap")
    #expect(stack.frames[1].text == "store!JSES_BASE::FreeLockid")
    #expect(stack.frames[1].annotations.map(\.displayText) == ["[omap]", "(FPO: [2,0,0])"])
  }

  @Test("hex columns split over two lines")
  func columnsSplit() throws {
    let report = decodeReport(
      """
      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
      0012f8a4 77f6f533 00000000
      00000001 0012fa08 ntdll!NtWaitForSingleObject+0xb
      0012f8bc 0040163f 00000224 ffffffff 00000000 KERNEL32!WaitForSingleObject+0xf
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].parameters == [0, 1, 0x0012_FA08])
    #expect(stack.frames[0].text == "ntdll!NtWaitForSingleObject+0xb")
  }

  @Test("a header split over two lines, and a header merged with the first row")
  func headerDamage() throws {
    let split = decodeReport(
      """
      FramePtr ReturnAd Param#1  Param#2  Param#3  Param#4
      Function Name
      0012fe3c 77f1cb3f 00000001 0012fe60 00000000 00000000 ntdll!DbgBreakPoint
      """)
    #expect(split.stacks.first?.format == .framePtrReturnAd)
    #expect(split.stacks.first?.frames.count == 1)
    let merged = decodeReport(
      """
      FramePtr ReturnAd Param#1 Param#2 Param#3 Param#4 Function Name 0012fe3c 77f1cb3f 00000001 0012fe60 00000000 00000000 ntdll!DbgBreakPoint
      0012ff80 0040108e 00000000 00000000 7ffdf000 00000000 EMSMTA!otpuprse
      """)
    let stack = try #require(merged.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].text == "ntdll!DbgBreakPoint")
  }

  @Test("debugger noise inside a block is skipped, not decoded")
  func noiseLines() throws {
    let report = decodeReport(
      """
      kd> kv
      ChildEBP RetAddr  Args to Child
      WARNING: Stack unwind information not available. Following frames may be wrong.
      f7433b4c 8042c5a6 0000001e c0000005 8046a0ba ntoskrnl!KeBugCheckEx+0x19
      KD: Unable to load symbols for foo.sys
      f7433d34 8046a0ba f7433d50 00000000 f7433da4 foo+0x2c7
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    // Without a `!` the name is ambiguous (a module with no symbols, or a function
    // with no module); it is kept as printed.
    #expect(stack.frames[1].text == "foo+0x2c7")
    #expect(stack.frames[1].ret == 0x8046_A0BA)
  }

  @Test("a garbled join of a symbol and the next row keeps the symbol and its offset")
  func garbledJoin() throws {
    let report = decodeReport(
      """
      FramePtr  RetAddr   Param1   Param2   Param3   Function Name
        064fff90  77e162f0  77e163e5 00152640 064fffec
        RPCRT4!?ReceiveLotsaCalls@WMSG_ADDRESS@@AAEXXZ+0x38001545f0 062effec
        RPCRT4!?ReceiveLotsaCalls@WMSG_ADDRESS@@AAEXXZ+0x38
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.first?.text == "RPCRT4!?ReceiveLotsaCalls@WMSG_ADDRESS@@AAEXXZ+0x38")
  }

  @Test("HTML markup and entities inside frames are removed before parsing")
  func markupInFrames() throws {
    let report = decodeReport(
      """
      FramePtr&nbsp; RetAddr&nbsp;&nbsp; Param1&nbsp;&nbsp; Param2&nbsp;&nbsp; Param3&nbsp;&nbsp; Function Name<BR/>
      0af8fb88 0043298e cffa119e 07ad9838 0069578c EMSMTA!<B>MtaQueueAdd</B>+0x51<BR/>
      0af8fbc0 00432781 07ad9838 0af8fc70 00000000 EMSMTA!&amp;lt;nosymbols&amp;gt;<BR/>
      """)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(stack.frames[0].text == "EMSMTA!MtaQueueAdd+0x51")
    #expect(stack.frames[1].symbol?.isUnresolved == true)
  }

  @Test("stray spaces inside a module name")
  func straySpaces() throws {
    let report = decodeReport(
      """
      FramePtr ReturnAd Param#1  Param#2  Param#3  Param#4  Function Name
      0012fe3c 77f1cb3f 00000001 0012fe60 00000000 00000000 tn3   servr!<nosymbols>
      """)
    #expect(report.stacks.first?.frames.first?.symbol?.module == "tn3servr")
  }
}
