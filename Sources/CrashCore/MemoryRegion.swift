//===--- MemoryRegion.swift - Bytes of the crashed process's memory ---------===//

/// A contiguous run of bytes from the crashed process's memory, such as a raw
/// stack dump.
public struct MemoryRegion: Sendable, Hashable, Codable {
  /// The address of the first byte.
  public var base: Address
  /// The bytes, in address order.
  public var bytes: [UInt8]

  /// Creates a region.
  public init(base: Address, bytes: [UInt8]) {
    self.base = base
    self.bytes = bytes
  }

  /// The first address past the region, or `nil` if that would overflow.
  public var end: Address? { base.adding(UInt64(bytes.count)) }

  /// The little-endian 32-bit value at `address`, or `nil` when any of its four
  /// bytes lies outside the region.
  public func uint32(at address: Address) -> UInt32? {
    guard address >= base else { return nil }
    let offset = address.rawValue - base.rawValue
    guard offset <= UInt64(bytes.count), UInt64(bytes.count) - offset >= 4 else { return nil }
    let start = Int(offset)
    return UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) << 16
      | UInt32(bytes[start + 3]) << 24
  }
}
