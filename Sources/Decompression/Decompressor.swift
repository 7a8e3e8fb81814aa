//===--- Decompressor.swift - Expanding a compressed input ------------------===//
//
// The compressed file is mapped and fed to its format's library a mebibyte at
// a time (its pages dropped behind the reader); what comes out is written to
// an unnamed temporary file (`UnnamedTemporaryFile`, then `ExpandedFile`).
// Inputs come from strangers, so:
//   - the expanded size is bounded (`maximumByteCount`, the caller's input
//     limit): a small bomb stops at the limit, its temporary file freed;
//   - the decoder's memory is bounded (`decoderMemoryLimit`: a zstd window, an
//     xz dictionary), checked by the library against the header before it
//     allocates;
//   - every step must consume or produce, so a damaged stream cannot spin;
//   - a failed write (a full disk) is an error naming the directory, never a
//     silently short input.
// Frames, streams and members that follow one another are read as one input,
// as the formats' own tools read them.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CCompression

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The bounds a decompression keeps to.
public struct DecompressionLimits: Sendable, Hashable {
  /// The most bytes an input may expand to.
  public var maximumByteCount: Int
  /// The most memory the format's decoder may ask for (a zstd window, an xz dictionary).
  public var decoderMemoryLimit: Int
  /// Where the temporary file goes; nil for `$TMPDIR`, else `/tmp`.
  public var temporaryDirectory: String?
  /// Seconds the expansion may take (checked after each mebibyte read); nil for no limit.
  public var timeLimit: Double?

  /// 512 MiB of output (the analyser's input limit) and 128 MiB for the decoder (zstd's own
  /// default window limit; `xz -9` needs 65 MiB).
  public init(
    maximumByteCount: Int = 512 << 20, decoderMemoryLimit: Int = 128 << 20, temporaryDirectory: String? = nil,
    timeLimit: Double? = nil
  ) {
    self.maximumByteCount = maximumByteCount
    self.decoderMemoryLimit = decoderMemoryLimit
    self.temporaryDirectory = temporaryDirectory
    self.timeLimit = timeLimit
  }
}

/// Expands compressed inputs.
public enum Decompressor {
  /// How much compressed input each step is given, and how much output room.
  static let stepSize = 1 << 20

  /// Expands the file at `path`, compressed in `format` (`CompressionFormat.detect`), within `limits`.
  public static func expand(
    path: String, format: CompressionFormat, limits: DecompressionLimits = DecompressionLimits()
  ) throws(DecompressionError) -> ExpandedFile {
    let input: MappedFile
    do {
      // Compressed, an input is no larger than expanded: the same limit bounds both.
      input = try MappedFile(path: path, limit: limits.maximumByteCount)
    } catch {
      throw .unreadable(path: path, reason: "\(error)")
    }
    return try expand(input, format: format, limits: limits)
  }

  /// Expands the compressed bytes `input` maps (named by its path), within `limits`.
  public static func expand(
    _ input: MappedFile, format: CompressionFormat, limits: DecompressionLimits = DecompressionLimits()
  ) throws(DecompressionError) -> ExpandedFile {
    input.adviseSequential()
    let output = try UnnamedTemporaryFile(for: input.path, in: limits.temporaryDirectory)
    try expand(input, format: format, limits: limits, into: output)
    return output.finish(format: format, compressedByteCount: input.bytes.count)
  }

  /// Expands `input` into `output`.
  private static func expand(
    _ input: MappedFile, format: CompressionFormat, limits: DecompressionLimits, into output: UnnamedTemporaryFile
  ) throws(DecompressionError) {
    let path = input.path
    var failure: UnsafePointer<CChar>?
    guard let stream = ccompression_create(format.cFormat, max(limits.decoderMemoryLimit, 1 << 20), &failure) else {
      throw .libraryUnavailable(format: format, reason: failure.map { String(cString: $0) } ?? "unknown")
    }
    defer { ccompression_free(stream) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: stepSize, alignment: 16)
    defer { buffer.deallocate() }
    let bytes = input.bytes
    guard let base = bytes.baseAddress else {
      throw .damaged(path: path, format: format, offset: 0, reason: "the file is empty")
    }
    var offset = 0
    let deadline = limits.timeLimit.map { Self.now() + $0 }
    while true {
      if let deadline, let limit = limits.timeLimit, Self.now() > deadline {
        throw .timedOut(path: path, format: format, seconds: limit, offset: offset)
      }
      let end = min(offset + stepSize, bytes.count)
      let last: Int32 = end == bytes.count ? 1 : 0
      var consumed = 0
      var produced = 0
      var problem: UnsafePointer<CChar>?
      let status = ccompression_step(
        stream, base.assumingMemoryBound(to: UInt8.self) + offset, end - offset, last, &consumed,
        buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count, &produced, &problem)
      offset += consumed
      if produced > 0 {
        guard produced <= limits.maximumByteCount - output.byteCount else {
          throw .tooLarge(path: path, format: format, limit: limits.maximumByteCount)
        }
        try output.write(UnsafeRawBufferPointer(rebasing: buffer[0..<produced]))
      }
      if offset > 4 * stepSize { input.releaseResidentPages(before: offset - stepSize) }
      switch status {
      case CCOMPRESSION_ERROR:
        throw .damaged(path: path, format: format, offset: offset, reason: problem.map { String(cString: $0) } ?? "damaged data")
      case CCOMPRESSION_FRAME_END:
        if offset == bytes.count { return }
        ccompression_reset(stream)
      default:
        guard consumed > 0 || produced > 0 else {
          let reason = last != 0 ? "the input ends inside a \(format.unitName)" : "the decoder made no progress"
          throw .damaged(path: path, format: format, offset: offset, reason: reason)
        }
      }
    }
  }
}

extension Decompressor {
  /// Monotonic seconds.
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}

extension CompressionFormat {
  /// The C shim's name for the format.
  var cFormat: ccompression_format {
    switch self {
    case .zstd: CCOMPRESSION_ZSTD
    case .xz: CCOMPRESSION_XZ
    case .gzip: CCOMPRESSION_GZIP
    case .lz4: CCOMPRESSION_LZ4
    }
  }

  /// What the format calls one compressed unit.
  var unitName: String {
    switch self {
    case .zstd: "frame"
    case .xz: "stream"
    case .gzip: "member"
    case .lz4: "frame"
    }
  }
}
