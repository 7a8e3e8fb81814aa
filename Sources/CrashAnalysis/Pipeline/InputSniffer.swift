//===--- InputSniffer.swift - Minidump, text, or garbage? -------------------===//
//
// Looks at the first bytes of an input and decides how to read it:
//   * `MDMP` magic                              → a minidump;
//   * a UTF-16 byte-order mark, or NULs at every other byte in mostly-ASCII
//     data                                      → UTF-16 text (Event Viewer saves);
//   * valid UTF-8 (with or without BOM)         → UTF-8 text;
//   * mostly printable bytes with stray high bytes that are not UTF-8
//                                               → Windows-1252 text (NT-era logs);
//   * zstd, xz, gzip or LZ4 magic              → refused with the command that expands
//     it (a compressed file given by its path never comes here: it is expanded first);
//   * otherwise: many NULs, control bytes or undecodable bytes → not text, with the
//     offset of the first offending byte.
//
//===----------------------------------------------------------------------===//

import Decompression

/// How an input should be read.
public enum InputKind: Sendable, Equatable {
  /// A Windows minidump.
  case minidump
  /// Text in the given encoding.
  case text(TextEncoding)
  /// Neither; the reason and the offset of the first offending byte.
  case unrecognised(reason: String, offset: Int)
}

/// The text encodings the reader accepts.
public enum TextEncoding: String, Sendable, Equatable {
  /// UTF-8 (ASCII included).
  case utf8 = "UTF-8"
  /// UTF-16, little-endian.
  case utf16LittleEndian = "UTF-16LE"
  /// UTF-16, big-endian.
  case utf16BigEndian = "UTF-16BE"
  /// Windows code page 1252 (a superset of Latin-1).
  case windows1252 = "Windows-1252"
}

/// Decides the kind of an input from its first bytes.
public enum InputSniffer {
  /// How many bytes `sniff` looks at.
  public static let sampleSize = 64 * 1024

  /// Classifies an input from (up to) its first `sampleSize` bytes.
  public static func sniff(_ sample: UnsafeRawBufferPointer) -> InputKind {
    let bytes = sample.bindMemory(to: UInt8.self)
    guard !bytes.isEmpty else { return .text(.utf8) }
    if bytes.count >= 4 && bytes[0] == 0x4D && bytes[1] == 0x44 && bytes[2] == 0x4D && bytes[3] == 0x50 {
      return .minidump
    }
    if bytes.count >= 4 && bytes[0] == 0x7F && bytes[1] == 0x45 && bytes[2] == 0x4C && bytes[3] == 0x46 {
      // A core read from a file never comes here (the analyser maps it first): this one came
      // another way, or is a program or library.
      let isCore = bytes.count >= 18 && bytes[16] == 4 && bytes[17] == 0
      return .unrecognised(
        reason: isCore
          ? "a Linux core file: give its path (cores are mapped, not read from standard input)"
          : "an ELF program or library, not a crash: give it to --symbols (or `analyse symbols dump`)",
        offset: 0)
    }
    if let format = CompressionFormat.detect(UnsafeRawBufferPointer(bytes)) {
      // A compressed file given by its path is expanded first (the analyser): this one came
      // on standard input or through a pipe.
      return .unrecognised(
        reason: "\(format.rawValue)-compressed data: give its path, or expand it first (\(format.expandCommand))", offset: 0)
    }
    if bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE { return .text(.utf16LittleEndian) }
    if bytes.count >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF { return .text(.utf16BigEndian) }
    if let utf16 = bomlessUTF16(bytes) { return .text(utf16) }

    var nulCount = 0
    var firstNUL: Int?
    var controlCount = 0
    var firstControl: Int?
    var invalidUTF8 = 0
    var firstInvalid: Int?
    var highBytes = 0
    var index = 0
    // A sequence cut by the end of the sample is not an error.
    let end = bytes.count
    while index < end {
      let byte = bytes[index]
      if byte == 0 {
        nulCount += 1
        if firstNUL == nil { firstNUL = index }
      } else if byte == 0x1B && index + 1 < end && (bytes[index + 1] == UInt8(ascii: "[") || bytes[index + 1] == UInt8(ascii: "]")) {
        // A terminal's escape sequence (colours in a CI log, a `script` capture): text.
        index += 2
        continue
      } else if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C && byte != 0x1A {
        controlCount += 1
        if firstControl == nil { firstControl = index }
      } else if byte >= 0x80 {
        highBytes += 1
        let length = utf8SequenceLength(bytes, at: index)
        if length == 0 {
          if index + 4 < end {
            invalidUTF8 += 1
            if firstInvalid == nil { firstInvalid = index }
          }
        } else {
          index += length
          continue
        }
      }
      index += 1
    }
    let total = bytes.count
    // Dr. Watson logs end in NUL padding after a crash while writing: tolerate a little.
    if nulCount * 100 > total || (nulCount > 0 && nulCount * 10 > total - nulCount) {
      return .unrecognised(reason: "binary data: NUL bytes (\(nulCount) in the first \(total))", offset: firstNUL ?? 0)
    }
    if controlCount * 50 > total {
      return .unrecognised(reason: "binary data: control bytes (\(controlCount) in the first \(total))", offset: firstControl ?? 0)
    }
    if invalidUTF8 == 0 { return .text(.utf8) }
    // Stray high bytes in otherwise printable text: a legacy 8-bit code page.
    if highBytes * 10 < total { return .text(.windows1252) }
    return .unrecognised(
      reason: "not text: \(invalidUTF8) bytes are not UTF-8 and \(highBytes) of \(total) have the high bit set",
      offset: firstInvalid ?? 0)
  }

  /// Length of a valid UTF-8 sequence at `index`, or 0 if invalid.
  private static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
    let lead = bytes[index]
    let length: Int
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0...0xEF: length = 3
    case 0xF0...0xF4: length = 4
    default: return 0
    }
    guard index + length <= bytes.count else { return 0 }
    for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
    return length
  }

  /// UTF-16 without a BOM: ASCII text with a NUL beside almost every byte.
  private static func bomlessUTF16(_ bytes: UnsafeBufferPointer<UInt8>) -> TextEncoding? {
    let pairs = min(bytes.count / 2, 4096)
    guard pairs >= 8 else { return nil }
    var evenNUL = 0
    var oddNUL = 0
    for pair in 0..<pairs {
      if bytes[2 * pair] == 0 { evenNUL += 1 }
      if bytes[2 * pair + 1] == 0 { oddNUL += 1 }
    }
    if oddNUL * 10 >= pairs * 9 && evenNUL * 10 < pairs { return .utf16LittleEndian }
    if evenNUL * 10 >= pairs * 9 && oddNUL * 10 < pairs { return .utf16BigEndian }
    return nil
  }
}
