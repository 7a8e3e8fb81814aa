//===--- ThreadWalk.swift - One thread walked by its architecture's walker ---===//
//
// Minidumps and microdumps both give a thread's registers and its captured
// stack; the walker is chosen by the registers' architecture. Outside Windows,
// amd64 follows frame-pointer chains (Windows x64 code keeps none), 32-bit ARM
// follows r7 records on Apple's systems only, and a scan
// stops at the process start block when the caller can find it.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Unwind

enum ThreadWalk {
  /// Walks from `context` over `memory`. `startBlock` gives, for a stack pointer and a word
  /// size, where the process start block begins (scanning stops there), when known.
  static func walk(
    _ context: RegisterContext, memory: any StackMemory, moduleIndex: ModuleIndex,
    unwindData: (any UnwindDataProvider)?, options: WalkOptions, isWindows: Bool, isApple: Bool = false,
    startBlock: ((UInt64, Int) -> UInt64?)? = nil
  ) -> WalkResult {
    var options = options
    switch context {
    case .x86(let registers):
      if !isWindows, let esp = registers[.esp] { options.scanLimit = startBlock?(esp, 4) }
      return StackwalkerX86(memory: memory, moduleIndex: moduleIndex, unwindData: unwindData, options: options)
        .walk(context: registers)
    case .alpha(let registers):
      return StackwalkerAlpha(memory: memory, moduleIndex: moduleIndex, unwindData: unwindData, options: options)
        .walk(context: registers)
    case .amd64(let registers):
      if !isWindows, let rsp = registers[.rsp] { options.scanLimit = startBlock?(rsp, 8) }
      options.followsFramePointers = !isWindows
      return StackwalkerAMD64(memory: memory, moduleIndex: moduleIndex, unwindData: unwindData, options: options)
        .walk(context: registers)
    case .arm64(let registers):
      if !isWindows, let sp = registers[.sp] { options.scanLimit = startBlock?(sp, 8) }
      return StackwalkerARM64(memory: memory, moduleIndex: moduleIndex, unwindData: unwindData, options: options)
        .walk(context: registers)
    case .arm(let registers):
      if !isWindows, let sp = registers[.sp] { options.scanLimit = startBlock?(sp, 4) }
      // Breakpad follows ARM frame records only on iOS (r7); Android and Linux keep none.
      options.armFramePointer = isApple ? .r7 : nil
      return StackwalkerARM(memory: memory, moduleIndex: moduleIndex, unwindData: unwindData, options: options)
        .walk(context: registers)
    case .riscv64(let registers):
      if !isWindows, let sp = registers[.sp] { options.scanLimit = startBlock?(sp, 8) }
      return StackwalkerRISCV64(memory: memory, moduleIndex: moduleIndex, unwindData: unwindData, options: options)
        .walk(context: registers)
    }
  }
}
