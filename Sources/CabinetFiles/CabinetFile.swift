//===--- CabinetFile.swift - CAB-compressed files (.pd_, .dl_, .ex_) ---------===//
//
// A symbol server keeps files compressed as one-file Microsoft cabinets, the last
// letter of the extension replaced by `_` (basic32.pd_). This extracts the first
// (only) file of a cabinet held in memory through libmspack (MSZIP, LZX and Quantum
// as the format allows), never writing more than a caller's limit.
// Format: Microsoft's "Cabinet File Format" ([MS-CAB]); libmspack does the decoding.
//
//===----------------------------------------------------------------------===//

import CLibMSPack

#if canImport(Glibc)
  import Glibc
#endif

/// Why a cabinet could not be extracted.
public enum CabinetError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The data is not a cabinet (no `MSCF` signature).
  case notACabinet
  /// libmspack refused it; the code and its meaning.
  case damaged(code: Int32, reason: String)
  /// The extracted file would be larger than allowed.
  case tooLarge(limit: Int)
  /// libmspack could not be loaded (it is opened on first use); why.
  case libraryMissing(reason: String)

  /// The one-line text a user sees.
  public var description: String {
    switch self {
    case .notACabinet: "not a cabinet (no MSCF signature at offset 0)"
    case .damaged(let code, let reason): "damaged cabinet: \(reason) (libmspack error \(code))"
    case .tooLarge(let limit): "the cabinet's file is larger than the \(limit)-byte limit"
    case .libraryMissing(let reason): reason
    }
  }
}

/// One-file Microsoft cabinets, as symbol servers store them.
public enum CabinetFile {
  /// Whether `bytes` start with the cabinet signature `MSCF`.
  public static func isCabinet(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.count >= 4 && bytes[0] == 0x4D && bytes[1] == 0x53 && bytes[2] == 0x43 && bytes[3] == 0x46
  }

  /// The stored name and bytes of the cabinet's first file; at most `limit` bytes are written.
  public static func extractFirst(from bytes: UnsafeRawBufferPointer, limit: Int) throws(CabinetError)
    -> (name: String, bytes: [UInt8])
  {
    guard isCabinet(bytes), let base = bytes.baseAddress else { throw .notACabinet }
    if let failure = clibmspack_load() { throw .libraryMissing(reason: String(cString: failure)) }
    var job = clibmspack_job(
      input: base.assumingMemoryBound(to: UInt8.self), input_size: bytes.count, output: nil, output_size: 0,
      output_capacity: 0, output_limit: max(0, limit), over_limit: 0)
    var nameBuffer = [CChar](repeating: 0, count: 256)
    let code = clibmspack_extract_first(&job, &nameBuffer)
    defer { free(job.output) }
    if job.over_limit != 0 { throw .tooLarge(limit: limit) }
    guard code == MSPACK_ERR_OK else { throw .damaged(code: code, reason: reason(code)) }
    let name = String(decoding: nameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let output = job.output.map { Array(UnsafeBufferPointer(start: $0, count: job.output_size)) } ?? []
    return (name, output)
  }

  private static func reason(_ code: Int32) -> String {
    switch code {
    case MSPACK_ERR_ARGS: "bad arguments"
    case MSPACK_ERR_OPEN, MSPACK_ERR_READ, MSPACK_ERR_SEEK: "truncated or unreadable"
    case MSPACK_ERR_WRITE: "could not write the output"
    case MSPACK_ERR_NOMEMORY: "out of memory"
    case MSPACK_ERR_SIGNATURE: "bad signature"
    case MSPACK_ERR_DATAFORMAT: "bad data format"
    case MSPACK_ERR_CHECKSUM: "checksum mismatch"
    case MSPACK_ERR_DECRUNCH: "decompression failed"
    default: "unknown error"
    }
  }
}
