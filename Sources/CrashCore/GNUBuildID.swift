//===--- GNUBuildID.swift - An ELF file's build id as Breakpad names it -----===//
//
// Breakpad files an ELF module's symbols under a debug id made from its GNU
// build id (`.note.gnu.build-id`): the first 16 bytes (zero-padded) read as a
// GUID, its first three fields little-endian, then age 0. dump_syms, the
// minidump writers and symbol servers all spell it so.
//
//===----------------------------------------------------------------------===//

/// GNU build ids (the hex text of an ELF file's `.note.gnu.build-id`).
public enum GNUBuildID {
  /// Breakpad's debug id for `buildID` (hex digits, any case): 33 upper-case hex digits; all
  /// zeros for a build id that is not hex.
  public static func breakpadIdentifier(_ buildID: String) -> String {
    var bytes = [UInt8](repeating: 0, count: 16)
    let digits = Array(buildID.utf8)
    for index in 0..<min(16, digits.count / 2) {
      guard let high = hexValue(digits[index * 2]), let low = hexValue(digits[index * 2 + 1]) else {
        return String(repeating: "0", count: 33)
      }
      bytes[index] = high << 4 | low
    }
    let ordered =
      Array(bytes[0..<4].reversed()) + Array(bytes[4..<6].reversed()) + Array(bytes[6..<8].reversed()) + Array(bytes[8..<16])
    let table = Array("0123456789ABCDEF".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(33)
    for byte in ordered {
      text.append(table[Int(byte >> 4)])
      text.append(table[Int(byte & 0x0F)])
    }
    text.append(UInt8(ascii: "0"))
    return String(decoding: text, as: UTF8.self)
  }

  private static func hexValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case 0x30...0x39: digit - 0x30
    case 0x41...0x46: digit - 0x41 + 10
    case 0x61...0x66: digit - 0x61 + 10
    default: nil
    }
  }
}
