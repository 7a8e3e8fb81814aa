//===--- JSONInputPrefix.swift - Telling JSON reports apart by their first bytes ===//
//
// Apple's `.ips` files and Node.js's diagnostic reports are JSON, looked at
// before anything is parsed: a few bytes say which one an input is.
//
//===----------------------------------------------------------------------===//

/// Questions asked of an input's first bytes.
enum JSONInputPrefix {
  /// Whether `word` occurs in `bytes`.
  static func contains(_ bytes: ArraySlice<UInt8>, _ word: String) -> Bool {
    let pattern = Array(word.utf8)
    guard bytes.count >= pattern.count else { return false }
    var start = bytes.startIndex
    while start <= bytes.endIndex - pattern.count {
      if bytes[start] == pattern[0], bytes[start..<(start + pattern.count)].elementsEqual(pattern) { return true }
      start += 1
    }
    return false
  }

  /// The first member's key, quotes included (`"header"`), of the object `bytes` opens (blanks
  /// skipped): nil when they open no object.
  static func firstKey(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
    guard let open = bytes.firstIndex(where: { !isBlank($0) }), bytes[open] == UInt8(ascii: "{"),
      let key = bytes[(open + 1)...].firstIndex(where: { !isBlank($0) }), bytes[key] == UInt8(ascii: "\""),
      let close = bytes[(key + 1)...].firstIndex(of: UInt8(ascii: "\""))
    else { return nil }
    return bytes[key...close]
  }

  private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}
