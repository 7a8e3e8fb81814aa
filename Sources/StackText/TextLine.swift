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

  /// Replaces the contents with the normalised form of `raw`, keeping capacity.
  mutating func refill(from raw: RawLine) {
    number = raw.number
    offset = raw.offset
    flags = LineNormalizer.normalize(raw.bytes, into: &bytes)
    wasTruncated = raw.wasTruncated
    endedWithoutNewline = raw.endedWithoutNewline
    tokenize()
  }

  /// Recomputes `tokens` from `bytes`.
  mutating func tokenize() {
    tokens.removeAll(keepingCapacity: true)
    bytes.withUnsafeBufferPointer { buffer in
      var index = 0
      let count = buffer.count
      while index < count {
        while index < count && buffer[index] == ASCII.space { index += 1 }
        let start = index
        while index < count && buffer[index] != ASCII.space { index += 1 }
        if index > start { tokens.append(start..<index) }
      }
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
  func starts(with prefix: StaticString) -> Bool {
    Bytes.hasPrefix(bytes[contentStart...], prefix)
  }

  /// Whether token `index` equals `word` (ASCII, case-insensitive).
  func tokenEquals(_ index: Int, _ word: StaticString) -> Bool {
    index < tokens.count && Bytes.equalsIgnoringCase(bytes[tokens[index]], word)
  }

  /// The index of the first token that starts with `prefix` (ASCII, case-insensitive).
  func firstToken(withPrefix prefix: StaticString) -> Int? {
    guard prefix.utf8CodeUnitCount > 0 else { return nil }
    let head = ASCII.lowercased(prefix.utf8Start[0])
    for (index, range) in tokens.enumerated() where ASCII.lowercased(bytes[range.lowerBound]) == head {
      if Bytes.hasPrefix(bytes[range], prefix) { return index }
    }
    return nil
  }

  /// Whether the line contains `needle` anywhere (ASCII, case-insensitive).
  func contains(_ needle: StaticString) -> Bool { Bytes.contains(bytes[...], needle) }
}

/// Byte-slice helpers shared by the recognisers. Needles are `StaticString`s:
/// their bytes are read in place, so the helpers never allocate on the hot path.
enum Bytes {
  /// Whether `slice` starts with `prefix`, ignoring ASCII case.
  @inline(__always)
  static func hasPrefix(_ slice: ArraySlice<UInt8>, _ prefix: StaticString) -> Bool {
    let count = prefix.utf8CodeUnitCount
    guard slice.count >= count else { return false }
    let pattern = prefix.utf8Start
    var index = slice.startIndex
    for offset in 0..<count {
      guard ASCII.lowercased(slice[index]) == ASCII.lowercased(pattern[offset]) else { return false }
      index += 1
    }
    return true
  }

  /// Whether `slice` ends with `suffix`, ignoring ASCII case.
  static func hasSuffix(_ slice: ArraySlice<UInt8>, _ suffix: StaticString) -> Bool {
    let count = suffix.utf8CodeUnitCount
    guard slice.count >= count else { return false }
    return hasPrefix(slice[(slice.endIndex - count)...], suffix)
  }

  /// Whether `slice` equals `word`, ignoring ASCII case.
  static func equalsIgnoringCase(_ slice: ArraySlice<UInt8>, _ word: StaticString) -> Bool {
    slice.count == word.utf8CodeUnitCount && hasPrefix(slice, word)
  }

  /// Whether `slice` contains `needle`, ignoring ASCII case.
  static func contains(_ slice: ArraySlice<UInt8>, _ needle: StaticString) -> Bool {
    firstIndex(of: needle, in: slice) != nil
  }

  /// The index where `needle` starts in `slice`, ignoring ASCII case.
  static func firstIndex(of needle: StaticString, in slice: ArraySlice<UInt8>) -> Int? {
    let count = needle.utf8CodeUnitCount
    guard count > 0, slice.count >= count else { return nil }
    let pattern = needle.utf8Start
    let first = ASCII.lowercased(pattern[0])
    var index = slice.startIndex
    let last = slice.endIndex - count
    while index <= last {
      if ASCII.lowercased(slice[index]) == first {
        var offset = 1
        while offset < count && ASCII.lowercased(slice[index + offset]) == ASCII.lowercased(pattern[offset]) {
          offset += 1
        }
        if offset == count { return index }
      }
      index += 1
    }
    return nil
  }

  /// `slice` as a String (invalid UTF-8 replaced).
  static func string(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
}
