//===--- RustLegacyDemangler.swift - Rust's first mangling, read ------------===//
//
// Rust before its v0 mangling (still rustc's default) writes a path as an
// Itanium nested name whose last part is a hash: `_ZN3std2rt10lang_start17h0123456789abcdefE`.
// Each part is length-prefixed and may hold escapes: `$LT$` `<`, `$GT$` `>`,
// `$LP$` `(`, `$RP$` `)`, `$C$` `,`, `$SP$` `@`, `$BP$` `*`, `$RF$` `&`, `$uXX$`
// a character by its hex code (`$u20$` space, `$u7b$` `{`), `..` for `::`, and a
// leading `_` before `$`. Rust's own printers (panics, backtraces, dump_syms) show
// `std::rt::lang_start` with the hash dropped; so does this. Sources: rustc's
// `symbol_names/legacy.rs` and the rustc-demangle crate's documentation.
//
//===----------------------------------------------------------------------===//

/// Demangles Rust's legacy (Itanium-shaped, hashed) symbol names.
public enum RustLegacyDemangler {
  /// The longest mangled name read.
  public static let maximumLength = 4096

  /// `name` as Rust prints it (`std::rt::lang_start`), or `nil` when it is no legacy Rust name:
  /// `_ZN`, length-prefixed parts, the last `h` and 16 hex digits, then `E`.
  public static func demangle(_ name: String) -> String? {
    var bytes = Array(name.utf8)
    guard bytes.count <= maximumLength else { return nil }
    // Apple's platforms add an underscore.
    if bytes.starts(with: "__ZN".utf8) { bytes.removeFirst() }
    guard bytes.starts(with: "_ZN".utf8), bytes.last == UInt8(ascii: "E") else { return nil }
    var parts: [ArraySlice<UInt8>] = []
    var index = 3
    let end = bytes.count - 1
    while index < end {
      var length = 0
      let digitsStart = index
      while index < end, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
        length = length * 10 + Int(bytes[index] - UInt8(ascii: "0"))
        index += 1
        guard length <= end else { return nil }
      }
      guard index > digitsStart, length > 0, index + length <= end else { return nil }
      parts.append(bytes[index..<index + length])
      index += length
    }
    guard parts.count >= 2, let hash = parts.last, isHash(hash) else { return nil }
    var text: [UInt8] = []
    text.reserveCapacity(bytes.count)
    for (number, part) in parts.dropLast().enumerated() {
      if number > 0 { text += "::".utf8 }
      guard unescape(part, into: &text) else { return nil }
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// `h` and 16 lower-case hex digits.
  static func isHash(_ part: ArraySlice<UInt8>) -> Bool {
    guard part.count == 17, part.first == UInt8(ascii: "h") else { return false }
    return part.dropFirst().allSatisfy { ASCIIHex.value(of: $0) != nil }
  }

  /// Appends `part` with its escapes undone; false on an escape Rust never writes.
  static func unescape(_ part: ArraySlice<UInt8>, into text: inout [UInt8]) -> Bool {
    var index = part.startIndex
    // `_$LT$…`: the underscore only keeps the part from starting with `$`.
    if part.count > 1, part[index] == UInt8(ascii: "_"), part[index + 1] == UInt8(ascii: "$") { index += 1 }
    while index < part.endIndex {
      let byte = part[index]
      if byte == UInt8(ascii: "."), index + 1 < part.endIndex, part[index + 1] == UInt8(ascii: ".") {
        text += "::".utf8
        index += 2
        continue
      }
      guard byte == UInt8(ascii: "$") else {
        text.append(byte)
        index += 1
        continue
      }
      guard let close = part[(index + 1)...].firstIndex(of: UInt8(ascii: "$")) else { return false }
      guard let replacement = escape(part[(index + 1)..<close]) else { return false }
      text += replacement
      index = close + 1
    }
    return true
  }

  /// What the escape between two `$` stands for.
  static func escape(_ code: ArraySlice<UInt8>) -> [UInt8]? {
    switch String(decoding: code, as: UTF8.self) {
    case "LT": return [UInt8(ascii: "<")]
    case "GT": return [UInt8(ascii: ">")]
    case "LP": return [UInt8(ascii: "(")]
    case "RP": return [UInt8(ascii: ")")]
    case "C": return [UInt8(ascii: ",")]
    case "SP": return [UInt8(ascii: "@")]
    case "BP": return [UInt8(ascii: "*")]
    case "RF": return [UInt8(ascii: "&")]
    default:
      // `$u7b$`: one character by its code point, in hex.
      guard code.count >= 2, code.count <= 7, code.first == UInt8(ascii: "u") else { return nil }
      var value: UInt32 = 0
      for digit in code.dropFirst() {
        guard let nibble = ASCIIHex.value(of: digit) else { return nil }
        value = value << 4 | UInt32(nibble)
      }
      guard let scalar = Unicode.Scalar(value), !(value < 0x20 || value == 0x7F) else { return nil }
      return Array(String(Character(scalar)).utf8)
    }
  }
}

/// Hex digits as Rust's hashes and escapes write them (lower case; upper accepted).
enum ASCIIHex {
  /// The digit's value, or nil.
  static func value(of byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
