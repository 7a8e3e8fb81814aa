//===--- ByteHash.swift - Hashing and comparing byte runs for bounded tables ===//
//
// SymbolTextCache and StringInterner keep what they built in direct-mapped tables
// keyed by bytes. The hash is not Hasher's (seeded SipHash, several times slower
// on short keys) because it never protects a dictionary: it picks a slot, and a
// byte comparison decides.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A multiplicative hash over 8 bytes at a time (the length mixed in), for the decoder's
/// bounded tables: it only picks a slot and screens a byte comparison (`equal`).
enum ByteHash {
  /// Whether the two runs hold the same bytes.
  static func equal(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Bool {
    first.count == second.count
      && (first.count == 0 || memcmp(first.baseAddress!, second.baseAddress!, first.count) == 0)
  }

  static func hash(_ raw: UnsafeRawBufferPointer) -> UInt64 {
    var hash = UInt64(raw.count) &* 0x9E37_79B9_7F4A_7C15
    var offset = 0
    while offset + 8 <= raw.count {
      let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
      hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
      hash ^= hash >> 31
      offset += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while offset < raw.count {
      tail |= UInt64(raw[offset]) << shift
      shift += 8
      offset += 1
    }
    hash = (hash ^ tail) &* 0x94D0_49BB_1331_11EB
    return hash ^ (hash >> 29)
  }
}
