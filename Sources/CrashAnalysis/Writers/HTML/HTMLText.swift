//===--- HTMLText.swift - Escaping text for HTML and SVG ---------------------===//
//
// Everything on the triage page that came from an input (paths, signatures,
// stacks, reasons) is escaped here before it is written, so a crash log that
// contains markup shows as text and never as markup or script.
//
//===----------------------------------------------------------------------===//

/// Escaping and small text helpers for the HTML page.
enum HTMLText {
  /// `text` with `& < > " '` replaced by entities; C0 controls other than tab and newline
  /// become U+FFFD (they are not allowed in HTML text).
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\t", "\n": out.unicodeScalars.append(scalar)
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// `text` cut to `limit` characters with an ellipsis when longer.
  static func truncate(_ text: String, _ limit: Int) -> String {
    guard text.count > limit else { return text }
    return String(text.prefix(max(0, limit - 1))) + "…"
  }

  /// A stable fragment id for a bucket: `bucket-` and the FNV-1a hash of its signature.
  static func bucketAnchor(_ signature: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in signature.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return "bucket-" + String(repeating: "0", count: 16 - hex.count) + hex
  }
}
