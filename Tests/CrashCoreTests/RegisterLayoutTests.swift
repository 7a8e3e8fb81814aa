//===--- RegisterLayoutTests.swift - Registers sit at their CONTEXT offsets -===//
//
// The offsets are those of winnt.h's CONTEXT for i386 and Alpha (formats.md
// §6.5 and §7); minidump contexts will be read through them.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Testing

@Suite("Register layouts")
struct RegisterLayoutTests {
  @Test(
    "i386 registers sit at their CONTEXT offsets",
    arguments: [
      (X86Register.dr0, 0x04), (.segGs, 0x8C), (.edi, 0x9C), (.eax, 0xB0), (.ebp, 0xB4),
      (.eip, 0xB8), (.segCs, 0xBC), (.eflags, 0xC0), (.esp, 0xC4), (.segSs, 0xC8),
    ])
  func x86Offsets(register: X86Register, offset: Int) {
    #expect(register.rawValue == offset)
  }

  @Test(
    "Alpha registers sit at their CONTEXT offsets",
    arguments: [
      (AlphaRegister.fltF0, 0x000), (.fltF31, 0x0F8), (.intV0, 0x100), (.intFp, 0x178),
      (.intA0, 0x180), (.intRa, 0x1D0), (.intGp, 0x1E8), (.intSp, 0x1F0), (.intZero, 0x1F8),
      (.fpcr, 0x200), (.fir, 0x210), (.psr, 0x218),
    ])
  func alphaOffsets(register: AlphaRegister, offset: Int) {
    #expect(register.rawValue == offset)
  }

  @Test("cases are declared in CONTEXT order without overlaps")
  func orderAndWidth() {
    for registers in [X86Register.allCases.map { ($0.rawValue, $0.byteWidth) },
                      AlphaRegister.allCases.map { ($0.rawValue, $0.byteWidth) }] {
      for (first, second) in zip(registers, registers.dropFirst()) {
        #expect(first.0 + first.1 <= second.0, "register at \(first.0) overlaps the one at \(second.0)")
      }
    }
  }

  @Test("the special registers are the conventional ones")
  func roles() {
    #expect(X86Register.instructionPointer == .eip)
    #expect(X86Register.stackPointer == .esp)
    #expect(X86Register.framePointer == .ebp)
    #expect(AlphaRegister.instructionPointer == .fir)
    #expect(AlphaRegister.stackPointer == .intSp)
    #expect(AlphaRegister.returnAddress == .intRa)
    #expect(AlphaRegister.argumentRegisters.first == .intA0)
  }

  @Test("registers are found by the names dumps print", arguments: ["eax", "EAX", "Eip", "efl"])
  func x86Names(name: String) {
    #expect(X86Register(name: name) != nil)
  }

  @Test("Alpha registers answer to their software and numbered names")
  func alphaNames() {
    #expect(AlphaRegister(name: "ra") == .intRa)
    #expect(AlphaRegister(name: "sp") == .intSp)
    #expect(AlphaRegister(name: "fir") == .fir)
    #expect(AlphaRegister(name: "a0") == .intA0)
    #expect(AlphaRegister(name: "nonsense") == nil)
  }

  @Test("a register file answers for the roles")
  func registerFile() {
    var file = RegisterFile<AlphaRegister>()
    file[.fir] = 0x77F3_1234
    file[.intSp] = 0x0012_F000
    file[.intRa] = 0x77F3_0F00
    let context = RegisterContext.alpha(file)
    #expect(context.architecture == .alpha)
    #expect(context.instructionPointer == 0x77F3_1234)
    #expect(context.stackPointer == 0x0012_F000)
    #expect(file.returnAddressRegister == 0x77F3_0F00)
    #expect(context.namedValues.map(\.name).contains("ra"))
  }
}
