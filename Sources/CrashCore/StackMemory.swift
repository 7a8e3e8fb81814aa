//===--- StackMemory.swift - Memory a stack walker can read -----------------===//

/// Process memory that a stack walker reads: a dump's memory ranges, or a test's.
public protocol StackMemory {
  /// The 32-bit little-endian value at `address`, or nil when not captured.
  func uint32(at address: UInt64) -> UInt32?
  /// The 64-bit little-endian value at `address`, or nil when not captured.
  func uint64(at address: UInt64) -> UInt64?
}
