//===--- CallStack.swift - Instruction addresses for a list of frames -------===//

/// Operations on a list of frames ordered innermost first.
public enum CallStack {
  /// Sets each frame's `instruction`: frame 0 gets `contextInstructionPointer`
  /// (when given and the frame has none), frame n gets frame n-1's
  /// `callerLookupAddress`. This is the one place where return addresses are
  /// turned into lookup addresses.
  public static func assignInstructionAddresses(
    _ frames: inout [StackFrame], architecture: Architecture,
    contextInstructionPointer: UInt64?
  ) {
    for index in frames.indices {
      if index == 0 {
        if frames[0].instruction == nil, let pointer = contextInstructionPointer {
          frames[0].instruction = Address(pointer)
        }
      } else if frames[index].instruction == nil {
        frames[index].instruction = frames[index - 1].callerLookupAddress(on: architecture)
      }
    }
  }
}
