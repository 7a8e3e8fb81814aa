//===--- SlotFrame.swift - A frame's registers by slot, and the steps on them -===//
//
// The ARM, ARM64 and RISC-V walkers keep a frame's registers in an array by
// slot (r0 … pc; x0 … pc; pc, x1 … x31) with a mask of the known ones, as
// Breakpad's frame contexts do, and take the same steps on them, as Breakpad's
// StackwalkerARM, StackwalkerARM64 and StackwalkerRISCV64 take them: STACK CFI
// first, then the architecture's frame records, then scanning; a caller the
// first step to answer gives is final (the loop's checks may end the walk
// there), one whose pc is below 4 KiB ends it, and the context frame's caller
// may keep its stack pointer (a leaf that reserved no stack returns through its
// link register). Only the frame records differ: each walker passes its own.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A walker's working frame: registers by slot, the known ones marked.
struct SlotFrame: WalkerFrame {
  /// Values as Breakpad's frame context holds them (a scanned frame keeps its callee's, stale;
  /// only `valid` ones are known).
  var registers: [UInt64]
  /// Bit n: registers[n] is known.
  var valid: UInt64
  var trust: FrameTrust
  /// Whether this is the context frame's caller, which may keep its stack pointer.
  var isFirstCaller = false
  /// Where pc and sp are, and the bits a register holds.
  let layout: SlotLayout

  var pc: UInt64 { registers[layout.pc] }
  var sp: UInt64 { registers[layout.sp] }
  var mayKeepStackPointer: Bool { isFirstCaller }

  /// A frame with no register known.
  init(layout: SlotLayout, trust: FrameTrust) {
    self.init(layout: layout, registers: [UInt64](repeating: 0, count: layout.names.count), valid: 0, trust: trust)
  }

  /// A frame with `registers`, the ones in `valid` known.
  init(layout: SlotLayout, registers: [UInt64], valid: UInt64, trust: FrameTrust) {
    self.layout = layout
    self.registers = registers
    self.valid = valid
    self.trust = trust
  }

  func isValid(_ slot: Int) -> Bool { valid & (1 << UInt64(slot)) != 0 }

  /// Sets a register, cut to the word.
  mutating func set(_ slot: Int, _ value: UInt64) {
    registers[slot] = value & layout.wordMask
    valid |= 1 << UInt64(slot)
  }

  /// A caller of this frame with only pc and sp known, found the way `trust` says.
  func caller(pc: UInt64, sp: UInt64, trust: FrameTrust) -> SlotFrame {
    var caller = self
    caller.trust = trust
    caller.valid = 0
    caller.isFirstCaller = false
    caller.set(layout.pc, pc)
    caller.set(layout.sp, sp)
    return caller
  }
}

/// One architecture's slots: their rule names, the callee-saved ones, pc's and sp's, the word.
struct SlotLayout: Sendable {
  /// The rule name of each slot, as dump_syms writes them.
  let names: [String]
  /// The callee-saved slots (bit n: slot n): kept where CFI rules leave them out.
  let calleeSaved: UInt64
  let pc: Int
  let sp: Int
  /// Bytes in a word.
  let wordSize: Int
  /// Bytes back from a caller's pc to a point inside its call: where its CFI row is looked up.
  let callOffset: UInt64

  var wordMask: UInt64 { wordSize == 4 ? 0xFFFF_FFFF : .max }

  /// The mask of the slots in `ranges`.
  static func slots(_ ranges: ClosedRange<Int>...) -> UInt64 {
    ranges.reduce(0) { mask, range in range.reduce(mask) { $0 | 1 << UInt64($1) } }
  }
}

extension WalkEnvironment {
  /// The caller of the last of `frames`: by CFI (`afterCFI` adjusts what it gives), else
  /// `framePointer`, else scanning; nil when none answers or its pc is below 4 KiB.
  func slotCaller(
    _ frames: [SlotFrame], afterCFI: (inout SlotFrame) -> Void = { _ in },
    framePointer: ([SlotFrame]) -> SlotFrame?
  ) -> SlotFrame? {
    let callee = frames[frames.count - 1]
    let layout = callee.layout
    let isFirstUnwind = callee.trust == .context
    var caller: SlotFrame?
    let lookup = isFirstUnwind ? callee.pc : callee.pc &- layout.callOffset
    if let (info, relative) = unwindInfo(at: lookup), let rules = info.cfiRules(at: relative),
      let ruleSet = CFIRuleSet(rules.rules),
      let (registers, valid) = SlotCFIStep(layout: layout).caller(
        of: callee.registers, valid: callee.valid, rules: ruleSet, memory: memory)
    {
      var found = SlotFrame(layout: layout, registers: registers, valid: valid, trust: .cfi)
      afterCFI(&found)
      caller = found
    }
    if caller == nil { caller = framePointer(frames) }
    if caller == nil, options.allowsScanning {
      let words = isFirstUnwind ? options.contextScanWords : options.scanWords
      if let found = scan(from: callee.sp, words: words, wordSize: layout.wordSize) {
        caller = callee.caller(pc: found.address, sp: found.location &+ UInt64(layout.wordSize), trust: .scan)
      }
    }
    guard var caller, caller.pc == 0 || caller.pc >= 0x1000 else { return nil }
    caller.isFirstCaller = isFirstUnwind
    return caller
  }
}

extension Array where Element == SlotFrame {
  /// The walk's frames as reports keep them: each frame's sp as its frame pointer, its caller's
  /// pc as its return address, a caller's instruction `callOffset` before its return address,
  /// and the registers `context` makes of it (frame 0 keeps the thread's own context).
  func stackFrames(context: (SlotFrame) -> RegisterContext, threadContext: RegisterContext) -> [StackFrame] {
    var walked = enumerated().map { index, frame -> StackFrame in
      var result = StackFrame(
        index: index, framePointer: Address(frame.sp),
        returnAddress: index + 1 < count ? Address(self[index + 1].pc) : nil,
        instruction: Address(index == 0 ? frame.pc : frame.pc &- frame.layout.callOffset), trust: frame.trust)
      result.context = context(frame)
      return result
    }
    if !walked.isEmpty { walked[0].context = threadContext }
    return walked
  }
}
