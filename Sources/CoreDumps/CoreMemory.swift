//===--- CoreMemory.swift - A core's memory, for the stack walkers -----------===//

import CrashCore

/// The memory a core kept, read by address (what its segments hold in the file).
public struct CoreMemory: StackMemory, @unchecked Sendable {
  // Sendable: reads the core's immutable mapping.
  private let core: ELFCoreFile

  /// The memory of `core`.
  public init(_ core: ELFCoreFile) { self.core = core }

  /// The 32-bit little-endian value at `address`, or nil where the core kept none.
  public func uint32(at address: UInt64) -> UInt32? {
    guard let bytes = core.memory(at: address, length: 4) else { return nil }
    return UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
  }

  /// The 64-bit little-endian value at `address`, or nil where the core kept none.
  public func uint64(at address: UInt64) -> UInt64? {
    guard let bytes = core.memory(at: address, length: 8) else { return nil }
    return UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
  }
}
