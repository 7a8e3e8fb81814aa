//===--- StackwalkerARM64.swift - Walking a 64-bit ARM stack ----------------===//
//
// Strategies in order, as Breakpad's processor (StackwalkerARM64) and
// rust-minidump take them, so that a walk finds the frames their users know:
//
//   STACK CFI  `.cfa: sp 0 + .ra: x30`, `.cfa: x29 16 + .ra: .cfa -8 + ^ …`:
//              register names as dump_syms writes them (x0 … x30, sp, pc); the
//              caller's pc from `pc` or `.ra`, its sp from `sp` or `.cfa`; x19 …
//              x29 (callee-saved) kept where the rules leave them out.
//   frame pointer  a frame record is {saved x29, saved x30} at x29. Each frame
//              holds its registers as at its function's entry: the caller's pc
//              is the frame's lr, its lr [fp + 8], its fp [fp], its sp fp + 16.
//              A leaf at the top of the stack is so found through lr; a frame
//              whose lr was not recovered takes it from its callee's frame record
//              when that record's saved fp is the frame's own. Where Breakpad then
//              ends the walk (a frame found by CFI, x30 unknown, no such record),
//              the frame's own record gives its x29 and x30 as at entry, so a walk
//              goes on from code with CFI into code without it.
//   scanning   8-byte words from sp for a value just past a call in a module.
//
// Return addresses may carry pointer-authentication bits above the address
// space the modules span; they are masked off when the masked value lands in a
// module. The frame column is the Child-SP (sp), as WinDbg prints it.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Walks 64-bit ARM stacks.
public struct StackwalkerARM64: StackWalker, WalksInEnvironment {
  let environment: WalkEnvironment
  /// Bits an address in this process may have: every bit up to the highest module's end, or
  /// those the dump's pointer-authentication mask leaves.
  private let addressMask: UInt64
  /// Whether the mask is the dump's own, applied to every return address.
  private let isDumpMask: Bool

  /// A walker with modules already sorted (one map serves every thread of a dump).
  public init(
    memory: any StackMemory, moduleIndex: ModuleIndex, unwindData: (any UnwindDataProvider)? = nil,
    options: WalkOptions = WalkOptions()
  ) {
    environment = WalkEnvironment(memory: memory, modules: moduleIndex, unwindData: unwindData, options: options)
    isDumpMask = options.pointerAuthenticationMask.map { $0 != 0 } ?? false
    if isDumpMask, let mask = options.pointerAuthenticationMask {
      addressMask = ~mask
    } else if var mask = moduleIndex.highestEnd {
      for shift: UInt64 in [1, 2, 4, 8, 16, 32] { mask |= mask >> shift }
      addressMask = mask
    } else {
      addressMask = .max
    }
  }

  /// Slots of a frame's registers: x0 … x30, then sp and pc; x19 … x29 callee-saved.
  private static let fp = 29
  private static let lr = 30
  private static let sp = 31
  private static let pc = 32
  private static let layout = SlotLayout(
    names: (0...30).map { "x\($0)" } + ["sp", "pc"], calleeSaved: SlotLayout.slots(19...29), pc: pc, sp: sp,
    wordSize: 8, callOffset: 4)

  /// Walks from a thread's context.
  public func walk(context: RegisterFile<ARM64Register>) -> WalkResult {
    guard let pc = context[.pc], let sp = context[.sp] else {
      return WalkResult(frames: [], stopReason: "the context has no pc or sp")
    }
    var first = SlotFrame(layout: Self.layout, trust: .context)
    for slot in 0...30 {
      if let register = ARM64Register.general(slot), let value = context[register] { first.set(slot, value) }
    }
    first.set(Self.sp, sp)
    first.set(Self.pc, pc)
    if first.isValid(Self.lr) { first.registers[Self.lr] = stripped(first.registers[Self.lr]) }
    let loop = environment.walkLoop(from: first) { frames in
      environment.slotCaller(frames, afterCFI: { $0.registers[Self.pc] = stripped($0.registers[Self.pc]) }) {
        callerByFramePointer($0)
      }
    }
    let walked = loop.frames.stackFrames(context: { frame in
      var file = RegisterFile<ARM64Register>()
      file[.pc] = frame.pc
      file[.sp] = frame.sp
      if frame.isValid(Self.fp) { file[.fp] = frame.registers[Self.fp] }
      if frame.isValid(Self.lr) { file[.lr] = frame.registers[Self.lr] }
      return .arm64(file)
    }, threadContext: .arm64(context))
    return WalkResult(frames: walked, stopReason: loop.stopReason)
  }

