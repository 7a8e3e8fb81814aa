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

/// Splits flattened listings into rows.
enum FlattenedListing {
  /// Shorter lines cannot hold two rows and are passed on at once.
  static let minimumLength = 80

  /// Delivers `raw`, split into one line per row when it holds a flattened listing.
  static func deliver(_ raw: RawLine, _ deliver: (RawLine) -> Void) {
    guard raw.bytes.count >= minimumLength else {
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

  /// The byte offsets where rows start.
  static func rowStarts(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
    var tokens: [Range<Int>] = []
    var index = 0
    while index < bytes.count {
      while index < bytes.count, bytes[index] == ASCII.space || bytes[index] == ASCII.tab { index += 1 }
      let start = index
      while index < bytes.count, bytes[index] != ASCII.space, bytes[index] != ASCII.tab { index += 1 }
      if index > start { tokens.append(start..<index) }
    }
    func word(_ position: Int) -> Bool {
      position < tokens.count && HexNumber.word(bytes[tokens[position]], allowMasked: false) != nil
    }
    func colon(_ position: Int) -> Bool {
      position < tokens.count && tokens[position].count == 1 && bytes[tokens[position].lowerBound] == ASCII.colon
    }
    func frameNumber(_ position: Int) -> Bool {
      position < tokens.count && HexNumber.isFrameNumber(bytes[tokens[position]])
    }
    func inline(_ position: Int) -> Bool {
      position < tokens.count && Bytes.hasPrefix(bytes[tokens[position]], "(Inline")
    }
    // Frame numbers start rows only in a listing that prints them (`#` header, or a first row
    // with one): elsewhere a short hex token is the end of the row before.
    var framesNumbered = !tokens.isEmpty && tokens[0].count == 1 && bytes[tokens[0].lowerBound] == ASCII.hash
    var starts: [Int] = []
    var position = 0
    while position < tokens.count {
      let afterText = position == 0 || !(word(position - 1) || colon(position - 1))
      guard afterText else {
        position += 1
        continue
      }
      if word(position) && (word(position + 1) || (colon(position + 1) && word(position + 2))) {
        starts.append(tokens[position].lowerBound)
        position += 2
        continue
      }
      if (framesNumbered || starts.isEmpty) && frameNumber(position) && (word(position + 1) && word(position + 2) || inline(position + 1)) {
        framesNumbered = true
        starts.append(tokens[position].lowerBound)
        position += 3
        continue
      }
      position += 1
    }
    return starts
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
    var first = RecordStart.token(bytes, from: 0)
    if first.count == 1, first.first == ASCII.hash { first = RecordStart.token(bytes, from: first.endIndex) }
    return Bytes.hasSuffix(first, "childebp") || Bytes.equalsIgnoringCase(first, "child-sp")
      || Bytes.equalsIgnoringCase(first, "frameptr") || Bytes.equalsIgnoringCase(first, "callee-sp")
      || Bytes.equalsIgnoringCase(first, "returnad")
  }
}
