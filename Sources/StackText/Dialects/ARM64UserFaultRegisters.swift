//===--- ARM64UserFaultRegisters.swift - The pc arm64's fault line leaves out ===//
//
// arm64's kernel prints a program's fatal fault without the pc (LinuxUserFault),
// then the task line and the registers (`__show_regs`): `pc : …`, `lr : …`,
// `sp : …`, `x29: … x28: …` down to `x0`. The fault waits here for them: the
// lines between (the task, `Hardware name:`, `pstate:`, vendor additions) are
// left to the other recognisers; the register lines are read, and the first
// line after them that is no register line gives the fault out. A fault whose
// registers do not come within 24 lines is given out without a frame.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// arm64's fault line, waiting for the registers printed after it.
struct ARM64UserFaultRegisters {
  private var fault: LinuxUserFault?
  /// Lines seen since the fault line while no register came.
  private var linesWithoutRegisters = 0

  /// Whether a fault is waiting.
  var isCollecting: Bool { fault != nil }

  /// Lines a fault waits for its registers.
  static let patience = 24

  /// Waits for `fault`'s registers (giving out a fault already waiting).
  mutating func start(_ fault: LinuxUserFault, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    finish(emit: emit, emitThread: emitThread)
    self.fault = fault
    linesWithoutRegisters = 0
  }

  /// Takes a register line of the waiting fault; false for any other line (which gives the
  /// fault out once its registers were read, or it waited too long).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    guard var waiting = fault else { return false }
    let start = KernelOops.payloadStart(line)
    let pairs = start < line.tokens.count ? KernelOops.registers(line.droppingTokens(start)) : []
    let named = pairs.filter { Self.isRegisterName($0.name) }
    if !named.isEmpty, named.count == pairs.count, waiting.registers.count < 40 {
      waiting.registers += named
      waiting.registerLines = (waiting.registerLines ?? LineRange(line: line.number)).including(line.number)
      if let pc = named.first(where: { $0.name == "pc" })?.value {
        waiting.ip = pc
        waiting.ipDigits = 16
      }
      fault = waiting
      return true
    }
    linesWithoutRegisters += 1
    if !waiting.registers.isEmpty || linesWithoutRegisters > Self.patience { finish(emit: emit, emitThread: emitThread) }
    return false
  }

  /// Gives the waiting fault out, with the registers read.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    guard var waiting = fault else { return }
    fault = nil
    // Without a pc the registers are some other dump's.
    if !waiting.registers.contains(where: { $0.name == "pc" }) {
      waiting.registers = []
      waiting.registerLines = nil
    }
    waiting.emit(emit, emitThread: emitThread)
  }

  /// `pc`, `lr`, `sp` and `x0` … `x30`.
  private static func isRegisterName(_ name: String) -> Bool {
    if name == "pc" || name == "lr" || name == "sp" { return true }
    guard name.hasPrefix("x"), let number = Int(name.dropFirst()) else { return false }
    return (0...30).contains(number)
  }
}
