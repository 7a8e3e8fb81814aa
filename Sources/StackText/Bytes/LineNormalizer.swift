//===--- LineNormalizer.swift - One line, made uniform ----------------------===//
//
// Text reaches us through debuggers, mail, web pages and the KB archive. Before
// any grammar runs, each line is made uniform (formats.md §2.1):
//   * tabs, NULs, CRs and other control bytes become spaces;
//   * HTML entities (&lt; &gt; &amp; &quot; &#36; &#x24; &nbsp;) are decoded twice,
//     because pages that quoted HTML escaped it once more;
//   * presentational tags (<B>, </B>, <BR/>, <I>, <FONT …>, …) are dropped, while
//     angle brackets that are content (<nosymbols>, <No Symbol>, Tlist<CmnHdr>, a
//     generic argument of one letter after its type's name: Index<I>, Pin<P>)
//     stay;
//   * trailing blanks are removed.
//
// The first and last rules run in LineStorage.refill, in the same pass that finds the
// tokens; this file holds the markup decoding, which only lines with `&` or `<` need.
//===----------------------------------------------------------------------===//

/// What normalising a line noticed. `hadNUL`, `hadBackslashOrHighByte` and `hadEscape` have
/// line_scan's `LINE_SCAN_HAD_NUL`, `LINE_SCAN_MAY_BE_PASTED` and `LINE_SCAN_HAD_ESCAPE` values
/// (LineStorage copies them in one step).
struct NormalizationFlags: OptionSet {
  let rawValue: UInt8
  /// The line held NUL bytes.
  static let hadNUL = NormalizationFlags(rawValue: 1)
  /// The line held HTML entities or tags that were decoded or dropped.
  static let hadMarkup = NormalizationFlags(rawValue: 2)
  /// The line held a backslash or a byte of 0x80 or more: a markdown escape or web
  /// typography may be in it (the paste stage looks).
  static let hadBackslashOrHighByte = NormalizationFlags(rawValue: 4)
  /// The line held an ESC byte: a terminal's escape sequences may be in it (the paste stage
  /// takes them out).
  static let hadEscape = NormalizationFlags(rawValue: 8)
}

enum LineNormalizer {
  /// Decodes entities twice and drops presentational tags in place (every rewrite is
  /// shorter than what it replaces). Returns the new length and whether anything changed.
  static func decodeMarkup(in line: UnsafeMutableBufferPointer<UInt8>) -> (count: Int, changed: Bool) {
    var count = line.count
    var changed = false
    for _ in 0..<2 {
      let pass = decodeEntities(in: UnsafeMutableBufferPointer(rebasing: line[0..<count]))
      count = pass.count
      changed = changed || pass.changed
    }
    let tags = dropTags(in: UnsafeMutableBufferPointer(rebasing: line[0..<count]))
    return (tags.count, changed || tags.changed)
  }

  private static func decodeEntities(in bytes: UnsafeMutableBufferPointer<UInt8>) -> (count: Int, changed: Bool) {
    guard bytes.contains(ASCII.ampersand) else { return (bytes.count, false) }
    var read = 0
    var write = 0
    var changed = false
    var scratch: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
    while read < bytes.count {
      let byte = bytes[read]
      if byte == ASCII.ampersand, let (length, decodedCount) = entity(in: UnsafeBufferPointer(bytes), at: read, into: &scratch) {
        withUnsafeBytes(of: scratch) { decoded in
          for offset in 0..<decodedCount { bytes[write + offset] = decoded[offset] }
        }
        write += decodedCount
        read += length
        changed = true
      } else {
        bytes[write] = byte
        write += 1
        read += 1
      }
    }
    return (write, changed)
  }

