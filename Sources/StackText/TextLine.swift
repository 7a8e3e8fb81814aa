//===--- TextLine.swift - A normalised line and its blank-separated tokens --===//
//
// The decoders' view of one input line: normalised bytes plus the ranges of its
// blank-separated tokens. The decoder keeps one TextLine and refills it for each
// line, so the arrays keep their capacity and the hot path does not allocate.
//
//===----------------------------------------------------------------------===//

/// One normalised input line with its tokens.
struct TextLine {
  /// 1-based line number.
  var number = 0
  /// Byte offset of the raw line in the input.
  var offset = 0
  /// The normalised bytes (see `LineNormalizer`).
  var bytes: [UInt8] = []
  /// Blank-separated tokens, as ranges of `bytes`.
  var tokens: [Range<Int>] = []
  /// What normalisation noticed.
  var flags: NormalizationFlags = []
  /// Whether the raw line was cut at the line-length limit.
  var wasTruncated = false
  /// Whether the input ended after this line without a line break.
  var endedWithoutNewline = false

  init() {}

  /// Builds a line from text (tests and tools).
  init(_ text: String, number: Int = 1) {
    var raw = Array(text.utf8)
    self.number = number
    raw.withUnsafeMutableBufferPointer { buffer in
      flags = LineNormalizer.normalize(UnsafeBufferPointer(buffer), into: &bytes)
    }
    tokenize()
  }

  /// Recomputes `tokens` from `bytes`.
  mutating func tokenize() {
    tokens.removeAll(keepingCapacity: true)
    var index = 0
    let count = bytes.count
    while index < count {
      while index < count && bytes[index] == ASCII.space { index += 1 }
      let start = index
      while index < count && bytes[index] != ASCII.space { index += 1 }
      if index > start { tokens.append(start..<index) }
    }
  }

  /// Whether the line has no tokens.
  var isBlank: Bool { tokens.isEmpty }

  /// The bytes of token `index`.
  func token(_ index: Int) -> ArraySlice<UInt8> { bytes[tokens[index]] }

  /// Token `index` as a String.
  func string(_ index: Int) -> String { String(decoding: bytes[tokens[index]], as: UTF8.self) }

  /// The line from token `index` to the end, as a String (internal blanks kept).
  func text(fromToken index: Int) -> String {
    guard index < tokens.count else { return "" }
    return String(decoding: bytes[tokens[index].lowerBound...], as: UTF8.self)
  }

  /// The line from token `from` through token `through`, as a String.
  func text(fromToken from: Int, throughToken through: Int) -> String {
    guard from <= through, through < tokens.count else { return "" }
    return String(decoding: bytes[tokens[from].lowerBound..<tokens[through].upperBound], as: UTF8.self)
  }

  /// The whole line without leading blanks.
  var trimmedText: String { text(fromToken: 0) }

  /// Byte index of the first token, or `bytes.count` for a blank line.
  var contentStart: Int { tokens.first?.lowerBound ?? bytes.count }

  /// Whether the line, from its first token, starts with `prefix` (ASCII, case-insensitive).
  func starts(with prefix: String) -> Bool {
    Bytes.hasPrefix(bytes[contentStart...], prefix)
  }

  /// Whether token `index` equals `word` (ASCII, case-insensitive).
  func tokenEquals(_ index: Int, _ word: String) -> Bool {
    index < tokens.count && Bytes.equalsIgnoringCase(bytes[tokens[index]], word)
  }

  /// Whether the line contains `needle` anywhere (ASCII, case-insensitive).
  func contains(_ needle: String) -> Bool { Bytes.contains(bytes[...], needle) }
}

/// Byte-slice helpers shared by the recognisers.
enum Bytes {
  /// Whether `slice` starts with `prefix`, ignoring ASCII case.
  static func hasPrefix(_ slice: ArraySlice<UInt8>, _ prefix: String) -> Bool {
    var index = slice.startIndex
    for byte in prefix.utf8 {
      guard index < slice.endIndex, ASCII.lowercased(slice[index]) == ASCII.lowercased(byte) else { return false }
      index += 1
    }
    return true
  }

  /// Whether `slice` ends with `suffix` (exact case).
  static func hasSuffix(_ slice: ArraySlice<UInt8>, _ suffix: String) -> Bool {
    let tail = Array(suffix.utf8)
    return slice.count >= tail.count && Array(slice.suffix(tail.count)) == tail
  }

  /// Whether `slice` equals `word`, ignoring ASCII case.
  static func equalsIgnoringCase(_ slice: ArraySlice<UInt8>, _ word: String) -> Bool {
    slice.count == word.utf8.count && hasPrefix(slice, word)
  }

  /// Whether `slice` contains `needle`, ignoring ASCII case.
  static func contains(_ slice: ArraySlice<UInt8>, _ needle: String) -> Bool {
    firstIndex(of: needle, in: slice) != nil
  }

  /// The index where `needle` starts in `slice`, ignoring ASCII case.
  static func firstIndex(of needle: String, in slice: ArraySlice<UInt8>) -> Int? {
    let pattern = Array(needle.utf8).map(ASCII.lowercased)
    guard let first = pattern.first, slice.count >= pattern.count else { return nil }
    var index = slice.startIndex
    let last = slice.endIndex - pattern.count
    while index <= last {
      if ASCII.lowercased(slice[index]) == first {
        var matched = true
        for offset in 1..<pattern.count where ASCII.lowercased(slice[index + offset]) != pattern[offset] {
          matched = false
          break
        }
        if matched { return index }
      }
      index += 1
    }
    return nil
  }

  /// `slice` as a String (invalid UTF-8 replaced).
  static func string(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
}
