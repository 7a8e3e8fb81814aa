//===--- CodeViewRecord.swift - Debug file and id from a CodeView record ----===//
//
// The record a PE image's debug directory and a minidump's module list both
// point at, naming the PDB (or, for Breakpad's ELF dumps, the build id):
//   RSDS (PDB 7.0): signature 'RSDS', GUID (16 bytes), age (u32), UTF-8 PDB path
//   NB10 (PDB 2.0): signature 'NB10', offset (u32), timestamp (u32), age (u32), path
//   BpEL (Breakpad ELF): signature 'BpEL', build id bytes (the debug file is the
//   module's own file name)
// The identifiers are printed as Breakpad prints them: the GUID's fields in hex
// (the first three little-endian), then the age in hex; NB10: timestamp then age.
//
//===----------------------------------------------------------------------===//

/// Reads CodeView debug records.
public enum CodeViewRecord {
  /// (debug file, debug identifier) of the record at `base` (at most `length` bytes) in `reader`.
  public static func read(_ reader: ByteReader, at base: UInt64, length: UInt64) throws(ReadError) -> (String?, String?) {
    let size = min(length, 4096)
    let bytes = try reader.slice(at: base, length: size, "a CodeView record")
    guard size >= 4 else { throw ReadError(.outOfBounds, at: base, reading: "a CodeView record") }
    let signature = bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian
    switch signature {
    case 0x5344_5352:  // 'RSDS'
      guard size >= 24 else { throw ReadError(.outOfBounds, at: base, reading: "an RSDS record") }
      let data1 = bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
      let data2 = bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self).littleEndian
      let data3 = bytes.loadUnaligned(fromByteOffset: 10, as: UInt16.self).littleEndian
      var identifier: [UInt8] = []
      identifier.reserveCapacity(41)
      appendHex(UInt64(data1), width: 8, to: &identifier)
      appendHex(UInt64(data2), width: 4, to: &identifier)
      appendHex(UInt64(data3), width: 4, to: &identifier)
      for index in 12..<20 { appendHex(UInt64(bytes[index]), width: 2, to: &identifier) }
      let age = bytes.loadUnaligned(fromByteOffset: 20, as: UInt32.self).littleEndian
      appendHex(UInt64(age), width: 1, to: &identifier)
      return (cString(bytes, from: 24), String(decoding: identifier, as: UTF8.self))
    case 0x3031_424E:  // 'NB10'
      guard size >= 16 else { throw ReadError(.outOfBounds, at: base, reading: "an NB10 record") }
      let timestamp = bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
      let age = bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian
      var identifier: [UInt8] = []
      appendHex(UInt64(timestamp), width: 8, to: &identifier)
      appendHex(UInt64(age), width: 1, to: &identifier)
      return (cString(bytes, from: 16), String(decoding: identifier, as: UTF8.self))
    case 0x4270_454C:  // 'BpEL' (bytes 4c 45 70 42)
      // Breakpad's debug id for an ELF build id: its first 16 bytes (zero-padded) read as a
      // GUID (the first three fields little-endian), then age 0.
      var id = [UInt8](repeating: 0, count: 16)
      for index in 0..<min(16, Int(size) - 4) { id[index] = bytes[4 + index] }
      var identifier: [UInt8] = []
      identifier.reserveCapacity(33)
      appendHex(UInt64(id[3]) << 24 | UInt64(id[2]) << 16 | UInt64(id[1]) << 8 | UInt64(id[0]), width: 8, to: &identifier)
      appendHex(UInt64(id[5]) << 8 | UInt64(id[4]), width: 4, to: &identifier)
      appendHex(UInt64(id[7]) << 8 | UInt64(id[6]), width: 4, to: &identifier)
      for index in 8..<16 { appendHex(UInt64(id[index]), width: 2, to: &identifier) }
      identifier.append(UInt8(ascii: "0"))
      return (nil, String(decoding: identifier, as: UTF8.self))
    default:
      var text = Array("a CodeView record (signature 0x".utf8)
      appendHex(UInt64(signature), width: 1, uppercase: false, to: &text)
      text.append(UInt8(ascii: ")"))
      throw ReadError(.invalidValue, at: base, reading: String(decoding: text, as: UTF8.self))
    }
  }

  /// The GNU build id (lower-case hex) of a Breakpad ELF record at `base`, or nil when the
  /// record is another kind (or has no bytes after its signature).
  public static func elfBuildID(_ reader: ByteReader, at base: UInt64, length: UInt64) -> String? {
    let size = min(length, 4 + 64)
    guard size > 4, let bytes = try? reader.slice(at: base, length: size, "a CodeView record"),
      bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian == 0x4270_454C
    else { return nil }
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes[4...] {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// Appends `value` as hex digits, zero-padded to `width` (written directly: the standard
  /// library's generic `String(_:radix:)` maps code a dump run otherwise never needs).
  private static func appendHex(_ value: UInt64, width: Int, uppercase: Bool = true, to text: inout [UInt8]) {
    var digits = 1
    while digits < 16 && value >> UInt64(4 * digits) != 0 { digits += 1 }
    var position = max(digits, width)
    while position > 0 {
      position -= 1
      let digit = position < 16 ? UInt8(truncatingIfNeeded: value >> UInt64(4 * position)) & 0xF : 0
      text.append(digit < 10 ? 48 + digit : (uppercase ? 55 : 87) + digit)
    }
  }

  private static func cString(_ bytes: UnsafeRawBufferPointer, from start: Int) -> String? {
    guard start < bytes.count else { return nil }
    var end = start
    while end < bytes.count && bytes[end] != 0 { end += 1 }
    return end > start ? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) : nil
  }
}
