//===--- WalkLoop.swift - The loop and termination rules every walker shares -===//
//
// Each walker knows how to find one caller frame; this loop asks for callers
// until one of the rules the walkers share stops it: the frame limit, no
// caller found, a caller whose instruction pointer is 0 (the end of the
// stack), a stack pointer that does not grow (only a leaf step through the
// return-address register may keep it), and no progress at all.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// What the shared loop needs of a walker's working frame.
protocol WalkerFrame {
  /// The instruction pointer.
  var pc: UInt64 { get }
  /// The stack pointer.
  var sp: UInt64 { get }
  /// How the frame was found.
  var trust: FrameTrust { get }
  /// Whether it may have its callee's stack pointer: a caller found through a return-address
  /// register (the callee is a leaf that reserved no stack).
  var mayKeepStackPointer: Bool { get }
}

extension WalkerFrame {
  /// A caller found through the return-address register may keep its callee's stack pointer.
  var mayKeepStackPointer: Bool { trust == .returnAddressRegister }
}

/// The frames a walk found and why it stopped.
struct WalkLoopResult<Frame: WalkerFrame> {
  /// Innermost first; never empty.
  var frames: [Frame]
  /// Why the walk stopped, for the report.
  var stopReason: String
  /// Whether it stopped at a caller whose instruction pointer is 0.
  var endedAtZeroInstructionPointer = false
}

extension WalkEnvironment {
  /// Walks from `first`, asking `caller` (given the frames so far) for each next frame.
  func walkLoop<Frame: WalkerFrame>(from first: Frame, caller: ([Frame]) -> Frame?) -> WalkLoopResult<Frame> {
    var frames = [first]
    while true {
      guard frames.count < options.maximumFrames else {
        return WalkLoopResult(frames: frames, stopReason: "the frame limit (\(options.maximumFrames)) was reached")
      }
      lastScan.exhaustedBytes = nil
      guard let next = caller(frames) else { return WalkLoopResult(frames: frames, stopReason: noCallerReason) }
      if next.pc == 0 {
        return WalkLoopResult(
          frames: frames, stopReason: "the caller's instruction pointer is 0 (the end of the stack)",
          endedAtZeroInstructionPointer: true)
      }
      let callee = frames[frames.count - 1]
      if next.sp < callee.sp || (next.sp == callee.sp && !next.mayKeepStackPointer) {
        return WalkLoopResult(frames: frames, stopReason: "the stack pointer did not grow (0x\(String(next.sp, radix: 16)))")
      }
      if next.pc == callee.pc && next.sp == callee.sp {
        return WalkLoopResult(frames: frames, stopReason: "the walk made no progress")
      }
      frames.append(next)
    }
  }
}