  /// Decodes the entity at `start` (an `&`) into `output` (at most 4 UTF-8 bytes); returns the
  /// entity's length and the decoded byte count, or nil when it is not an entity.
  private static func entity(
    in bytes: UnsafeBufferPointer<UInt8>, at start: Int, into output: inout (UInt8, UInt8, UInt8, UInt8)
  ) -> (length: Int, count: Int)? {
    var end = start + 1
    while end < bytes.count && end - start <= 10 && bytes[end] != ASCII.semicolon { end += 1 }
    guard end < bytes.count, bytes[end] == ASCII.semicolon, end > start + 1 else { return nil }
    let name = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<end])
    let length = end - start + 1
    func one(_ byte: UInt8) -> (length: Int, count: Int) {
      output.0 = byte
      return (length, 1)
    }
    if Bytes.equalsIgnoringCase(name, "lt") { return one(ASCII.lessThan) }
    if Bytes.equalsIgnoringCase(name, "gt") { return one(ASCII.greaterThan) }
    if Bytes.equalsIgnoringCase(name, "amp") { return one(ASCII.ampersand) }
    if Bytes.equalsIgnoringCase(name, "quot") { return one(0x22) }
    if Bytes.equalsIgnoringCase(name, "apos") { return one(0x27) }
    if Bytes.equalsIgnoringCase(name, "nbsp") { return one(ASCII.space) }
    guard name.first == ASCII.hash else { return nil }
    let isHex = name.count > 1 && ASCII.lowercased(name[1]) == ASCII.lowerX
    let digits = name.dropFirst(isHex ? 2 : 1)
    guard !digits.isEmpty, digits.count <= 6 else { return nil }
    var value: UInt32 = 0
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
    if value < 0x20 { return one(ASCII.space) }
    // Zero-width characters are nothing: GitHub writes `#&#8203;3` for `#3` in issues it
    // imported (so that `frame #3:` links no issue), and pages put them to allow breaks.
    if value == 0x200B || value == 0x200C || value == 0x200D || value == 0x2060 || value == 0xFEFF { return (length, 0) }
    var count = 0
    withUnsafeMutableBytes(of: &output) { buffer in
      for unit in UTF8.encode(scalar)! {
        buffer[count] = unit
        count += 1
      }
    }
    return (length, count)
  }

  private static func dropTags(in bytes: UnsafeMutableBufferPointer<UInt8>) -> (count: Int, changed: Bool) {
    guard bytes.contains(ASCII.lessThan) else { return (bytes.count, false) }
    var read = 0
    var write = 0
    var changed = false
    while read < bytes.count {
      if bytes[read] == ASCII.lessThan, let length = presentationalTagLength(UnsafeBufferPointer(bytes), at: read) {
        read += length
        changed = true
        continue
      }
      bytes[write] = bytes[read]
      write += 1
      read += 1
    }
    return (write, changed)
  }

  /// Whether `name` is a presentational tag name (any case).
  private static func isPresentationalTag(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
    guard name.count <= 10 else { return false }
    var lowered: [UInt8] = []
    lowered.reserveCapacity(name.count)
    for byte in name { lowered.append(ASCII.lowercased(byte)) }
    return presentationalTags.contains(lowered)
  }

  /// Tags that only style text; any other `<…>` is content and stays.
  private static let presentationalTags: Set<[UInt8]> = Set(
    [
      "b", "i", "u", "br", "p", "pre", "font", "a", "span", "div", "code", "tt", "em",
      "strong", "hr", "small", "big", "sup", "sub", "blockquote", "table", "tr", "td", "th",
      "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "img", "kbd",
      "samp", "var", "center", "nobr",
    ].map { Array($0.utf8) })

  /// The length of a presentational tag at `start`, or nil when the `<` is content.
  private static func presentationalTagLength(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
    var index = start + 1
    if index < bytes.count && bytes[index] == ASCII.slash { index += 1 }
    let nameStart = index
    while index < bytes.count && ASCII.isAlphanumeric(bytes[index]) { index += 1 }
    guard index > nameStart, isPresentationalTag(UnsafeBufferPointer(rebasing: bytes[nameStart..<index])) else { return nil }
    // A one-letter name right after a word is a type's generic argument (`Index<I>`, `Pin<P>`,
    // `Result<U>`), not a tag: kept.
    if nameStart == start + 1, index - nameStart == 1, index < bytes.count, bytes[index] == ASCII.greaterThan, start > 0,
      ASCII.isAlphanumeric(bytes[start - 1]) || bytes[start - 1] == ASCII.underscore
    {
      return nil
    }
    // Attributes (`<FONT face=…>`) and self-closing slashes run to the `>`.
    while index < bytes.count && bytes[index] != ASCII.greaterThan && bytes[index] != ASCII.lessThan
      && index - start < 200
    {
      index += 1
    }
    guard index < bytes.count, bytes[index] == ASCII.greaterThan else { return nil }
    return index - start + 1
  }
}
