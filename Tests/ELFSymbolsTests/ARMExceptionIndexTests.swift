//===--- ARMExceptionIndexTests.swift - EHABI unwind tables as STACK CFI -----===//
//
// The opcode interpreter against hand-worked sequences of the EHABI's table
// (ARM IHI 0038, "Frame unwinding instructions"), including the frame-pointer
// form Android's Thumb code uses; and the tables of a Thumb library built here
// (Tests/Fixtures/elf/arm_frames_exidx.so) against the .debug_frame of the same
// code built with -g (arm_frames.so): after each prologue, where every call is,
// both must give the same rules.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Testing

@testable import ELFSymbols

@Suite("ARM EHABI unwind tables")
struct ARMExceptionIndexTests {
  @Test(
    "opcodes to rules",
    arguments: [
      ([0xB0], ".cfa: sp 0 + .ra: lr"),  // finish: a leaf
      ([0xA8, 0xB0], ".cfa: sp 8 + .ra: .cfa -4 + ^ r4: .cfa -8 + ^"),  // pop {r4, r14}
      ([0x01, 0xA8], ".cfa: sp 16 + .ra: .cfa -4 + ^ r4: .cfa -8 + ^"),  // vsp += 8, then the pops; no finish
      ([0x84, 0x0B], ".cfa: sp 16 + .ra: .cfa -4 + ^ r4: .cfa -16 + ^ r5: .cfa -12 + ^ r7: .cfa -8 + ^"),
      // Android's frame pointer: `push {r4-r7, lr}; add r7, sp, #12` unwound as vsp = r7, vsp -= 12, pops.
      ([0x97, 0x42, 0xAB], ".cfa: r7 8 + .ra: .cfa -4 + ^ r4: .cfa -20 + ^ r5: .cfa -16 + ^ r6: .cfa -12 + ^ r7: .cfa -8 + ^"),
      ([0x88, 0x00], ".cfa: sp 4 + .ra: .cfa -4 + ^"),  // pop {pc}
      ([0xB1, 0x0F, 0xA8], ".cfa: sp 24 + .ra: .cfa -4 + ^ r0: .cfa -24 + ^ r1: .cfa -20 + ^ r2: .cfa -16 + ^ r3: .cfa -12 + ^ r4: .cfa -8 + ^"),
      ([0xB2, 0x01], ".cfa: sp 520 + .ra: lr"),  // vsp += 0x204 + (1 << 2)
      ([0xC9, 0x84, 0xB0], ".cfa: sp 40 + .ra: lr"),  // VFP D8–D12 (FSTMFDD)
      ([0xB3, 0x01, 0xB0], ".cfa: sp 20 + .ra: lr"),  // VFP D0–D1 (FSTMFDX)
      // vsp from a register popped before: the saved r7 then gives the CFA.
      ([0xA3, 0x97], ".cfa: sp 12 + ^ 0 + .ra: lr r4: sp 0 + ^ r5: sp 4 + ^ r6: sp 8 + ^ r7: sp 12 + ^"),
    ] as [([UInt8], String)])
  func rules(_ opcodes: [UInt8], _ expected: String) {
    #expect(ARMExceptionIndex.rules(opcodes) == expected)
  }

  @Test("refuse to unwind, a spare opcode, a pop of sp, bytes cut short: no rules", arguments: [
    [0x80, 0x00], [0xB4], [0x82, 0x00], [0x80], [0xB1], [0xB1, 0x00], [0xB2, 0x80, 0x80, 0x80, 0x80, 0x80], [0x9D], [0xFF],
  ] as [[UInt8]])
  func noRules(_ opcodes: [UInt8]) {
    #expect(ARMExceptionIndex.rules(opcodes) == nil)
  }

  @Test("prel31 offsets point backwards and forwards within 32-bit addresses")
  func prel31() {
    #expect(ARMExceptionIndex.target(of: 0x7FFF_FFFC, at: 0x1000) == 0x0FFC)  // −4
    #expect(ARMExceptionIndex.target(of: 0x0000_0010, at: 0x1000) == 0x1010)
    #expect(ARMExceptionIndex.target(of: 0x8000_0010, at: 0x1000) == 0x1010)  // bit 31 is not part of it
  }

  @Test("a library's EHABI rows equal its .debug_frame's wherever a call can return")
  func agreesWithDebugFrame() throws {
    let exidx = try ELFSymbolFile(path: Fixtures.path("elf/arm_frames_exidx.so"))
    let dwarf = try ELFSymbolFile(path: Fixtures.path("elf/arm_frames.so"))
    let text = exidx.breakpadSymbolFile()
    #expect(text.contains("STACK CFI INIT 10204 8 .cfa: sp 0 + .ra: lr\n"))
    #expect(text.contains("STACK CFI INIT 1020c 10 .cfa: sp 8 + .ra: .cfa -4 + ^ r4: .cfa -8 + ^\n"))
    #expect(text.contains("PUBLIC 10204 0 leaf\n"))  // the Thumb bit cleared
    // Every address past each prologue: the leaf's body, middle's and outer's calls and returns.
    var checked = 0
    for address in Array(0x10204..<0x1020a) + Array(0x1020e..<0x1021a) + Array(0x1021e..<0x1022e) {
      let fromTable = try #require(exidx.cfiRules(at: UInt64(address)), "no rows at \(String(address, radix: 16))")
      let fromDWARF = try #require(dwarf.cfiRules(at: UInt64(address)))
      #expect(fromTable.rules == fromDWARF.rules, "at \(String(address, radix: 16))")
      checked += 1
    }
    #expect(checked == 34)
    #expect(exidx.cfiRules(at: 0x10230) == nil)  // the last entry cannot unwind
  }
}
