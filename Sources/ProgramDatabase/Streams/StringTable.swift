//===--- StringTable.swift - The "/names" stream ----------------------------===//
//
//   magic 0xEFFEEFFE u32, hash version u32, buffer size u32, the NUL-terminated
//   strings (offset 0 is the empty string), then a hash table this reader skips.
// File checksums and frame data programs name their strings by buffer offset.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// The PDB's shared string table.
public struct StringTable: Sendable {
  private let stream: MSFStream
  private let bufferSize: UInt64

  /// Reads the header of a "/names" stream.
  public init(_ stream: MSFStream) throws(ReadError) {
    let reader = stream.reader
    let magic = try reader.read(UInt32.self, at: 0, "the string table's magic")
    guard magic == 0xEFFE_EFFE else { throw ReadError(.invalidValue, at: 0, reading: "the string table's magic") }
    bufferSize = UInt64(try reader.read(UInt32.self, at: 8, "the string table's size"))
    try reader.check(offset: 12, length: bufferSize, "the string table")
    self.stream = stream
  }

  /// The string at `offset` in the buffer, `nil` past its end.
  public func string(at offset: UInt32) -> String? {
    guard UInt64(offset) < bufferSize else { return nil }
    let reader = stream.reader
    guard let bytes = try? reader.slice(at: 12 + UInt64(offset), length: bufferSize - UInt64(offset), "a string")
    else { return nil }
    let end = bytes.firstIndex(of: 0) ?? bytes.count
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
  }
}
