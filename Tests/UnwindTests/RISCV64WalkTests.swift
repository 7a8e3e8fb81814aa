//===--- RISCV64WalkTests.swift - 64-bit RISC-V stacks: dump → walker → frames ===//
//
// Stacks stated with StackSection as RISC-V code lays them out (the psABI's
// frame: s0 is the CFA, the return address at s0 - 8, the caller's s0 at
// s0 - 16; a call leaves the return address in ra), written as RISC-V 64
// minidumps (Breakpad's and Crashpad's context), read back and walked.
// Functions: f0 at +0x1000, f1 +0x2000, f2 +0x3000, main +0x4000; a caller's
// instruction is 2 bytes before its return address (inside a 4-byte `jal` or a
// 2-byte `c.jalr`).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Minidump
import Testing
import Unwind

@Suite("RISC-V 64 stack walks")
struct RISCV64WalkTests {
  static let base: UInt64 = 0x0000_002a_aaaa_0000
  static let stackBase: UInt64 = 0x0000_003f_ffff_e000
  static func at(_ offset: UInt64) -> UInt64 { base + offset }

  static func dump(context: SyntheticContext, stack: StackSection) -> SyntheticMinidump {
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 0x8006
    dump.platformID = 0x8201
    dump.threads = [SyntheticThread(id: 7, context: context, stackBase: stack.base, stack: stack.finished())]
    dump.modules = [SyntheticModule(base: base, size: 0x10000, name: "/usr/lib/libapp.so")]
    return dump
  }

  /// f1's, f2's and main's frames from here on: 16 bytes of locals, then {caller's s0, return
  /// address}, with each frame's CFA labelled `cfa1`, `cfa2`, `cfa3`; main's record is {0, 0}.
  static func frames(_ stack: inout StackSection) {
    let returns = [at(0x3010), at(0x4010), 0]
    for (index, returnAddress) in returns.enumerated() {
      stack.fill(16)
      if index + 1 < returns.count { stack.d64(label: "cfa\(index + 2)") } else { stack.d64(0) }
      stack.d64(returnAddress)
      stack.mark("cfa\(index + 1)")
    }
    stack.fill(16)
  }

  @Test("the psABI frame chain: the return address at s0 - 8, the caller's s0 at s0 - 16")
  func framePointerChain() throws {
    var stack = StackSection(base: Self.stackBase)
    stack.fill(16)  // f0's locals
    stack.d64(label: "cfa1")  // f0's saved s0: f1's frame
    stack.d64(Self.at(0x2010))  // f0's saved ra: into f1
    stack.mark("cfa0")
    Self.frames(&stack)
    let finished = stack
    // ra is stale: f0 has made calls of its own since it saved ra.
    let context = SyntheticContext.riscv64(
      pc: Self.at(0x1010), sp: Self.stackBase, ra: Self.at(0x1008), s0: finished.address(of: "cfa0"))
    let frames = try RoundTripTests.walk(Self.dump(context: context, stack: finished))
    #expect(frames.map(\.instruction) == [Self.at(0x1010), Self.at(0x200e), Self.at(0x300e), Self.at(0x400e)].map { Address($0) })
    #expect(frames.map(\.trust) == [.context, .framePointer, .framePointer, .framePointer])
    #expect(frames.map(\.framePointer) == [Address(Self.stackBase)] + ["cfa0", "cfa1", "cfa2"].map { Address(finished.address(of: $0)) })
    #expect(frames[0].returnAddress == Address(Self.at(0x2010)))
    guard case .riscv64(let registers)? = frames[1].context else {
      Issue.record("frame 1 has no RISC-V context")
      return
    }
    #expect(registers[.s0] == finished.address(of: "cfa1"))
    #expect(registers[.ra] == nil)
  }

  @Test("a leaf that saved only s0 (GCC with frame pointers): its caller from ra, the caller's s0 from s0 - 8")
  func leafSavingOnlyFramePointer() throws {
    var stack = StackSection(base: Self.stackBase)
    stack.fill(8)
    stack.d64(label: "cfa1")  // the leaf's saved s0, at s0 - 8
    stack.mark("cfa0")
    Self.frames(&stack)
    let finished = stack
    let context = SyntheticContext.riscv64(
      pc: Self.at(0x1010), sp: Self.stackBase, ra: Self.at(0x2010), s0: finished.address(of: "cfa0"))
    let frames = try RoundTripTests.walk(Self.dump(context: context, stack: finished))
    #expect(frames.map(\.instruction) == [Self.at(0x1010), Self.at(0x200e), Self.at(0x300e), Self.at(0x400e)].map { Address($0) })
    #expect(frames.map(\.trust) == [.context, .framePointer, .framePointer, .framePointer])
  }

