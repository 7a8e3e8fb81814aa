//===--- StackwalkerX86.swift - Walking an i386 stack ------------------------===//
//
// From the context frame outwards, each caller is found by the first strategy
// that works, as Breakpad's x86 walker orders them:
//   1. Windows frame data (`STACK WIN 4` program strings) or FPO (`STACK WIN 0`,
//      turned into the equivalent program) from the module's symbol file;
//   2. `STACK CFI` rules;
//   3. the EBP chain: [ebp] is the caller's EBP, [ebp+4] the return address;
//   4. scanning the stack for a word that points into a module's code.
// Each frame reports its EBP, its return address and [ebp+8], [ebp+0xC],
// [ebp+0x10] as parameters — the columns Dr. Watson and `kb` printed.
// The walk stops when no caller is found, the caller's EIP is 0, the stack
// pointer does not grow, or the frame limit is reached.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Walks x86 stacks.
public struct StackwalkerX86: StackWalker, WalksInEnvironment {
  let environment: WalkEnvironment

  /// A walker with modules already sorted (one map serves every thread of a dump).
  public init(
    memory: any StackMemory, moduleIndex: ModuleIndex, unwindData: (any UnwindDataProvider)? = nil,
    options: WalkOptions = WalkOptions()
  ) {
    environment = WalkEnvironment(memory: memory, modules: moduleIndex, unwindData: unwindData, options: options)
  }

  /// One walked frame's registers and how it was found.
  private struct Frame: WalkerFrame {
    var eip: UInt64
    var esp: UInt64
    var ebp: UInt64
    var others: [String: UInt64] = [:]
    var trust: FrameTrust
    /// Parameter bytes its callee pops on return (`parameter_size` of the STACK WIN record that
    /// found this frame): they lie between the callee's return address and this frame's locals,
    /// so the next step's `.cbCalleeParams` (0 when the frame was found otherwise).
    var calleeParameterSize: UInt64 = 0
    var pc: UInt64 { eip }
    var sp: UInt64 { esp }
  }

  /// Walks from a thread's context.
  public func walk(context: RegisterFile<X86Register>) -> WalkResult {
    guard let eip = context[.eip], let esp = context[.esp] else {
      return WalkResult(frames: [], stopReason: "the context has no eip or esp")
    }
    var frames = [Frame(eip: eip, esp: esp, ebp: context[.ebp] ?? 0, trust: .context)]
    for register in [X86Register.ebx, .esi, .edi] {
      if let value = context[register] { frames[0].others["$" + register.name] = value }
    }
    let loop = environment.walkLoop(from: frames[0]) { callerFrame($0) }
    frames = loop.frames
    var walked = frames.enumerated().map { index, frame in
      stackFrame(frame, index: index, next: index + 1 < frames.count ? frames[index + 1] : nil)
    }
    // The context frame keeps every register of the context; the outermost frame shows
    // the zero return address that ended the chain, as debuggers print it.
    walked[0].context = .x86(context)
    if loop.endedAtZeroInstructionPointer { walked[walked.count - 1].returnAddress = Address(0) }
    return WalkResult(frames: walked, stopReason: loop.stopReason)
  }

  private func stackFrame(_ frame: Frame, index: Int, next: Frame?) -> StackFrame {
    var registers = RegisterFile<X86Register>()
    registers[.eip] = frame.eip
    registers[.esp] = frame.esp
    registers[.ebp] = frame.ebp
    var parameters: [UInt64?] = []
    for offset in [8, 12, 16] as [UInt64] { parameters.append(memory.uint32(at: frame.ebp &+ offset).map(UInt64.init)) }
    var result = StackFrame(
      index: index, framePointer: Address(frame.ebp), returnAddress: next.map { Address($0.eip) },
      instruction: Address(index == 0 ? frame.eip : frame.eip &- 1), parameters: parameters,
      parameterSource: .stack, trust: frame.trust)
    result.context = .x86(registers)
    return result
  }

