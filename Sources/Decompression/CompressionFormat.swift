//===--- CompressionFormat.swift - The compressed formats inputs arrive in --===//
//
// Told by their first bytes, never by a file's name: systemd-coredump names
// its cores `core.<comm>.<uid>.<boot id>.<pid>.<time>.zst` (`.xz`, `.lz4` where
// systemd was built so), logrotate its logs `.gz`, but a file renamed or saved
// from a ticket keeps only its bytes. Magic numbers: RFC 8878 §3.1.1 (zstd), the
// .xz file format 1.1.0 §2.1.1.1, RFC 1952 §2.3.1 (gzip, with deflate's method
// 8), the LZ4 frame format 1.6 (0x184D2204, little-endian).
//
//===----------------------------------------------------------------------===//

/// A compressed format an input can arrive in.
public enum CompressionFormat: String, Sendable, Hashable, CaseIterable, Codable {
  /// Zstandard frames (`zstd`; systemd-coredump's cores since systemd 246).
  case zstd
  /// xz streams (`xz`; systemd-coredump's cores before zstd).
  case xz
  /// gzip members (`gzip`; rotated logs).
  case gzip
  /// LZ4 frames (`lz4`; systemd-coredump's cores where systemd was built with lz4, as RHEL 8's is).
  case lz4

  /// How many leading bytes `detect(_:)` looks at.
  public static let magicLength = 6

  /// The format whose magic number `prefix` starts with, or nil.
  public static func detect(_ prefix: [UInt8]) -> CompressionFormat? {
    prefix.withUnsafeBytes { detect($0) }
  }

  /// The format whose magic number the bytes start with, or nil. (Concrete, not generic: an
  /// unspecialised generic's first call instantiates its metadata at run time, a cost every
  /// run of a small input would pay.)
  public static func detect(_ bytes: UnsafeRawBufferPointer) -> CompressionFormat? {
    guard bytes.count >= 3 else { return nil }
    let first = bytes[0]
    let second = bytes[1]
    let third = bytes[2]
    let fourth: UInt8 = bytes.count >= 4 ? bytes[3] : 0
    if first == 0x28, second == 0xB5, third == 0x2F, fourth == 0xFD, bytes.count >= 4 { return .zstd }
    if first == 0xFD, second == 0x37, third == 0x7A, fourth == 0x58, bytes.count >= 6, bytes[4] == 0x5A, bytes[5] == 0x00 {
      return .xz
    }
    if first == 0x1F, second == 0x8B, third == 0x08 { return .gzip }
    if first == 0x04, second == 0x22, third == 0x4D, fourth == 0x18, bytes.count >= 4 { return .lz4 }
    return nil
  }

  /// The command that expands a stream of it to standard output.
  public var expandCommand: String {
    switch self {
    case .zstd: "zstd -dc"
    case .xz: "xz -dc"
    case .gzip: "gzip -dc"
    case .lz4: "lz4 -dc"
    }
  }
}
