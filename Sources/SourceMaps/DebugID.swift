//===--- DebugID.swift - A script's and its map's debug id ------------------===//
//
// A bundler that stamps debug ids (Sentry's plugins, the TC39 proposal for
// source map debug ids) writes one UUID into the script (`//# debugId=…`) and
// the same into its map (`"debugId"`; Sentry's first plugins wrote
// `"debug_id"`). Ids are compared as lowercase hyphenated UUIDs.
//
//===----------------------------------------------------------------------===//

/// Debug ids of scripts and maps.
enum DebugID {
  /// `text` as a lowercase hyphenated UUID (from one with or without hyphens, either case), or
  /// nil when it is no UUID.
  static func normalized(_ text: String) -> String? {
    let digits = text.utf8.filter { $0 != UInt8(ascii: "-") }
    guard text.utf8.count <= 36, digits.count == 32,
      digits.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) })
    else { return nil }
    let lower = digits.map { (0x41...0x46).contains($0) ? $0 + 0x20 : $0 }
    var out: [UInt8] = []
    for (index, digit) in lower.enumerated() {
      if [8, 12, 16, 20].contains(index) { out.append(UInt8(ascii: "-")) }
      out.append(digit)
    }
    return String(decoding: out, as: UTF8.self)
  }
}
