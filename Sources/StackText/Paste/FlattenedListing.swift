//===--- FlattenedListing.swift - Rows whose line breaks were lost -----------===//
//
// Copied out of a PDF or a web page, a listing can arrive as one long line:
//
//   ChildEBP RetAddr Args to Child 0012f9a0 77f8e9a4 00000001 00000002 00000003
//   STORE!EcGetProp+0x12 0012fa00 77f8e9b4 00000001 … STORE!EcReadMsg+0x10 …
//
// A row starts where two hex words (or a frame number and a hex word, or an
// inline frame's marker) follow something that is not a hex word: the symbol
// text of the row before. A line with two such starts, or a header before one,
// is split there, one line per row, each keeping the input's line number.
// Lines shorter than a header and two rows are never examined.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Splits flattened listings into rows.
enum FlattenedListing {
  /// Shorter lines cannot hold two rows and are passed on at once.
  static let minimumLength = 80

  /// Delivers `raw`, split into one line per row when it holds a flattened listing.
  static func deliver(_ raw: RawLine, _ deliver: (RawLine) -> Void) {
    guard mayHoldRows(raw.bytes) else {
      deliver(raw)
      return
    }
    let starts = rowStarts(raw.bytes)
    // A blue screen's two-column module list (`80100000 336546bf - ntoskrnl.exe  80010000 …`)
    // is one line as printed.
    guard !hasBlueScreenDash(raw.bytes) else {
      deliver(raw)
      return
    }
    guard starts.count >= 2 || (starts.count == 1 && starts[0] > 0 && beginsWithHeader(raw.bytes)) else {
      deliver(raw)
      return
    }
    var pieces = starts
    if pieces.first != 0 { pieces.insert(0, at: 0) }
    for (index, start) in pieces.enumerated() {
      let end = index + 1 < pieces.count ? pieces[index + 1] : raw.bytes.count
      var piece = raw
      piece.offset = raw.offset + start
      piece.bytes = UnsafeBufferPointer(rebasing: raw.bytes[start..<end])
      piece.endedWithoutNewline = raw.endedWithoutNewline && index + 1 == pieces.count
      deliver(piece)
    }
  }

  /// Whether the line may hold a flattened listing: two rows carry two symbols
  /// (`module!function`), or a header leads. Anything shorter than `minimumLength` is
  /// turned away at once, anything else after two memchr calls at most.
  @inline(__always)
  static func mayHoldRows(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    bytes.count >= minimumLength && (hasTwoBangs(bytes) || beginsWithHeader(bytes))
  }

  /// The byte offsets where rows start. Tokens are read through a window of four (the one
  /// before, the one examined, two after), so no token list is built.
  static func rowStarts(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
    var cursor = 0
    func nextToken() -> Range<Int>? {
      while cursor < bytes.count, bytes[cursor] == ASCII.space || bytes[cursor] == ASCII.tab { cursor += 1 }
      let start = cursor
      while cursor < bytes.count, bytes[cursor] != ASCII.space, bytes[cursor] != ASCII.tab { cursor += 1 }
      return cursor > start ? start..<cursor : nil
    }
    func word(_ token: Range<Int>?) -> Bool {
      guard let token else { return false }
      return (token.count == 8 || token.count == 16 || token.count == 17) && HexNumber.word(bytes[token], allowMasked: false) != nil
    }
    func colon(_ token: Range<Int>?) -> Bool { token.map { $0.count == 1 && bytes[$0.lowerBound] == ASCII.colon } ?? false }
    func frameNumber(_ token: Range<Int>?) -> Bool { token.map { HexNumber.isFrameNumber(bytes[$0]) } ?? false }
    func inline(_ token: Range<Int>?) -> Bool { token.map { Bytes.hasPrefix(bytes[$0], "(Inline") } ?? false }

    var previous: Range<Int>?
    var current = nextToken()
    var ahead1 = nextToken()
    var ahead2 = nextToken()
    func advance(_ count: Int) {
      for _ in 0..<count {
        previous = current
        current = ahead1
        ahead1 = ahead2
        ahead2 = nextToken()
      }
    }
    // Frame numbers start rows only in a listing that prints them (`#` header, or a first row
    // with one): elsewhere a short hex token is the end of the row before.
    var framesNumbered = current.map { $0.count == 1 && bytes[$0.lowerBound] == ASCII.hash } ?? false
    var starts: [Int] = []
    while let token = current {
      let afterText = previous == nil || !(word(previous) || colon(previous))
      if afterText && word(current) && (word(ahead1) || (colon(ahead1) && word(ahead2))) {
        starts.append(token.lowerBound)
        advance(2)
        continue
      }
      if afterText && (framesNumbered || starts.isEmpty) && frameNumber(current)
        && (word(ahead1) && word(ahead2) || inline(ahead1))
      {
        framesNumbered = true
        starts.append(token.lowerBound)
        advance(3)
        continue
      }
      advance(1)
    }
    return starts
  }

  /// Whether the line holds `!` twice.
  private static func hasTwoBangs(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress, let first = memchr(base, Int32(ASCII.bang), bytes.count) else { return false }
    let next = UnsafeRawPointer(first).assumingMemoryBound(to: UInt8.self) + 1 - base
    return next < bytes.count && memchr(base + next, Int32(ASCII.bang), bytes.count - next) != nil
  }

  /// Whether a lone `-` follows a hex word: the blue-screen `address word - name` layout.
  private static func hasBlueScreenDash(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var index = 2
    while index + 1 < bytes.count {
      if bytes[index] == ASCII.minus, bytes[index - 1] == ASCII.space, bytes[index + 1] == ASCII.space,
        ASCII.isHexDigit(bytes[index - 2])
      {
        return true
      }
      index += 1
    }
    return false
  }

  /// Whether the line starts with a column header's first word.
  private static func beginsWithHeader(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    // Every header word is eight bytes or more and ends in `p`, `r` or `d` (`ChildEBP`,
    // `Child-SP`, `FramePtr`, `Callee-SP`, `ReturnAd`), or follows `#`: most long lines
    // (disassembly, raw stack) are turned away on their first token's length and last byte.
    var end = 0
    while end < bytes.count, bytes[end] == ASCII.space || bytes[end] == ASCII.tab { end += 1 }
    let begin = end
    while end < bytes.count, bytes[end] != ASCII.space, bytes[end] != ASCII.tab { end += 1 }
    guard end > begin else { return false }
    let last = bytes[end - 1] | 0x20
    guard (end - begin >= 8 && (last == 0x70 || last == 0x72 || last == 0x64)) || bytes[begin] == ASCII.hash else { return false }
    var first = RecordStart.token(bytes, from: 0)
    if first.count == 1, first.first == ASCII.hash { first = RecordStart.token(bytes, from: first.endIndex) }
    return Bytes.hasSuffix(first, "childebp") || Bytes.equalsIgnoringCase(first, "child-sp")
      || Bytes.equalsIgnoringCase(first, "frameptr") || Bytes.equalsIgnoringCase(first, "callee-sp")
      || Bytes.equalsIgnoringCase(first, "returnad")
  }
}
