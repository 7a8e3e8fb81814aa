//===--- SlotCFIStep.swift - One STACK CFI step over registers kept by slot ---===//
//
// The ARM, ARM64 and RISC-V walkers keep a frame's registers in an array by slot (r0 …
// pc, x0 … pc, pc … t6) with a mask of the known ones, as Breakpad's frame contexts do.
// A STACK CFI step is the same for all three, as Breakpad's StackwalkerARM,
// StackwalkerARM64 and StackwalkerRISCV64 take it: the callee's known registers by their rule names,
// the rules run, every register the rules recover is the caller's, a callee-
// saved one the rules leave out keeps the callee's value, and where no rule
// names pc or sp the caller's comes from `.ra` or `.cfa`. Without both, no
// caller.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A STACK CFI step for one architecture's slot layout.
struct SlotCFIStep {
  /// The slots' rule names, callee-saved ones, pc's and sp's, and the word.
  let layout: SlotLayout

  /// The caller's registers and mask, or nil when the rules do not run or give no pc or sp.
  func caller(of registers: [UInt64], valid: UInt64, rules: CFIRuleSet, memory: any StackMemory)
    -> (registers: [UInt64], valid: UInt64)?
  {
    let names = layout.names
    var variables: [String: UInt64] = [:]
    for slot in names.indices where valid & (1 << UInt64(slot)) != 0 { variables[names[slot]] = registers[slot] }
    guard let recovered = rules.callerRegisters(from: variables, memory: memory, wordSize: layout.wordSize) else {
      return nil
    }
    let mask = layout.wordMask
    var callerRegisters = [UInt64](repeating: 0, count: names.count)
    var callerValid: UInt64 = 0
    func set(_ slot: Int, _ value: UInt64) {
      callerRegisters[slot] = value & mask
      callerValid |= 1 << UInt64(slot)
    }
    for slot in names.indices {
      if let value = recovered[names[slot]] {
        set(slot, value)
      } else if layout.calleeSaved & valid & (1 << UInt64(slot)) != 0 {
        set(slot, registers[slot])
      }
    }
    let pc = layout.pc
    let sp = layout.sp
    if callerValid & (1 << UInt64(pc)) == 0, let returnAddress = recovered[".ra"] { set(pc, returnAddress) }
    if callerValid & (1 << UInt64(sp)) == 0, let cfa = recovered[".cfa"] { set(sp, cfa) }
    guard callerValid & (1 << UInt64(pc)) != 0, callerValid & (1 << UInt64(sp)) != 0 else { return nil }
    return (callerRegisters, callerValid)
  }
}
