//===--- StackwalkerAMD64.swift - Walking an x86-64 stack -------------------===//
//
// Strategies in order: STACK CFI rules (`.cfa: $rsp 8 + .ra: .cfa -8 + ^`),
// the RBP chain ([rbp] the caller's RBP, [rbp+8] the return address, caller
// RSP = rbp + 16) when RBP points into the stack above RSP (not on Windows,
// where MSVC and LLVM keep no such chain: WalkOptions.followsFramePointers),
// then scanning quadwords for an address inside a module. The frame column is
// the Child-SP (RSP), as WinDbg prints it for x64; arguments travel in
// registers, so no parameter columns are reported.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Walks x86-64 stacks.
public struct StackwalkerAMD64: StackWalker, WalksInEnvironment {
  let environment: WalkEnvironment

  /// A walker with modules already sorted (one map serves every thread of a dump).
  public init(
    memory: any StackMemory, moduleIndex: ModuleIndex, unwindData: (any UnwindDataProvider)? = nil,
    options: WalkOptions = WalkOptions()
  ) {
    environment = WalkEnvironment(memory: memory, modules: moduleIndex, unwindData: unwindData, options: options)
  }

  private static let calleeSaved = ["$rbx", "$rbp", "$r12", "$r13", "$r14", "$r15"]

  private struct Frame: WalkerFrame {
    var rip: UInt64
    var rsp: UInt64
    var registers: [String: UInt64]
    var trust: FrameTrust
    var pc: UInt64 { rip }
    var sp: UInt64 { rsp }
  }

  /// Walks from a thread's context.
  public func walk(context: RegisterFile<AMD64Register>) -> WalkResult {
    guard let rip = context[.rip], let rsp = context[.rsp] else {
      return WalkResult(frames: [], stopReason: "the context has no rip or rsp")
    }
    var registers: [String: UInt64] = [:]
    for register in AMD64Register.allCases where register != .eflags {
      if let value = context[register] { registers["$" + register.name] = value }
    }
    let loop = environment.walkLoop(from: Frame(rip: rip, rsp: rsp, registers: registers, trust: .context)) {
      callerFrame($0)
    }
    let frames = loop.frames
    var walked = frames.enumerated().map { index, frame -> StackFrame in
      var file = RegisterFile<AMD64Register>()
      file[.rip] = frame.rip
      file[.rsp] = frame.rsp
      if let rbp = frame.registers["$rbp"] { file[.rbp] = rbp }
      var result = StackFrame(
        index: index, framePointer: Address(frame.rsp),
        returnAddress: index + 1 < frames.count ? Address(frames[index + 1].rip) : nil,
        instruction: Address(index == 0 ? frame.rip : frame.rip &- 1), trust: frame.trust)
      result.context = .amd64(file)
      return result
    }
    walked[0].context = .amd64(context)
    return WalkResult(frames: walked, stopReason: loop.stopReason)
  }

  private func callerFrame(_ frames: [Frame]) -> Frame? {
    let callee = frames[frames.count - 1]
    let lookup = frames.count == 1 ? callee.rip : callee.rip &- 1
    if let (info, relative) = environment.unwindInfo(at: lookup), let rules = info.cfiRules(at: relative),
      let ruleSet = CFIRuleSet(rules.rules)
    {
      var variables = callee.registers
      variables["$rsp"] = callee.rsp
      variables["$rip"] = callee.rip
      if let caller = ruleSet.callerRegisters(from: variables, memory: memory, wordSize: 8),
        let rip = caller[".ra"], let rsp = caller[".cfa"]
      {
        var registers: [String: UInt64] = [:]
        for name in Self.calleeSaved { registers[name] = caller[name] ?? callee.registers[name] }
        return Frame(rip: rip, rsp: rsp, registers: registers, trust: .cfi)
      }
    }
    if options.followsFramePointers, let caller = callerByFramePointer(callee) { return caller }
    let words = frames.count == 1 ? options.contextScanWords : options.scanWords
    guard options.allowsScanning, let found = environment.scan(from: callee.rsp, words: words, wordSize: 8) else {
      return nil
    }
    var registers: [String: UInt64] = [:]
    for name in Self.calleeSaved where name != "$rbp" { registers[name] = callee.registers[name] }
    registers["$rbp"] = Self.framePointer(afterScanningTo: found.location, callee: callee.registers["$rbp"], memory: memory)
    return Frame(rip: found.address, rsp: found.location &+ 8, registers: registers, trust: .scan)
  }

  /// The rbp chain: [rbp] the caller's rbp, [rbp+8] the return address, the caller's rsp rbp + 16.
  /// `rbp == rsp` is a frame too: a function that pushed rbp and set it from rsp, and has not
  /// (yet) reserved its locals. Taken, as Breakpad takes it, when the return address is a
  /// canonical address and the caller's rbp lies at or above its rsp in readable memory (JIT
  /// code that keeps frame pointers has return addresses in no module); and also, where
  /// Breakpad refuses, when the return address is in a module (the outermost frame's caller
  /// has rbp 0: `__libc_start_main` is found without scanning).
  private func callerByFramePointer(_ callee: Frame) -> Frame? {
    guard let rbp = callee.registers["$rbp"], rbp >= callee.rsp, rbp % 8 == 0,
      let savedRBP = memory.uint64(at: rbp), let returnAddress = memory.uint64(at: rbp &+ 8)
    else { return nil }
    let callerRSP = rbp &+ 16
    let chainGoesOn =
      Self.isCanonical(returnAddress) && savedRBP >= callerRSP && memory.uint64(at: savedRBP) != nil
    guard chainGoesOn || modules.module(containing: returnAddress) != nil else { return nil }
    var registers: [String: UInt64] = [:]
    for name in Self.calleeSaved { registers[name] = callee.registers[name] }
    registers["$rbp"] = savedRBP
    return Frame(rip: returnAddress, rsp: callerRSP, registers: registers, trust: .framePointer)
  }

  /// Whether `address` is in x86-64 canonical form (bits 47 … 63 all equal).
  static func isCanonical(_ address: UInt64) -> Bool {
    address <= 0x0000_7FFF_FFFF_FFFF || address >= 0xFFFF_8000_0000_0000
  }

  /// The caller's rbp when its return address was found by scanning at `location`, so that a
  /// later step can take the frame-pointer chain up again (as Breakpad does): a function pushes
  /// its caller's rbp on entry and points rbp at it, so a callee rbp just below the return
  /// address holds the caller's; a callee rbp further up is the caller's own, left unchanged.
  /// Nil when neither holds.
  static func framePointer(afterScanningTo location: UInt64, callee rbp: UInt64?, memory: any StackMemory) -> UInt64? {
    guard let rbp else { return nil }
    if rbp == location &- 8 {
      guard let saved = memory.uint64(at: rbp), saved > location else { return nil }
      return saved
    }
    return rbp >= location &+ 8 ? rbp : nil
  }
}