  // MARK: - Finding the caller

  private func callerFrame(_ frames: [Frame]) -> Frame? {
    let callee = frames[frames.count - 1]
    let lookup = frames.count == 1 ? callee.eip : callee.eip &- 1
    if let (info, relative) = environment.unwindInfo(at: lookup) {
      if let windows = info.windowsFrameInfo(at: relative), let caller = byWindowsFrameInfo(frames, windows) {
        return caller
      }
      if let rules = info.cfiRules(at: relative), let caller = byCFI(callee, rules) {
        return caller
      }
    }
    return byFramePointer(frames)
  }

  /// STACK WIN: run the frame's program (or the one FPO data implies).
  private func byWindowsFrameInfo(_ frames: [Frame], _ info: WindowsFrameInfo) -> Frame? {
    let callee = frames[frames.count - 1]
    let calleeParameters = callee.calleeParameterSize
    var searchStart = callee.esp &+ calleeParameters &+ info.localSize &+ info.savedRegisterSize
    // A context frame with FPO data whose return-address search lands on its own EIP
    // found a stale copy; search on (as Breakpad does).
    // Breakpad looks three words past .raSearchStart (its bound inclusive: four words), in case
    // the stack was aligned.
    if let found = scanForReturnAddress(from: searchStart, words: 4), frames.count == 1, info.kind == .fpo,
      found.location == searchStart, found.address == callee.eip
    {
      searchStart &+= 4
    }
    if let found = scanForReturnAddress(from: searchStart, words: 4) { searchStart = found.location }
    let scanWords = frames.count == 1 ? options.contextScanWords : options.scanWords
    var variables: [String: UInt64] = [
      "$eip": callee.eip, "$esp": callee.esp, "$ebp": callee.ebp, ".cbCalleeParams": calleeParameters,
      ".cbSavedRegs": info.savedRegisterSize, ".cbLocals": info.localSize, ".cbParams": info.parameterSize,
      ".raSearchStart": searchStart, ".raSearch": searchStart,
    ]
    for (name, value) in callee.others { variables[name] = value }
    let program: String
    var recoversEBP = true
    if let given = info.programString {
      program = given
    } else if info.allocatesBasePointer {
      program = "$eip .raSearchStart ^ = $ebp $esp .cbCalleeParams + .cbSavedRegs + 8 - ^ = $esp .raSearchStart 4 + ="
    } else {
      program = "$eip .raSearchStart ^ = $esp .raSearchStart 4 + ="
      recoversEBP = false
    }
    var evaluator = PostfixEvaluator(variables: variables, memory: memory, wordSize: 4)
    var trust = FrameTrust.frameData
    var offset: UInt64 = 0
    var eip: UInt64
    var esp: UInt64
    if evaluator.run(program), evaluator.assigned.contains("$eip"), evaluator.assigned.contains("$esp"),
      let newEIP = evaluator.variables["$eip"], let newESP = evaluator.variables["$esp"]
    {
      eip = newEIP
      esp = newESP
    } else {
      guard options.allowsScanning, let found = scanForReturnAddress(from: callee.esp, words: scanWords) else {
        return nil
      }
      eip = found.address
      esp = found.location &+ 4
      evaluator.variables["$eip"] = eip
      evaluator.variables["$esp"] = esp
      trust = .scan
    }
    var ebp = evaluator.variables["$ebp"] ?? callee.ebp
    if eip != 0 || ebp != 0 {
      // A return address outside every module means the program was wrong here: scan on.
      if modules.module(containing: eip) == nil, options.allowsScanning {
        let start = (variables[".raSearchStart"] ?? searchStart) &+ 4
        if let found = scanForReturnAddress(from: start, words: scanWords) {
          eip = found.address
          esp = found.location &+ 4
          offset = found.location &- start
          trust = .frameDataScan
        }
      }
      if recoversEBP {
        // If frames were skipped, or the recovered EBP does not point into memory, look
        // for a saved EBP among the saved registers.
        let skipped = trust != .frameData && ebp <= searchStart &+ offset
        if skipped || memory.uint32(at: ebp) == nil {
          let end = callee.esp &+ calleeParameters
          var location = end &+ info.savedRegisterSize &+ offset
          var steps = 0
          while location >= end && steps < 1024 {
            guard let candidate = memory.uint32(at: location).map(UInt64.init) else { break }
            if memory.uint32(at: candidate) != nil {
              ebp = candidate
              break
            }
            if location < 4 { break }
            location -= 4
            steps += 1
          }
        }
      }
    }
    var caller = Frame(eip: eip, esp: esp, ebp: ebp, trust: trust, calleeParameterSize: info.parameterSize)
    for name in ["$ebx", "$esi", "$edi"] {
      if let value = evaluator.assigned.contains(name) ? evaluator.variables[name] : callee.others[name] {
        caller.others[name] = value
      }
    }
    return caller
  }

