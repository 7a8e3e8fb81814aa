//===--- TextLimits.swift - Caps and scrubbing for text taken from inputs ----===//
//
// Names and texts reach a report from files strangers wrote: symbol names in a
// .sym, module and thread names in a dump, file names of a batch. Two rules
// hold for every one of them, applied here and nowhere else:
//
//   * a name is at most `maximumNameBytes` UTF-8 bytes; a longer one is cut on
//     a character boundary and ends in `cutMarker`, so a 100 MB FUNC name costs
//     8 KiB per frame, not 100 MB per frame in every writer;
//   * text that ends up in a line-oriented file (a .sym, a text report, a
//     terminal) carries no control characters: a file name holding a newline
//     cannot plant a record, one holding ESC cannot drive the terminal.
//
//===----------------------------------------------------------------------===//

/// The documented caps on names and texts taken from inputs and symbol files.
public enum TextLimits {
  /// The longest name kept, in UTF-8 bytes: symbol, file, module and thread names.
  public static let maximumNameBytes = 8 * 1024
  /// What a cut name ends with.
  public static let cutMarker = "…[cut]"

  /// `text`, cut to at most `maximumBytes` UTF-8 bytes (marker included) when longer.
  @inlinable
  public static func capped(_ text: String, maximumBytes: Int = maximumNameBytes) -> String {
    guard text.utf8.count > maximumBytes else { return text }
    return cut(text.utf8, maximumBytes: maximumBytes)
  }

  /// The UTF-8 `bytes` as a string of at most `maximumBytes` bytes (marker included);
  /// invalid sequences become U+FFFD. Only the kept prefix is decoded.
  public static func capped(_ bytes: UnsafeBufferPointer<UInt8>, maximumBytes: Int = maximumNameBytes) -> String {
    guard bytes.count > maximumBytes else { return String(decoding: bytes, as: UTF8.self) }
    return cut(bytes, maximumBytes: maximumBytes)
  }

  /// The NUL-terminated UTF-8 string at `pointer`, reading no further than the cap needs:
  /// a 100 MB name costs `maximumBytes` bytes, not a scan of 100 MB.
  public static func capped(cString pointer: UnsafePointer<CChar>, maximumBytes: Int = maximumNameBytes) -> String {
    var length = 0
    while length <= maximumBytes, pointer[length] != 0 { length += 1 }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
      capped(UnsafeBufferPointer(start: $0, count: length), maximumBytes: maximumBytes)
    }
  }

  @usableFromInline
  static func cut<Bytes: Collection<UInt8>>(_ bytes: Bytes, maximumBytes: Int) -> String where Bytes.Index == Int {
    let room = max(0, maximumBytes - cutMarker.utf8.count)
    var end = bytes.startIndex + min(room, bytes.count)
    // Back up to a character boundary: never split a UTF-8 sequence.
    while end > bytes.startIndex, end < bytes.endIndex, bytes[end] & 0xC0 == 0x80 { end -= 1 }
    return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self) + cutMarker
  }

  @usableFromInline
  static func cut(_ bytes: String.UTF8View, maximumBytes: Int) -> String {
    cut(Array(bytes.prefix(maximumBytes)), maximumBytes: maximumBytes)
  }

  /// Whether `scalar` is a control character: C0 (tab and newline included), DEL, C1,
  /// and the Unicode line and paragraph separators.
  @inlinable
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
  }

  /// `text` on one line: every control character (tab and line breaks included) becomes
  /// `replacement`. For records of line-oriented files.
  public static func singleLine(_ text: String, replacement: Character = "?") -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      if isControl(scalar) { out.append(replacement) } else { out.unicodeScalars.append(scalar) }
    }
    return out
  }

  /// `text` safe to print on a terminal: tab and newline are kept, every other control
  /// character is written as a visible escape (`\x1b`, `\u{2028}`).
  public static func printable(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
      if scalar == "\n" || scalar == "\t" || !isControl(scalar) {
        out.unicodeScalars.append(scalar)
      } else if scalar.value <= 0xFF {
        let hex = String(scalar.value, radix: 16)
        out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
      } else {
        out += "\\u{" + String(scalar.value, radix: 16) + "}"
      }
    }
    return out
  }
}
