//===--- RegisterDumpTests.swift - x86 and Alpha register dumps -------------===//

import CrashCore
import Testing

@Suite("Register dumps")
struct RegisterDumpTests {
  /// The registers of the one loose dump in `text`, decoded on their own.
  private func looseContext(_ text: String) -> RegisterContext? {
    decodeReport(text).threads.compactMap(\.context).first
  }

  @Test("ntsd / Dr. Watson x86 dumps with a flags line")
  func x86DrWatson() throws {
    let context = try #require(
      looseContext(
        """
        eax=00000000 ebx=0af8fc70 ecx=00000000 edx=07ad9838 esi=07ad9838 edi=0069578c
        eip=00432f9e esp=0af8fb70 ebp=0af8fb88 iopl=0         nv up ei pl zr na po nc
        cs=001b  ss=0023  ds=0023  es=0023  fs=0038  gs=0000             efl=00000246
        """))
    guard case .x86(let registers) = context else {
      Issue.record("expected x86 registers, got \(context)")
      return
    }
    #expect(registers[.eip] == 0x0043_2F9E)
    #expect(registers[.esp] == 0x0AF8_FB70)
    #expect(registers[.ebp] == 0x0AF8_FB88)
    #expect(registers[.edi] == 0x0069_578C)
    #expect(registers[.segCs] == 0x1B)
    #expect(registers[.eflags] == 0x246)
  }

  @Test("Windows 9x dumps: upper case, mixed with segments, EFLGS")
  func x86Win9x() throws {
    let context = try #require(
      looseContext(
        """
        EAX=010f04d8 CS=0137 EIP=7f7ef389 EFLGS=00010206
        EBX=815df4f4 SS=013f ESP=0062fb58 EBP=0062fd34
        ECX=0000000c DS=013f ESI=bff7eeed FS=25cf
        """))
    guard case .x86(let registers) = context else {
      Issue.record("expected x86 registers")
      return
    }
    #expect(registers[.eip] == 0x7F7E_F389)
    #expect(registers[.eflags] == 0x10206)
    #expect(registers[.segFs] == 0x25CF)
  }

  @Test("Alpha, 32-bit values (Dr. Watson NT 4.0)")
  func alphaThirtyTwoBit() throws {
    let context = try #require(
      looseContext(
        """
                v0=0016a7a8     t0=00000000     t1=00160000     t2=00390995
                a0=0582fb50     a1=00000001     a2=00000000     a3=00000000
                ra=603055a8     sp=0582fa80     fp=00000000     gp=6034c250
               fir=603049ac    psr=00000003
        """))
    guard case .alpha(let registers) = context else {
      Issue.record("expected Alpha registers")
      return
    }
    #expect(registers[.intV0] == 0x0016_A7A8)
    #expect(registers[.intA0] == 0x0582_FB50)
    #expect(registers[.intRa] == 0x6030_55A8)
    #expect(registers[.intSp] == 0x0582_FA80)
    #expect(registers[.fir] == 0x6030_49AC)
    #expect(registers[.psr] == 3)
  }

  @Test("Alpha, high and low halves printed apart (Dr. Watson NT 3.5x)")
  func alphaHalves() throws {
    let context = try #require(
      looseContext(
        """
          v0=00000000 39000003   t0=00000000 00000003   t1=00000000 00760065
          t9=ffffffff fffffff6  t10=00000000 00000000  t11=00000000 0000001b
          ra=00000000 0207d464   sp=00000000 00f7f6e0   fp=00000000 00000000
        """))
    guard case .alpha(let registers) = context else {
      Issue.record("expected Alpha registers")
      return
    }
    #expect(registers[.intV0] == 0x3900_0003)
    #expect(registers[.intT9] == 0xFFFF_FFFF_FFFF_FFF6)
    #expect(registers[.intRa] == 0x0207_D464)
    #expect(registers[.intSp] == 0x00F7_F6E0)
  }

  @Test("a low half is exactly eight digits ending at a blank, a `*` or the line's end")
  func alphaHalfBoundaries() throws {
    let context = try #require(
      looseContext(
        """
          v0=00000000 390000031   t0=00000000 00000003   t1=00000000 00760065*
          t2=00000000 0076006   t3=00000001 00000002
        """))
    guard case .alpha(let registers) = context else {
      Issue.record("expected Alpha registers")
      return
    }
    #expect(registers[.intV0] == 0)
    #expect(registers[.intT0] == 3)
    #expect(registers[.intT1] == 0x0076_0065)
    #expect(registers[.intT2] == 0)
    #expect(registers[.intT3] == 0x1_0000_0002)
  }

  @Test("an x86 value keeps its first eight digits")
  func x86ValueWidth() throws {
    let context = try #require(looseContext("eax=123456789 ebx=00000001 ecx=0000000a"))
    guard case .x86(let registers) = context else {
      Issue.record("expected x86 registers")
      return
    }
    #expect(registers[.eax] == 0x1234_5678)
    #expect(registers[.ebx] == 1)
    #expect(registers[.ecx] == 0xA)
  }

  @Test("Alpha, 64-bit values and run-together fields (dumpexam)")
  func alphaSixtyFourBit() throws {
    let context = try #require(
      looseContext(
        """
        v0=0000000077f9a440 t0=00000000ffffffff t1=000000000012feb4
        ra=0000000077f6e7a4 sp=000000000012fe80 fp=0000000000000000
        fpcr=0800000000000000SoftFpcr=0000000000000000 fir=0000000077f6e7c0
        """))
    guard case .alpha(let registers) = context else {
      Issue.record("expected Alpha registers")
      return
    }
    #expect(registers[.intT0] == 0xFFFF_FFFF)
    #expect(registers[.fpcr] == 0x0800_0000_0000_0000)
    #expect(registers[.softFpcr] == 0)
    #expect(registers[.fir] == 0x77F6_E7C0)
  }

  @Test("prose mentioning one register is not a dump")
  func proseIsNotADump() {
    let report = decodeReport(
      """
      The value in eax=0 tells you the call failed; look at the return value.
      """)
    #expect(report.threads.isEmpty)
  }
}