  /// STACK CFI rules.
  private func byCFI(_ callee: Frame, _ rules: CFIRules) -> Frame? {
    guard let ruleSet = CFIRuleSet(rules.rules) else { return nil }
    var registers: [String: UInt64] = ["$eip": callee.eip, "$esp": callee.esp, "$ebp": callee.ebp]
    for (name, value) in callee.others { registers[name] = value }
    guard let caller = ruleSet.callerRegisters(from: registers, memory: memory, wordSize: 4),
      let eip = caller[".ra"], let esp = caller[".cfa"]
    else { return nil }
    // Callee-saved registers without a rule keep their values.
    var frame = Frame(eip: eip, esp: esp, ebp: caller["$ebp"] ?? callee.ebp, trust: .cfi)
    for name in ["$ebx", "$esi", "$edi"] { frame.others[name] = caller[name] ?? callee.others[name] }
    return frame
  }

  /// The EBP chain, then scanning.
  private func byFramePointer(_ frames: [Frame]) -> Frame? {
    let callee = frames[frames.count - 1]
    if let returnAddress = memory.uint32(at: callee.ebp &+ 4), let savedEBP = memory.uint32(at: callee.ebp) {
      return Frame(eip: UInt64(returnAddress), esp: callee.ebp &+ 8, ebp: UInt64(savedEBP), trust: .framePointer)
    }
    guard options.allowsScanning else { return nil }
    let words = frames.count == 1 ? options.contextScanWords : options.scanWords
    guard let found = scanForReturnAddress(from: callee.esp, words: words) else { return nil }
    return Frame(
      eip: found.address, esp: found.location &+ 4, ebp: Self.framePointer(afterScanningTo: found.location, callee: callee.ebp, memory: memory),
      trust: .scan)
  }

  /// The largest gap between a saved ebp and the frame it is saved in that Breakpad takes as a
  /// frame (99.5 % of the frames of the libraries it measured are smaller).
  static let maximumFrameGap: UInt64 = 128 * 1024

  /// The caller's ebp when its return address was found by scanning at `location`: the word
  /// just below it, where a function that keeps a frame pointer pushed its caller's ebp, when
  /// that points above it by less than `maximumFrameGap`; else the callee's, unchanged (as
  /// Breakpad restores the chain, so that the next step can follow it again).
  static func framePointer(afterScanningTo location: UInt64, callee ebp: UInt64, memory: any StackMemory) -> UInt64 {
    let slot = location &- 4
    guard let saved = memory.uint32(at: slot).map(UInt64.init), saved > slot, saved &- slot <= maximumFrameGap else {
      return ebp
    }
    return saved
  }

  /// The first dword at or above `start` (within `words` words) that points into a module.
  private func scanForReturnAddress(from start: UInt64, words: Int) -> (location: UInt64, address: UInt64)? {
    environment.scan(from: start, words: words, wordSize: 4)
  }
}