  private func callerByFramePointer(_ frames: [SlotFrame]) -> SlotFrame? {
    var callee = frames[frames.count - 1]
    if !callee.isValid(Self.lr) {
      if let lr = linkRegisterFromCalleeRecord(frames) {
        callee.registers[Self.lr] = lr
      } else if callee.trust == .cfi, let record = ownFrameRecord(callee) {
        // Breakpad ends the walk here (its caller's pc would be the unknown lr, 0).
        callee.registers[Self.fp] = record.fp
        callee.registers[Self.lr] = record.lr
      }
    }
    let fp = callee.registers[Self.fp]
    var savedFP: UInt64 = 0
    var savedLR: UInt64 = 0
    if fp != 0 {
      guard let value = memory.uint64(at: fp), let link = memory.uint64(at: fp &+ 8) else { return nil }
      savedFP = value
      savedLR = link
    }
    var caller = callee.caller(pc: callee.registers[Self.lr], sp: fp != 0 ? fp &+ 16 : callee.sp, trust: .framePointer)
    caller.set(Self.lr, stripped(savedLR))
    caller.set(Self.fp, savedFP)
    return caller
  }

  /// The link register of the last frame when it was not recovered (a CFI step leaves x30
  /// out): its callee's frame record holds it when that record's saved fp is the frame's fp.
  private func linkRegisterFromCalleeRecord(_ frames: [SlotFrame]) -> UInt64? {
    guard frames.count >= 2 else { return nil }
    let frame = frames[frames.count - 1]
    guard frame.registers[Self.fp] > frame.sp else { return nil }
    let recordAddress = frames[frames.count - 2].registers[Self.fp]
    guard recordAddress != 0 else { return nil }
    guard let savedFP = memory.uint64(at: recordAddress), savedFP == frame.registers[Self.fp],
      let savedLR = memory.uint64(at: recordAddress &+ 8)
    else { return nil }
    return stripped(savedLR)
  }

  /// A frame found by CFI holds its registers as at its call: x29 is its own frame record, if
  /// it keeps one, and x30 is unknown. Read as at its entry instead, x29 and x30 are the saved
  /// ones in that record, when the record lies at or above sp and its x30 is a return address into
  /// a module. (A function that keeps no record leaves x29 its caller's: that caller is then
  /// skipped, and the walk goes on from the caller's caller.)
  private func ownFrameRecord(_ frame: SlotFrame) -> (fp: UInt64, lr: UInt64)? {
    let record = frame.registers[Self.fp]
    guard frame.isValid(Self.fp), record >= frame.sp, record % 8 == 0, let savedFP = memory.uint64(at: record),
      let savedLR = memory.uint64(at: record &+ 8)
    else { return nil }
    let returnAddress = stripped(savedLR)
    guard environment.mayBeReturnAddress(returnAddress) else { return nil }
    return (savedFP, returnAddress)
  }

  /// `address` without pointer-authentication bits: by the dump's mask always; by the modules'
  /// extent when masking leaves an address in a module; else as it is.
  private func stripped(_ address: UInt64) -> UInt64 {
    let masked = address & addressMask
    if isDumpMask { return masked }
    return masked != address && modules.module(containing: masked) != nil ? masked : address
  }
}
