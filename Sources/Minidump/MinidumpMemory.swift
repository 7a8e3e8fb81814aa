//===--- MinidumpMemory.swift - Reading process memory out of a dump --------===//

import ByteReading
import CrashCore

/// Process memory as the dump captured it: reads by address across its ranges.
public struct MinidumpMemory: StackMemory, @unchecked Sendable {
  // Sendable: reads immutable mapped memory kept alive by `owner`.

  private let owner: MinidumpFile
  private let ranges: [MinidumpMemoryRange]

  /// The memory of `file` (its ranges are sorted and do not overlap).
  public init(_ file: MinidumpFile) {
    owner = file
    ranges = file.memoryRanges
  }

  /// The range holding `address`.
  public func range(containing address: UInt64) -> MinidumpMemoryRange? {
    guard let index = SortedSearch.lastIndex(atOrBelow: address, count: ranges.count, key: { ranges[$0].start }) else {
      return nil
    }
    let range = ranges[index]
    return address - range.start < range.size ? range : nil
  }

  /// `length` bytes at `address`, when one range holds them all.
  public func bytes(at address: UInt64, length: Int) -> UnsafeRawBufferPointer? {
    guard length >= 0, let range = range(containing: address) else { return nil }
    let offset = address - range.start
    guard UInt64(length) <= range.size - offset else { return nil }
    return try? owner.reader.slice(at: range.rva + offset, length: UInt64(length), "process memory")
  }

  /// The 32-bit little-endian value at `address`.
  public func uint32(at address: UInt64) -> UInt32? {
    bytes(at: address, length: 4).map { $0.loadUnaligned(as: UInt32.self).littleEndian }
  }

  /// The 64-bit little-endian value at `address`.
  public func uint64(at address: UInt64) -> UInt64? {
    bytes(at: address, length: 8).map { $0.loadUnaligned(as: UInt64.self).littleEndian }
  }
}
