//===--- Base64Data.swift - The data of a `data:` URL ------------------------===//
//
// A script may carry its map inline: `//# sourceMappingURL=data:application/json;
// charset=utf-8;base64,eyJ2ZXJzaW9uIjozLC…`. RFC 4648's alphabet, padding
// optional; white space is no part of a URL and is refused, as is any other
// byte outside the alphabet.
//
//===----------------------------------------------------------------------===//

enum Base64Data {
  /// The bytes `text` encodes, or nil with the offset of the first byte that is no digit.
  static func decode(_ text: Substring.UTF8View) -> Result<[UInt8], Base64Failure> {
    var output: [UInt8] = []
    output.reserveCapacity(text.count / 4 * 3 + 3)
    var accumulator: UInt32 = 0
    var bits = 0
    var padding = 0
    for (offset, byte) in text.enumerated() {
      if byte == UInt8(ascii: "=") {
        padding += 1
        guard padding <= 2 else { return .failure(Base64Failure(offset: offset)) }
        continue
      }
      let digit = Base64VLQReader.digit(byte)
      guard digit >= 0, padding == 0 else { return .failure(Base64Failure(offset: offset)) }
      accumulator = accumulator << 6 | UInt32(digit)
      bits += 6
      if bits >= 8 {
        bits -= 8
        output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
      }
    }
    return .success(output)
  }
}

/// Where base64 text stopped being base64.
struct Base64Failure: Error {
  var offset: Int
}
