//===--- LineNormalizer.swift - One line, made uniform ----------------------===//
//
// Text reaches us through debuggers, mail, web pages and the KB archive. Before
// any grammar runs, each line is made uniform (formats.md §2.1):
//   * tabs, NULs, CRs and other control bytes become spaces;
//   * HTML entities (&lt; &gt; &amp; &quot; &#36; &#x24; &nbsp;) are decoded twice,
//     because pages that quoted HTML escaped it once more;
//   * presentational tags (<B>, </B>, <BR/>, <I>, <FONT …>, …) are dropped, while
//     angle brackets that are content (<nosymbols>, <No Symbol>, Tlist<CmnHdr>)
//     stay;
//   * trailing blanks are removed.
//
//===----------------------------------------------------------------------===//

/// What normalising a line noticed.
struct NormalizationFlags: OptionSet {
  let rawValue: UInt8
  /// The line held NUL bytes.
  static let hadNUL = NormalizationFlags(rawValue: 1)
  /// The line held HTML entities or tags that were decoded or dropped.
  static let hadMarkup = NormalizationFlags(rawValue: 2)
}

enum LineNormalizer {
  /// Writes the normalised form of `raw` to `output`, which has room for `raw.count` bytes
  /// (normalising never lengthens a line: entities and tags only shrink). Returns the
  /// normalised length and what was noticed.
  static func normalize(_ raw: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>)
    -> (count: Int, flags: NormalizationFlags)
  {
    var flags: NormalizationFlags = []
    var mayHaveMarkup = false
    var hadNUL = false
    var last = -1
    // One pass over raw memory: control bytes become blanks, the last non-blank is noted.
    for index in 0..<raw.count {
      var byte = raw[index]
      if byte < 0x20 || byte == 0x7F {
        hadNUL = hadNUL || byte == 0
        byte = ASCII.space
      } else {
        if byte != ASCII.space { last = index }
        mayHaveMarkup = mayHaveMarkup || byte == ASCII.ampersand || byte == ASCII.lessThan
      }
      output[index] = byte
    }
    if hadNUL { flags.insert(.hadNUL) }
    var length = last + 1
    if mayHaveMarkup {
      // Rare: decode in an array, then copy back (the result is never longer).
      var bytes = Array(UnsafeBufferPointer(start: output, count: length))
      if decodeMarkup(&bytes) { flags.insert(.hadMarkup) }
      while let tail = bytes.last, tail == ASCII.space { bytes.removeLast() }
      length = min(bytes.count, length)
      bytes.withUnsafeBufferPointer { decoded in
        if let base = decoded.baseAddress, length > 0 { output.update(from: base, count: length) }
      }
    }
    return (length, flags)
  }

  /// Decodes entities twice and drops presentational tags. Returns whether anything changed.
  static func decodeMarkup(_ bytes: inout [UInt8]) -> Bool {
    var changed = decodeEntities(&bytes)
    changed = decodeEntities(&bytes) || changed
    changed = dropTags(&bytes) || changed
    return changed
  }

  private static func decodeEntities(_ bytes: inout [UInt8]) -> Bool {
    guard bytes.contains(ASCII.ampersand) else { return false }
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    var changed = false
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == ASCII.ampersand, let (decoded, length) = entity(in: bytes, at: index) {
        result.append(contentsOf: decoded)
        index += length
        changed = true
      } else {
        result.append(byte)
        index += 1
      }
    }
    if changed { bytes = result }
    return changed
  }

  /// Decodes the entity starting at `start` (an `&`), returning its bytes and length.
  private static func entity(in bytes: [UInt8], at start: Int) -> ([UInt8], Int)? {
    var end = start + 1
    while end < bytes.count && end - start <= 10 && bytes[end] != ASCII.semicolon { end += 1 }
    guard end < bytes.count, bytes[end] == ASCII.semicolon, end > start + 1 else { return nil }
    let name = bytes[(start + 1)..<end].map(ASCII.lowercased)
    let length = end - start + 1
    switch name {
    case Array("lt".utf8): return ([ASCII.lessThan], length)
    case Array("gt".utf8): return ([ASCII.greaterThan], length)
    case Array("amp".utf8): return ([ASCII.ampersand], length)
    case Array("quot".utf8): return ([0x22], length)
    case Array("apos".utf8): return ([0x27], length)
    case Array("nbsp".utf8): return ([ASCII.space], length)
    default: break
    }
    guard name.first == ASCII.hash else { return nil }
    var value: UInt32 = 0
    let isHex = name.count > 1 && (name[1] == ASCII.lowerX)
    let digits = name.dropFirst(isHex ? 2 : 1)
    guard !digits.isEmpty, digits.count <= 6 else { return nil }
    for digit in digits {
      if isHex {
        guard let nibble = ASCII.hexValue(digit) else { return nil }
        value = value * 16 + UInt32(nibble)
      } else {
        guard ASCII.isDigit(digit) else { return nil }
        value = value * 10 + UInt32(digit - ASCII.zero)
      }
    }
    guard let scalar = Unicode.Scalar(value) else { return nil }
    if value < 0x20 { return ([ASCII.space], length) }
    return (Array(String(Character(scalar)).utf8), length)
  }

  /// Tags that only style text; any other `<…>` is content and stays.
  private static let presentationalTags: Set<[UInt8]> = Set(
    [
      "b", "i", "u", "br", "p", "pre", "font", "a", "span", "div", "code", "tt", "em",
      "strong", "hr", "small", "big", "sup", "sub", "blockquote", "table", "tr", "td", "th",
      "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "img", "kbd",
      "samp", "var", "center", "nobr",
    ].map { Array($0.utf8) })

  private static func dropTags(_ bytes: inout [UInt8]) -> Bool {
    guard bytes.contains(ASCII.lessThan) else { return false }
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    var changed = false
    var index = 0
    while index < bytes.count {
      if bytes[index] == ASCII.lessThan, let length = presentationalTagLength(bytes, at: index) {
        index += length
        changed = true
        continue
      }
      result.append(bytes[index])
      index += 1
    }
    if changed { bytes = result }
    return changed
  }

  /// The length of a presentational tag at `start`, or nil when the `<` is content.
  private static func presentationalTagLength(_ bytes: [UInt8], at start: Int) -> Int? {
    var index = start + 1
    if index < bytes.count && bytes[index] == ASCII.slash { index += 1 }
    let nameStart = index
    while index < bytes.count && ASCII.isAlphanumeric(bytes[index]) { index += 1 }
    guard index > nameStart else { return nil }
    let name = bytes[nameStart..<index].map(ASCII.lowercased)
    guard presentationalTags.contains(name) else { return nil }
    // Attributes (`<FONT face=…>`) and self-closing slashes run to the `>`.
    while index < bytes.count && bytes[index] != ASCII.greaterThan && bytes[index] != ASCII.lessThan
      && index - start < 200
    {
      index += 1
    }
    guard index < bytes.count, bytes[index] == ASCII.greaterThan else { return nil }
    // A bare name must be followed directly by `>`, `/` or a blank (attributes).
    return index - start + 1
  }
}
