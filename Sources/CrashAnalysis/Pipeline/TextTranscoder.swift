//===--- TextTranscoder.swift - Any accepted encoding to UTF-8, streaming ---===//

/// Converts chunks of text in one encoding to UTF-8, carrying partial
/// characters across chunk boundaries. Output grows by at most 3 bytes per
/// input byte, so memory follows the chunk size.
struct TextTranscoder {
  let encoding: TextEncoding
  private var carry: [UInt8] = []
  private var pendingHighSurrogate: UInt16?
  private var atStart = true

  init(encoding: TextEncoding) { self.encoding = encoding }

  /// Appends the UTF-8 form of `chunk` to `output`.
  mutating func transcode(_ chunk: UnsafeRawBufferPointer, into output: inout [UInt8]) {
    var bytes = chunk.bindMemory(to: UInt8.self)[...]
    switch encoding {
    case .utf8:
      if atStart && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
      output.append(contentsOf: bytes)
    case .windows1252:
      for byte in bytes { appendWindows1252(byte, to: &output) }
    case .utf16LittleEndian, .utf16BigEndian:
      var units = carry + bytes
      carry = []
      if units.count % 2 == 1 { carry = [units.removeLast()] }
      var index = 0
      if atStart && units.count >= 2 {
        let first = unit(units[0], units[1])
        if first == 0xFEFF { index = 2 }
      }
      while index + 1 < units.count {
        appendUTF16(unit(units[index], units[index + 1]), to: &output)
        index += 2
      }
    }
    if !chunk.isEmpty { atStart = false }
  }

  /// Flushes a dangling half character as U+FFFD.
  mutating func finish(into output: inout [UInt8]) {
    if !carry.isEmpty || pendingHighSurrogate != nil { output += [0xEF, 0xBF, 0xBD] }
    carry = []
    pendingHighSurrogate = nil
  }

  private func unit(_ first: UInt8, _ second: UInt8) -> UInt16 {
    encoding == .utf16LittleEndian ? UInt16(first) | UInt16(second) << 8 : UInt16(first) << 8 | UInt16(second)
  }

  private mutating func appendUTF16(_ unit: UInt16, to output: inout [UInt8]) {
    if let high = pendingHighSurrogate {
      pendingHighSurrogate = nil
      if (0xDC00...0xDFFF).contains(unit) {
        let scalar = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00)
        appendScalar(scalar, to: &output)
        return
      }
      output += [0xEF, 0xBF, 0xBD]
    }
    if (0xD800...0xDBFF).contains(unit) {
      pendingHighSurrogate = unit
    } else if (0xDC00...0xDFFF).contains(unit) {
      output += [0xEF, 0xBF, 0xBD]
    } else {
      appendScalar(UInt32(unit), to: &output)
    }
  }

  private func appendScalar(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
      output.append(UInt8(scalar))
    case 0x80..<0x800:
      output += [UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F)]
    case 0x800..<0x10000:
      output += [UInt8(0xE0 | scalar >> 12), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F)]
    default:
      output += [
        UInt8(0xF0 | scalar >> 18), UInt8(0x80 | scalar >> 12 & 0x3F), UInt8(0x80 | scalar >> 6 & 0x3F),
        UInt8(0x80 | scalar & 0x3F),
      ]
    }
  }

  private func appendWindows1252(_ byte: UInt8, to output: inout [UInt8]) {
    if byte < 0x80 {
      output.append(byte)
    } else if byte >= 0xA0 {
      appendScalar(UInt32(byte), to: &output)
    } else {
      appendScalar(Self.windows1252High[Int(byte - 0x80)], to: &output)
    }
  }

  /// Code page 1252's 0x80–0x9F (undefined positions map to U+FFFD).
  private static let windows1252High: [UInt32] = [
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
    0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0xFFFD, 0x017E, 0x0178,
  ]
}
