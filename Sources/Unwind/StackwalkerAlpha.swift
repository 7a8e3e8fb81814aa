//===--- StackwalkerAlpha.swift - Walking a DEC Alpha AXP stack --------------===//
//
// Alpha frames have no frame-pointer chain: a prologue allocates N bytes
// (`lda sp,-N(sp)`) and stores ra at some slot (`stq ra,X(sp)`), so the caller's
// SP is SP+N and its PC comes from [SP+X] (docs/formats.md §6.2–6.3). Those two
// numbers are what symbol data must carry. The convention here is Breakpad's
// STACK CFI with Alpha register names:
//     STACK CFI INIT <rva> <size> .cfa: $sp N + .ra: .cfa N - X + ^
// (other saved registers likewise: `$s0: .cfa N - Y + ^`). Strategies, in order:
//   1. STACK CFI rules for the PC's module;
//   2. for the context frame only, a leaf: the caller's PC is the `ra` register
//      and its SP is unchanged;
//   3. scanning quadwords above SP for a 4-byte-aligned address inside a module.
// Parameters are a0–a3 of each frame's recovered context (register hints, as
// Dr. Watson printed them), unknown where no rule restored them.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Walks Alpha stacks.
public struct StackwalkerAlpha: StackWalker, WalksInEnvironment {
  let environment: WalkEnvironment

  /// A walker with modules already sorted (one map serves every thread of a dump).
  public init(
    memory: any StackMemory, moduleIndex: ModuleIndex, unwindData: (any UnwindDataProvider)? = nil,
    options: WalkOptions = WalkOptions()
  ) {
    environment = WalkEnvironment(memory: memory, modules: moduleIndex, unwindData: unwindData, options: options)
  }

  private static let argumentNames = ["$a0", "$a1", "$a2", "$a3"]
  private static let savedNames = ["$s0", "$s1", "$s2", "$s3", "$s4", "$s5", "$fp"]

  private struct Frame: WalkerFrame {
    var pc: UInt64
    var sp: UInt64
    /// Known registers by `$name` (ra, a0–a3, s0–s5, fp).
    var registers: [String: UInt64]
    var trust: FrameTrust
  }

  /// Walks from a thread's context.
  public func walk(context: RegisterFile<AlphaRegister>) -> WalkResult {
    guard let pc = context[.fir], let sp = context[.intSp] else {
      return WalkResult(frames: [], stopReason: "the context has no fir or sp")
    }
    var registers: [String: UInt64] = [:]
    let named: [(String, AlphaRegister)] = [
      ("$ra", .intRa), ("$a0", .intA0), ("$a1", .intA1), ("$a2", .intA2), ("$a3", .intA3), ("$s0", .intS0),
      ("$s1", .intS1), ("$s2", .intS2), ("$s3", .intS3), ("$s4", .intS4), ("$s5", .intS5), ("$fp", .intFp),
    ]
    for (name, register) in named { if let value = context[register] { registers[name] = value } }
    let loop = environment.walkLoop(from: Frame(pc: pc, sp: sp, registers: registers, trust: .context)) {
      callerFrame($0)
    }
    let frames = loop.frames
    var walked = frames.enumerated().map { index, frame in
      stackFrame(frame, index: index, next: index + 1 < frames.count ? frames[index + 1] : nil)
    }
    walked[0].context = .alpha(context)
    return WalkResult(frames: walked, stopReason: loop.stopReason)
  }

  private func stackFrame(_ frame: Frame, index: Int, next: Frame?) -> StackFrame {
    var registers = RegisterFile<AlphaRegister>()
    registers[.fir] = frame.pc
    registers[.intSp] = frame.sp
    let named: [(String, AlphaRegister)] = [
      ("$ra", .intRa), ("$a0", .intA0), ("$a1", .intA1), ("$a2", .intA2), ("$a3", .intA3), ("$fp", .intFp),
    ]
    for (name, register) in named { if let value = frame.registers[name] { registers[register] = value } }
    var result = StackFrame(
      index: index, framePointer: Address(frame.sp), returnAddress: next.map { Address($0.pc) },
      instruction: Address(index == 0 ? frame.pc : frame.pc &- 4),
      parameters: Self.argumentNames.map { frame.registers[$0].map { $0 & 0xFFFF_FFFF } },
      parameterSource: .registers, trust: frame.trust)
    result.context = .alpha(registers)
    return result
  }

  private func callerFrame(_ frames: [Frame]) -> Frame? {
    let callee = frames[frames.count - 1]
    let lookup = frames.count == 1 ? callee.pc : callee.pc &- 4
    if let (info, relative) = environment.unwindInfo(at: lookup), let rules = info.cfiRules(at: relative),
      let ruleSet = CFIRuleSet(rules.rules)
    {
      var variables = callee.registers
      variables["$sp"] = callee.sp
      variables["$pc"] = callee.pc
      if let caller = ruleSet.callerRegisters(from: variables, memory: memory, wordSize: 8),
        let pc = caller[".ra"], let sp = caller[".cfa"]
      {
        var registers: [String: UInt64] = ["$ra": pc]
        // Saved registers keep their values unless a rule restores them; a0–a3 only from rules.
        for name in Self.savedNames { registers[name] = caller[name] ?? callee.registers[name] }
        for name in Self.argumentNames { registers[name] = caller[name] }
        return Frame(pc: pc, sp: sp, registers: registers, trust: .cfi)
      }
    }
    if frames.count == 1, let ra = callee.registers["$ra"], ra != 0, modules.module(containing: ra) != nil {
      var registers: [String: UInt64] = [:]
      for name in Self.savedNames { registers[name] = callee.registers[name] }
      return Frame(pc: ra, sp: callee.sp, registers: registers, trust: .returnAddressRegister)
    }
    guard options.allowsScanning,
      let found = environment.scan(
        from: callee.sp, words: options.scanWords, wordSize: 8, mask: 0xFFFF_FFFF,
        accept: { $0 % 4 == 0 && $0 != callee.pc })
    else { return nil }
    return Frame(pc: found.address, sp: found.location &+ 8, registers: [:], trust: .scan)
  }
}
