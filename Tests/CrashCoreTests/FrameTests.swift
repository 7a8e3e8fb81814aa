//===--- FrameTests.swift - Frames, symbols and lookup addresses -------------===//

import CrashCore
import Testing

@Suite("Frames")
struct FrameTests {
  @Test("return addresses step back into the call: 1 byte on x86, 4 on Alpha")
  func callerLookupAddress() {
    let frame = StackFrame(index: 0, returnAddress: Address(0x0043_2F9E), trust: .text)
    #expect(frame.callerLookupAddress(on: .x86) == Address(0x0043_2F9D))
    #expect(frame.callerLookupAddress(on: .alpha) == Address(0x0043_2F9A))
    #expect(frame.callerLookupAddress(on: .unknown) == nil)
    let end = StackFrame(index: 1, returnAddress: Address(0), trust: .text)
    #expect(end.callerLookupAddress(on: .x86) == nil)
    let low = StackFrame(index: 1, returnAddress: Address(2), trust: .text)
    #expect(low.callerLookupAddress(on: .alpha) == nil)
  }

  @Test("instruction addresses come from the context, then from the previous frame's return address")
  func assignInstructionAddresses() {
    var frames = [
      StackFrame(index: 0, returnAddress: Address(0x7700_1008), trust: .text),
      StackFrame(index: 1, returnAddress: Address(0x7700_2010), trust: .text),
      StackFrame(index: 2, returnAddress: Address(0), trust: .text),
    ]
    CallStack.assignInstructionAddresses(&frames, architecture: .alpha, contextInstructionPointer: 0x7700_0100)
    #expect(frames.map(\.instruction) == [Address(0x7700_0100), Address(0x7700_1004), Address(0x7700_200C)])
  }

  @Test(
    "symbols print in the WinDbg form",
    arguments: [
      (FrameSymbol(module: "EMSMTA", function: "otpmralt", offset: 0x25), "EMSMTA!otpmralt+0x25"),
      (FrameSymbol(module: "ntdll", function: "KiUserExceptionDispatcher"), "ntdll!KiUserExceptionDispatcher"),
      (FrameSymbol(module: "advapi32", isUnresolved: true), "advapi32!<no symbol>"),
      (FrameSymbol(address: Address(0x1021_C7B0)), "0x1021c7b0"),
      (FrameSymbol(module: "MSEIDRDA", moduleOffset: 0x150B1), "MSEIDRDA+0x150b1"),
      (FrameSymbol(module: "store", offset: 4, address: Address(0x439929)), "store!0x00439929+0x4"),
    ])
  func displayText(symbol: FrameSymbol, expected: String) {
    #expect(symbol.displayText == expected)
  }

  @Test("modules know their stem and extent")
  func modules() {
    let module = CodeModule(name: "D:\\exchsrvr\\bin\\EMSMTA.EXE", base: Address(0x40_0000), size: 0x1A_0000)
    #expect(module.stem == "EMSMTA")
    #expect(module.contains(Address(0x40_0000)))
    #expect(module.contains(Address(0x59_FFFF)))
    #expect(!module.contains(Address(0x5A_0000)))
    let unsized = CodeModule(name: "ntdll.dll", base: Address(0x77F0_0000))
    #expect(!unsized.contains(Address(0x77F0_0001)))
    let overflowing = CodeModule(name: "x", base: Address(UInt64.max - 1), size: 16)
    #expect(overflowing.end == nil)
  }

  @Test("exception codes have their NT names")
  func exceptionNames() {
    #expect(ExceptionCode.accessViolation.name == "EXCEPTION_ACCESS_VIOLATION")
    #expect(ExceptionCode(rawValue: 0xC000_0094).name == "EXCEPTION_INT_DIVIDE_BY_ZERO")
    #expect(ExceptionCode(rawValue: 0x1234_5678).name == nil)
    #expect(ExceptionCode(rawValue: 0x1234_5678).displayText == "0x12345678")
  }
}
