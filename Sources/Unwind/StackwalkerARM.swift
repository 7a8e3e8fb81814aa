//===--- StackwalkerARM.swift - Walking a 32-bit ARM stack ------------------===//
//
// Strategies in order, as Breakpad's processor (StackwalkerARM) and
// rust-minidump take them, so that a walk finds the frames their users know:
//
//   STACK CFI  `.cfa: sp 8 + .ra: .cfa -4 + ^ r4: .cfa -8 + ^`: register names
//              as dump_syms writes them (r0 … r12, sp, lr, pc); the caller's pc
//              from `pc` or `.ra`, its sp from `sp` or `.cfa`; r4 … r11
//              (callee-saved) kept where the rules leave them out.
//   frame pointer  only where the platform keeps frame records (iOS: r7 holds
//              {saved r7, saved lr}); Android and Linux code does not, and
//              Breakpad does not try there. The caller's pc is the frame's lr,
//              its lr [fp + 4], its fp [fp], its sp fp + 8. (Breakpad skips CFI
//              on iOS altogether, for symbol files its dump_syms wrote badly: its
//              issue 764; a symbol file with right CFI gives the same callers.)
//   scanning   4-byte words from sp for a value just past a call in a module.
//
// A return address keeps its Thumb bit; the caller's instruction is taken 2
// bytes before it, inside a Thumb or an ARM call alike, and CFI for a caller is
// looked up there, as Breakpad does. The frame column is the stack pointer.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Walks 32-bit ARM stacks.
public struct StackwalkerARM: StackWalker, WalksInEnvironment {
  let environment: WalkEnvironment

  /// A walker with modules already sorted (one map serves every thread of a dump).
  public init(
    memory: any StackMemory, moduleIndex: ModuleIndex, unwindData: (any UnwindDataProvider)? = nil,
    options: WalkOptions = WalkOptions()
  ) {
    environment = WalkEnvironment(memory: memory, modules: moduleIndex, unwindData: unwindData, options: options)
  }

  /// Slots of a frame's registers: r0 … r12, sp, lr, pc; r4 … r11 callee-saved.
  private static let sp = 13
  private static let lr = 14
  private static let pc = 15
  private static let layout = SlotLayout(
    names: (0...12).map { "r\($0)" } + ["sp", "lr", "pc"], calleeSaved: SlotLayout.slots(4...11), pc: pc, sp: sp,
    wordSize: 4, callOffset: 2)

  /// Walks from a thread's context.
  public func walk(context: RegisterFile<ARMRegister>) -> WalkResult {
    guard let pc = context[.pc], let sp = context[.sp] else {
      return WalkResult(frames: [], stopReason: "the context has no pc or sp")
    }
    var first = SlotFrame(layout: Self.layout, trust: .context)
    for slot in 0...15 {
      if let register = ARMRegister.general(slot), let value = context[register] { first.set(slot, value) }
    }
    first.set(Self.sp, sp)
    first.set(Self.pc, pc)
    let loop = environment.walkLoop(from: first) { frames in
      // Breakpad follows ARM frame records only where the platform keeps them (iOS: r7).
      environment.slotCaller(frames) { frames in
        guard let register = options.armFramePointer, let number = register.number else { return nil }
        return callerByFramePointer(frames[frames.count - 1], through: number)
      }
    }
    let walked = loop.frames.stackFrames(context: { frame in
      var file = RegisterFile<ARMRegister>()
      for slot in 0...15 where frame.isValid(slot) {
        if let register = ARMRegister.general(slot) { file[register] = frame.registers[slot] }
      }
      return .arm(file)
    }, threadContext: .arm(context))
    return WalkResult(frames: walked, stopReason: loop.stopReason)
  }

  /// The caller through the frame record at the frame-pointer register `fp`: {saved fp, saved lr}.
  private func callerByFramePointer(_ callee: SlotFrame, through fp: Int) -> SlotFrame? {
    guard callee.isValid(fp) else { return nil }
    let record = callee.registers[fp]
    var savedFP: UInt64 = 0
    var savedLR: UInt64 = 0
    if record != 0 {
      guard let value = memory.uint32(at: record), let link = memory.uint32(at: record &+ 4) else { return nil }
      savedFP = UInt64(value)
      savedLR = UInt64(link)
    }
    var caller = callee.caller(pc: callee.registers[Self.lr], sp: record != 0 ? record &+ 8 : callee.sp, trust: .framePointer)
    caller.set(Self.lr, savedLR)
    caller.set(fp, savedFP)
    return caller
  }
}
