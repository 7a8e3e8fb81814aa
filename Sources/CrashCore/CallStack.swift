//===--- CallStack.swift - Instruction addresses for a list of frames -------===//

/// Operations on a list of frames ordered innermost first.
public enum CallStack {
  /// Sets each frame's `instruction`: the first physical frame gets
  /// `contextInstructionPointer` (when given and the frame has none), each later physical
  /// frame the `callerLookupAddress` of the physical frame above it. Frames a listing printed
  /// as inlined calls (`isInlined`) have no return address: they are skipped, and each takes
  /// the instruction of the physical frame below it, which holds their code. This is the one
  /// place where return addresses are turned into lookup addresses.
  public static func assignInstructionAddresses(
    _ frames: inout [StackFrame], architecture: Architecture,
    contextInstructionPointer: UInt64?
  ) {
    var previousPhysical: Int?
    for index in frames.indices where !frames[index].isInlined {
      if frames[index].instruction == nil {
        if let previous = previousPhysical {
          frames[index].instruction = frames[previous].callerLookupAddress(on: architecture)
        } else if let pointer = contextInstructionPointer {
          frames[index].instruction = Address(pointer)
        }
      }
      previousPhysical = index
    }
    // Inlined frames, bottom up: each shares the next physical frame's instruction.
    var below: Address?
    for index in frames.indices.reversed() {
      if frames[index].isInlined {
        if frames[index].instruction == nil { frames[index].instruction = below }
      } else {
        below = frames[index].instruction
      }
    }
  }
}
