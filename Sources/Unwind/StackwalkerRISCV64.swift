//===--- StackwalkerRISCV64.swift - Walking a 64-bit RISC-V stack ------------===//
//
// Strategies in order, as Breakpad's processor (StackwalkerRISCV64) takes them:
//
//   STACK CFI  `.cfa: sp 0 + .ra: ra`, `.cfa: s0 0 + .ra: .cfa -8 + ^ s0: .cfa -16 + ^`:
//              register names as dump_syms writes them (pc, ra, sp, gp, tp, t0 …
//              t6, s0 … s11, a0 … a7); the caller's pc from `pc` or `.ra`, its sp
//              from `sp` or `.cfa`; s0 … s11 (callee-saved) kept where the rules
//              leave them out.
//   frame pointer  the psABI's frame, as GCC and LLVM lay it out: s0 is the frame's
//              CFA (sp at its entry), the return address is saved at s0 - 8 and
//              the caller's s0 at s0 - 16, so the caller's pc is [s0 - 8], its s0
//              [s0 - 16] and its sp s0. (Breakpad reads the ARM64 record {fp, ra}
//              at s0 instead, which no RISC-V compiler writes.) A leaf at the top
//              of the stack that saved only s0, as GCC's leaves with a frame
//              pointer do, holds the caller's s0 at s0 - 8: a word there that lies
//              on the stack above the frame and is no return address is taken as
//              that, and the caller's pc comes from ra. A caller whose return
//              address is in no module is not taken (s0 is a general register in
//              code built without frame pointers).
//   scanning   8-byte words from sp for a value just past a call in a module.
//
// Calls are 4 bytes (`jal`, `jalr`) or 2 (`c.jalr`): a caller's instruction, and
// the CFI row for it, are taken 2 bytes before its return address, inside either.
// The frame column is the stack pointer.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Walks 64-bit RISC-V stacks.
public struct StackwalkerRISCV64: StackWalker, WalksInEnvironment {
  let environment: WalkEnvironment

  /// A walker with modules already sorted (one map serves every thread of a dump).
  public init(
    memory: any StackMemory, moduleIndex: ModuleIndex, unwindData: (any UnwindDataProvider)? = nil,
    options: WalkOptions = WalkOptions()
  ) {
    environment = WalkEnvironment(memory: memory, modules: moduleIndex, unwindData: unwindData, options: options)
  }

  /// Slots of a frame's registers: the context's order, pc in x0's slot, then x1 … x31; s0, s1
  /// (x8, x9) and s2 … s11 (x18 … x27) callee-saved. Calls are 4 or 2 bytes: a caller's CFI row
  /// is looked up 2 bytes before its return address.
  private static let pc = 0
  private static let ra = 1
  private static let sp = 2
  private static let s0 = 8
  private static let callOffset: UInt64 = 2
  private static let layout = SlotLayout(
    names: (0..<32).map { RISCV64Register.slot($0)!.ruleName }, calleeSaved: SlotLayout.slots(8...9, 18...27),
    pc: pc, sp: sp, wordSize: 8, callOffset: callOffset)

  /// Walks from a thread's context.
  public func walk(context: RegisterFile<RISCV64Register>) -> WalkResult {
    guard let pc = context[.pc], let sp = context[.sp] else {
      return WalkResult(frames: [], stopReason: "the context has no pc or sp")
    }
    var first = SlotFrame(layout: Self.layout, trust: .context)
    for (register, value) in context.knownRegisters { first.set(register.number, value) }
    first.set(Self.sp, sp)
    first.set(Self.pc, pc)
    let loop = environment.walkLoop(from: first) { frames in
      environment.slotCaller(frames) { callerByFramePointer($0[$0.count - 1], isFirstUnwind: $0.count == 1) }
    }
    let walked = loop.frames.stackFrames(context: { frame in
      var file = RegisterFile<RISCV64Register>()
      file[.pc] = frame.pc
      file[.sp] = frame.sp
      if frame.isValid(Self.ra) { file[.ra] = frame.registers[Self.ra] }
      if frame.isValid(Self.s0) { file[.s0] = frame.registers[Self.s0] }
      return .riscv64(file)
    }, threadContext: .riscv64(context))
    return WalkResult(frames: walked, stopReason: loop.stopReason)
  }

  /// The psABI frame at s0: the return address at s0 - 8, the caller's s0 at s0 - 16, the
  /// caller's sp s0; for the context frame, a leaf's frame that saved only s0 (at s0 - 8).
  private func callerByFramePointer(_ callee: SlotFrame, isFirstUnwind: Bool) -> SlotFrame? {
    guard callee.isValid(Self.s0) else { return nil }
    let frame = callee.registers[Self.s0]
    guard frame > callee.sp || (frame == callee.sp && isFirstUnwind), frame % 8 == 0, frame >= 16,
      let savedReturn = memory.uint64(at: frame &- 8)
    else { return nil }
    var caller = callee.caller(pc: 0, sp: frame, trust: .framePointer)
    if isFirstUnwind, callee.isValid(Self.ra), savedReturn >= frame, savedReturn % 8 == 0,
      !environment.mayBeReturnAddress(savedReturn), memory.uint64(at: savedReturn) != nil
    {
      // A leaf's frame: s0 - 8 holds the caller's s0, the return address is still in ra.
      caller.set(Self.pc, callee.registers[Self.ra])
      caller.set(Self.s0, savedReturn)
    } else {
      guard let savedFramePointer = memory.uint64(at: frame &- 16) else { return nil }
      caller.set(Self.pc, savedReturn)
      caller.set(Self.s0, savedFramePointer)
    }
    guard caller.pc == 0 || modules.module(containing: caller.pc &- Self.callOffset) != nil else { return nil }
    return caller
  }
}