  @Test("STACK CFI as dump_syms writes RISC-V's: a leaf (.ra: ra), frames kept through s0, callee-saved registers kept")
  func callFrameInfo() throws {
    let symbols = """
      MODULE Linux riscv64 00000000000000000000000000000000 libapp.so
      FUNC 1000 100 0 f0
      FUNC 2000 100 0 f1
      FUNC 3000 100 0 f2
      FUNC 4000 100 0 main
      STACK CFI INIT 1000 100 .cfa: sp 0 + .ra: ra
      STACK CFI INIT 2000 100 .cfa: sp 0 + .ra: ra
      STACK CFI 2004 .cfa: sp 32 + .ra: .cfa -8 + ^ s0: .cfa -16 + ^
      STACK CFI 2008 .cfa: s0 0 +
      STACK CFI INIT 3000 100 .cfa: sp 0 + .ra: ra
      STACK CFI 3004 .cfa: sp 48 + .ra: .cfa -8 + ^ s1: .cfa -16 + ^
      STACK CFI INIT 4000 100 .cfa: sp 0 + .ra: ra
      STACK CFI 4004 .cfa: sp 32 + .ra: .cfa -8 + ^ s0: .cfa -16 + ^
      STACK CFI 4008 .cfa: s0 0 +

      """
    var stack = StackSection(base: Self.stackBase)
    // f1's frame: 32 bytes, {saved s0 (main's frame), saved ra (into f2)} at its top.
    stack.fill(16)
    stack.d64(label: "main")
    stack.d64(Self.at(0x3010))
    // f2's frame: 48 bytes, s1 at CFA - 16, ra at CFA - 8; it keeps no frame, so s0 is main's.
    stack.fill(32)
    stack.d64(0x5151)
    stack.d64(Self.at(0x4010))
    // main's frame: 32 bytes, {0, 0} at its top: the end of the stack.
    stack.fill(16)
    stack.d64(0)
    stack.d64(0)
    stack.mark("main")
    stack.fill(16)
    let finished = stack
    let unwind = try TestUnwindData(moduleBase: Self.base, symbolText: symbols)
    // f0 is a leaf that reserved nothing: sp is f1's and s0 f1's own frame (its CFA).
    let context = SyntheticContext.riscv64(
      pc: Self.at(0x1010), sp: Self.stackBase, ra: Self.at(0x2010), s0: Self.stackBase + 32, general: [9: 0x99])
    let frames = try RoundTripTests.walk(Self.dump(context: context, stack: finished), unwind: unwind)
    #expect(frames.map(\.instruction) == [Self.at(0x1010), Self.at(0x200e), Self.at(0x300e), Self.at(0x400e)].map { Address($0) })
    #expect(frames.map(\.trust) == [.context, .cfi, .cfi, .cfi])
    // The leaf's caller keeps its sp (the leaf reserved nothing); the others' are their CFAs.
    #expect(frames.map(\.framePointer) == [0, 0, 32, 80].map { Address(Self.stackBase + $0) })
    guard case .riscv64(let registers)? = frames[3].context else {
      Issue.record("frame 3 has no RISC-V context")
      return
    }
    #expect(registers[.s0] == finished.address(of: "main"))
  }

  @Test("s0 used as a general register (code without frame pointers) is no frame: scanning finds the caller")
  func generalPurposeS0() throws {
    var stack = StackSection(base: Self.stackBase)
    stack.d64(0x1234)
    stack.d64(Self.base)  // the module's base: no call ends there
    stack.d64(0xdead_beef)
    stack.d64(Self.at(0x2010))
    stack.fill(64)
    let finished = stack
    // s0 points into the stack, but the words below it are no frame: 0x1234 is no return address.
    let context = SyntheticContext.riscv64(
      pc: Self.at(0x1010), sp: Self.stackBase, ra: 0, s0: Self.stackBase + 24)
    let frames = try RoundTripTests.walk(Self.dump(context: context, stack: finished))
    #expect(frames.count >= 2)
    #expect(frames[1].trust == .scan)
    #expect(frames[1].instruction == Address(Self.at(0x200e)))
    #expect(frames[1].framePointer == Address(Self.stackBase + 32))
  }

  @Test("a context without MD_CONTEXT_RISCV64, or shorter than its integer registers, is an error naming its offset")
  func damagedContext() throws {
    var wrongFlags = SyntheticContext.riscv64(pc: Self.at(0x1010), sp: Self.stackBase, ra: 0, s0: 0)
    wrongFlags = SyntheticContext(raw: [0x07, 0, 0x40, 0] + wrongFlags.bytes.dropFirst(4))
    let short = SyntheticContext(raw: Array(wrongFlags.bytes.prefix(0x100)))
    for (context, expected) in [(wrongFlags, "RISC-V 64 context flags 0x400007"), (short, "of 256 bytes (needs 0x108)")] {
      let file = try TemporaryFile(Self.dump(context: context, stack: StackSection(base: Self.stackBase)).bytes(), suffix: ".dmp")
      let minidump = try MinidumpFile(path: file.path)
      #expect(throws: (any Error).self) { try minidump.context(at: try #require(minidump.threads.first).context) }
      do {
        _ = try minidump.context(at: try #require(minidump.threads.first).context)
      } catch {
        #expect(String(describing: error).contains(expected), "\(error)")
      }
    }
  }

  @Test("register names: the ABI's, xN, fp and the kernel's epc")
  func registerNames() {
    #expect(RISCV64Register(name: "x1") == .ra)
    #expect(RISCV64Register(name: "fp") == .s0)
    #expect(RISCV64Register(name: "S11") == .s11)
    #expect(RISCV64Register(name: "epc") == .pc)
    #expect(RISCV64Register(name: "x31") == .t6)
    #expect(RISCV64Register(name: "x0") == nil)
    #expect(RISCV64Register(name: "x32") == nil)
    #expect(RISCV64Register.allCases.map(\.name).prefix(4) == ["pc", "ra", "sp", "gp"])
    #expect(RISCV64Register.t6.rawValue + 8 == RISCV64Register.integerContextSize)
  }
}
