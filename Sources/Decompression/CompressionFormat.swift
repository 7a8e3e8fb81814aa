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
  public static func detect(_ prefix: some Collection<UInt8>) -> CompressionFormat? {
    let bytes = Array(prefix.prefix(magicLength))
    if bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
    if bytes.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
    if bytes.starts(with: [0x1F, 0x8B, 0x08]) { return .gzip }
    if bytes.starts(with: [0x04, 0x22, 0x4D, 0x18]) { return .lz4 }
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
