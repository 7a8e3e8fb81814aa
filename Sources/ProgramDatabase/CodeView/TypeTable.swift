//===--- TypeTable.swift - The TPI and IPI streams: type and id records -------===//
//
// Stream 2 (TPI: types) and stream 4 (IPI: ids) share one layout: a 56-byte header
// (version, header size, first index, end index, record bytes, hash stream numbers,
// …) then records of length u16, leaf kind u16, payload. Record n has index
// first + n; indices below 0x1000 are primitive types with no record. Only an offset
// per record is kept; records are read when a name needs them.
// Layout: LLVM's "The TPI & IPI Hash Streams" (llvm.org/docs/PDB/TpiStream.html).
//
//===----------------------------------------------------------------------===//

import ByteReading

/// One type or id record: its leaf kind and payload.
public struct TypeRecord: Sendable {
  /// The leaf kind (`LF_POINTER`, `LF_PROCEDURE`, …).
  public var kind: UInt16
  /// The payload's offset in the stream.
  public var offset: UInt64
  /// The payload's length.
  public var length: UInt64
}

/// The records of a TPI or IPI stream, by index.
public struct TypeTable: Sendable {
  /// The stream the records live in.
  public let stream: MSFStream
  /// The first record's index (0x1000 in practice).
  public let firstIndex: UInt32
  private let offsets: [UInt32]

  /// Indexes the records of a TPI or IPI stream.
  public init(_ stream: MSFStream) throws(ReadError) {
    let reader = stream.reader
    let headerSize = UInt64(try reader.read(UInt32.self, at: 4, "the type stream's header size"))
    firstIndex = try reader.read(UInt32.self, at: 8, "the type stream's first index")
    let endIndex = try reader.read(UInt32.self, at: 12, "the type stream's end index")
    let recordBytes = UInt64(try reader.read(UInt32.self, at: 16, "the type stream's record size"))
    try reader.check(offset: headerSize, length: recordBytes, "the type records")
    guard firstIndex >= 0x1000, endIndex >= firstIndex, UInt64(endIndex - firstIndex) <= recordBytes / 4 else {
      throw ReadError(.implausibleCount, at: 8, reading: "the type index range")
    }
    var offsets: [UInt32] = []
    offsets.reserveCapacity(Int(endIndex - firstIndex))
    var cursor = headerSize
    let end = headerSize + recordBytes
    while cursor + 4 <= end && offsets.count < Int(endIndex - firstIndex) {
      let length = UInt64(try reader.read(UInt16.self, at: cursor, "a type record's length"))
      guard length >= 2, cursor + 2 + length <= end else {
        throw ReadError(.outOfBounds, at: cursor, reading: "a type record of \(length) bytes")
      }
      offsets.append(UInt32(cursor))
      cursor += 2 + length
    }
    self.offsets = offsets
    self.stream = stream
  }

  /// Whether the stream holds no records (a PDB stripped of its types).
  public var isEmpty: Bool { offsets.isEmpty }

  /// The record for `index`, `nil` for primitive indices and indices out of range.
  public func record(_ index: UInt32) -> TypeRecord? {
    guard index >= firstIndex, Int(index - firstIndex) < offsets.count else { return nil }
    let offset = UInt64(offsets[Int(index - firstIndex)])
    let reader = stream.reader
    guard let length = try? reader.read(UInt16.self, at: offset, "a type record"),
      let kind = try? reader.read(UInt16.self, at: offset + 2, "a type record")
    else { return nil }
    return TypeRecord(kind: kind, offset: offset + 4, length: UInt64(length) - 2)
  }

  /// A little-endian value at `position` in `record`'s payload.
  public func field<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, _ record: TypeRecord, at position: UInt64)
    -> T?
  {
    guard position + UInt64(MemoryLayout<T>.size) <= record.length else { return nil }
    return try? stream.reader.read(T.self, at: record.offset + position, "a type record's field")
  }

  /// A numeric leaf at `position` (a value below 0x8000, or a kind then the value) and the
  /// bytes it took.
  public func numeric(_ record: TypeRecord, at position: UInt64) -> (value: UInt64, size: UInt64)? {
    guard let leaf = field(UInt16.self, record, at: position) else { return nil }
    if leaf < 0x8000 { return (UInt64(leaf), 2) }
    switch leaf {
    case 0x8000: return field(UInt8.self, record, at: position + 2).map { (UInt64($0), 3) }
    case 0x8001, 0x8002: return field(UInt16.self, record, at: position + 2).map { (UInt64($0), 4) }
    case 0x8003, 0x8004: return field(UInt32.self, record, at: position + 2).map { (UInt64($0), 6) }
    case 0x8009, 0x800A: return field(UInt64.self, record, at: position + 2).map { ($0, 10) }
    default: return nil
    }
  }

  /// The NUL-terminated string at `position` in `record`'s payload.
  public func string(_ record: TypeRecord, at position: UInt64) -> String? {
    guard position <= record.length,
      let bytes = try? stream.reader.slice(at: record.offset + position, length: record.length - position, "a name")
    else { return nil }
    let end = bytes.firstIndex(of: 0) ?? bytes.count
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
  }
}
