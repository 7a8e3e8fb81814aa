//===--- FrameRecords.swift - x86 frame layouts: FPO and frame data ---------===//
//
// How an x86 function's frame is laid out, for walking stacks without frame pointers.
//   FPO_DATA (the DBI's FPO stream, 16 bytes): start u32, size u32, locals (dwords)
//     u32, parameters (dwords) u16, attributes u16 (prolog bytes 0–7, saved registers
//     8–10, SEH 11, uses EBP 12, frame type 14–15, as winnt.h declares it)
//   FRAMEDATA (the new-FPO stream, 32 bytes): start u32, size u32, locals u32,
//     parameters u32, max stack u32, program (offset into /names) u32, prolog u16,
//     saved registers u16, flags u32 (SEH 1, C++ EH 2, function start 4)
// Breakpad writes them as STACK WIN 0 and STACK WIN 4 records.
// "Uses EBP" is read from bit 10, as LLVM and Mozilla's dump_syms read it, not bit 12:
// in the VC CRT's assembler routines bit 12 is set on functions that never touch EBP
// (basic32-min.pdb: _alldiv at 0x53360 has 0x1000 and addresses its arguments from
// ESP), so bit 12 cannot mean it there.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// One x86 frame layout record.
public struct FrameRecord: Sendable, Hashable {
  /// 0 for FPO data, 4 for frame data (Breakpad's STACK WIN type).
  public var type: UInt8
  /// The first address it covers (image-relative).
  public var rva: UInt32
  /// The bytes it covers.
  public var codeSize: UInt32
  /// The prolog's length.
  public var prologSize: UInt32
  /// Bytes of parameters.
  public var parameterSize: UInt32
  /// Bytes of saved registers.
  public var savedRegisterSize: UInt32
  /// Bytes of locals.
  public var localSize: UInt32
  /// The most stack the function uses (frame data only).
  public var maxStackSize: UInt32
  /// The postfix program that recovers the caller's registers (frame data), if any.
  public var program: String?
  /// Whether the function uses EBP as a frame pointer (FPO data).
  public var allocatesBasePointer: Bool

  /// Reads a frame data stream (32-byte records), taking programs from `strings`.
  public static func frameData(_ reader: ByteReader, strings: StringTable?) throws(ReadError) -> [FrameRecord] {
    // The stream may start with a 4-byte relocation base when its size is not a multiple of 32.
    let start: UInt64 = reader.count % 32 == 4 ? 4 : 0
    let count = (UInt64(reader.count) - start) / 32
    try reader.checkArray(count: count, size: 32, at: start, "the frame data")
    var records: [FrameRecord] = []
    records.reserveCapacity(Int(count))
    for index in 0..<count {
      let at = start + index * 32
      let programOffset = try reader.read(UInt32.self, at: at + 20, "frame data")
      records.append(
        FrameRecord(
          type: 4, rva: try reader.read(UInt32.self, at: at, "frame data"),
          codeSize: try reader.read(UInt32.self, at: at + 4, "frame data"),
          prologSize: UInt32(try reader.read(UInt16.self, at: at + 24, "frame data")),
          parameterSize: try reader.read(UInt32.self, at: at + 12, "frame data"),
          savedRegisterSize: UInt32(try reader.read(UInt16.self, at: at + 26, "frame data")),
          localSize: try reader.read(UInt32.self, at: at + 8, "frame data"),
          maxStackSize: try reader.read(UInt32.self, at: at + 16, "frame data"),
          program: strings?.string(at: programOffset), allocatesBasePointer: false))
    }
    return records
  }

  /// Reads an FPO stream (16-byte records).
  public static func fpoData(_ reader: ByteReader) throws(ReadError) -> [FrameRecord] {
    let count = UInt64(reader.count / 16)
    try reader.checkArray(count: count, size: 16, at: 0, "the FPO data")
    var records: [FrameRecord] = []
    records.reserveCapacity(Int(count))
    for index in 0..<count {
      let at = index * 16
      let attributes = try reader.read(UInt16.self, at: at + 14, "FPO data")
      records.append(
        FrameRecord(
          type: 0, rva: try reader.read(UInt32.self, at: at, "FPO data"),
          codeSize: try reader.read(UInt32.self, at: at + 4, "FPO data"),
          prologSize: UInt32(attributes & 0xFF),
          parameterSize: UInt32(try reader.read(UInt16.self, at: at + 12, "FPO data")) * 4,
          savedRegisterSize: UInt32((attributes >> 8) & 0x7) * 4,
          localSize: try reader.read(UInt32.self, at: at + 8, "FPO data") &* 4,
          maxStackSize: 0, program: nil, allocatesBasePointer: attributes & 0x0400 != 0))
    }
    return records
  }
}
