//===--- ByteReader.swift - Bounds-checked little-endian reads --------------===//
//
// Every read from a dump goes through here: an offset and a length are checked
// against the buffer before any byte is touched, with overflow-safe arithmetic,
// and a failure names the offset. Nothing allocates in proportion to a count
// read from input until that count has been checked against what is there.
//
//===----------------------------------------------------------------------===//

/// Why a read failed, and where.
public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What kind of failure.
  public enum Kind: String, Sendable, Equatable {
    /// The read would run past the end of the data.
    case outOfBounds = "past the end of the data"
    /// An offset plus a length overflowed.
    case overflow = "offset arithmetic overflows"
    /// A count or size is larger than the data could hold.
    case implausibleCount = "count larger than the data"
    /// A field holds a value the format does not allow.
    case invalidValue = "invalid value"
  }

  /// The kind.
  public var kind: Kind
  /// The byte offset in the file.
  public var offset: UInt64
  /// What was being read.
  public var what: String

  /// Creates an error.
  public init(_ kind: Kind, at offset: UInt64, reading what: String) {
    self.kind = kind
    self.offset = offset
    self.what = what
  }

  /// `offset 0x1a4: reading the module list: past the end of the data`.
  public var description: String { "offset 0x\(String(offset, radix: 16)): reading \(what): \(kind.rawValue)" }
}

/// Reads little-endian values from a buffer, checking every access.
public struct ByteReader: @unchecked Sendable {
  // Sendable: a view of immutable mapped memory owned by the caller.

  /// The data.
  public let bytes: UnsafeRawBufferPointer

  /// A reader over `bytes`.
  public init(_ bytes: UnsafeRawBufferPointer) {
    self.bytes = bytes
  }

  /// The data's size.
  public var count: Int { bytes.count }

  /// Whether `length` bytes at `offset` lie inside the data.
  public func contains(offset: UInt64, length: UInt64) -> Bool {
    let (end, overflow) = offset.addingReportingOverflow(length)
    return !overflow && end <= UInt64(bytes.count)
  }

  /// Throws unless `length` bytes at `offset` lie inside the data.
  public func check(offset: UInt64, length: UInt64, _ what: @autoclosure () -> String) throws(ReadError) {
    let (end, overflow) = offset.addingReportingOverflow(length)
    if overflow { throw ReadError(.overflow, at: offset, reading: what()) }
    if end > UInt64(bytes.count) { throw ReadError(.outOfBounds, at: offset, reading: what()) }
  }

  /// A little-endian unsigned 8-, 16-, 32- or 64-bit value at `offset`.
  public func read<T: FixedWidthInteger & UnsignedInteger>(
    _ type: T.Type, at offset: UInt64, _ what: @autoclosure () -> String
  ) throws(ReadError) -> T {
    try check(offset: offset, length: UInt64(MemoryLayout<T>.size), what())
    return T(littleEndian: bytes.loadUnaligned(fromByteOffset: Int(offset), as: T.self))
  }

  /// `length` bytes at `offset`, as a slice of the data (no copy).
  public func slice(at offset: UInt64, length: UInt64, _ what: @autoclosure () -> String) throws(ReadError)
    -> UnsafeRawBufferPointer
  {
    try check(offset: offset, length: length, what())
    return UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<Int(offset + length)])
  }

  /// Checks that `count` records of `size` bytes at `offset` fit in the data, before anything
  /// is allocated for them.
  public func checkArray(count: UInt64, size: UInt64, at offset: UInt64, _ what: @autoclosure () -> String)
    throws(ReadError)
  {
    let (total, overflow) = count.multipliedReportingOverflow(by: size)
    if overflow || total > UInt64(bytes.count) { throw ReadError(.implausibleCount, at: offset, reading: what()) }
    try check(offset: offset, length: total, what())
  }
}
