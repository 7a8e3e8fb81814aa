//===--- PrintedAddress.swift - Frames from the addresses a listing printed -----===//
//
// Debuggers and crash reporters that print one address per frame (gdb, lldb, the
// Swift runtime, Apple's reports, glibc's backtrace_symbols) print the pc for the
// innermost frame and for a frame a signal interrupted, and the return address
// into the function for a caller. A caller's return address is, in this model,
// the frame above's `returnAddress` (it returns there), and its instruction is
// that address stepped back into the call (`CallStack.assignInstructionAddresses`).
// Inlined frames print their physical frame's address and take its instruction.
//
//===----------------------------------------------------------------------===//

/// What a printed frame address is.
public enum PrintedAddress: Sendable, Hashable {
  /// The instruction the frame was at (the innermost frame, one a signal interrupted).
  case pc(UInt64)
  /// The return address into the frame's function (a caller); the innermost frame's is read
  /// as its pc.
  case returnAddress(UInt64)
  /// No address printed.
  case none
}

extension CallStack {
  /// Places the printed addresses (one per frame, in order) in `frames`: a physical frame's pc
  /// as its instruction, a caller's return address as the return address of the physical frame
  /// above it; then each instruction the return addresses imply, and the inlined frames'.
  public static func place(_ addresses: [PrintedAddress], in frames: inout [StackFrame], architecture: Architecture) {
    var previousPhysical: Int?
    for index in frames.indices where !frames[index].isInlined {
      switch addresses[index] {
      case .returnAddress(let address) where previousPhysical != nil:
        frames[previousPhysical!].returnAddress = Address(address)
      case .returnAddress(let address), .pc(let address):
        frames[index].instruction = Address(address)
      case .none:
        break
      }
      previousPhysical = index
    }
    assignInstructionAddresses(&frames, architecture: architecture, contextInstructionPointer: nil)
  }
}
