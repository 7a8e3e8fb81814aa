//===--- WrapWidth.swift - The width lines were hard-wrapped at -------------===//
//
// `fold -w 60`, a terminal, a PDF column or a mail gateway cut long lines at a
// fixed width, mid-token (`STORE!EcDoRpc+0` / `x91`). Such text shows itself:
// its longest lines all have one length, and most of them (two at least) are
// followed by a line that starts nothing of its own (a fragment). That length is the wrap
// width; a line of exactly that width and the fragment after it are one line.
// Measured on the cleaned line and on the line as read (quoting wrapped along).
//
//===----------------------------------------------------------------------===//

/// The hard-wrap width of an input, when it has one.
struct WrapWidth {
  /// The width of cleaned lines (quote marks removed), when wrapped there.
  private(set) var width: Int?
  /// The width of lines as read, when wrapped there (a quoted text folded afterwards).
  private(set) var rawWidth: Int?

  /// Narrower lines are never taken for wrapped ones.
  static let minimumWidth = 40

  /// Whether the input was found hard-wrapped (at either width).
  var isKnown: Bool { width != nil || rawWidth != nil }

  /// Whether a line of these lengths was cut at the wrap width (and may continue).
  func mayContinue(length: Int, rawLength: Int) -> Bool {
    (width != nil && length == width) || (rawWidth != nil && rawLength == rawWidth)
  }

  /// A line longer than the width shows the text was not wrapped there after all.
  mutating func observe(length: Int, rawLength: Int) {
    if let width, length > width { self.width = nil }
    if let rawWidth, rawLength > rawWidth { self.rawWidth = nil }
  }

  /// Reads the width from the first lines of the input.
  mutating func decide(from lines: [OwnedLine]) {
    width = Self.width(of: lines.map(\.lastLength), lines)
    if width == nil { rawWidth = Self.width(of: lines.map(\.lastRawLength), lines) }
  }

  /// The longest length, when lines of it are mostly followed by fragments.
  private static func width(of lengths: [Int], _ lines: [OwnedLine]) -> Int? {
    guard let longest = lengths.max(), longest >= minimumWidth else { return nil }
    var atWidth = 0
    var followedByFragment = 0
    for index in lengths.indices where lengths[index] == longest {
      // A Python frame's line (`File "…", line 12, in main`) ends where Python ended it: two of
      // one length are no sign of a width (a cut one is joined all the same once one is known).
      if Self.isPythonFrameLine(lines[index].bytes) { continue }
      // IPython pads its traceback header to its rule's width (75): both end where IPython
      // ended them, and the frame line after the header is no fragment.
      if Self.isTracebackHeaderOrRule(lines[index].bytes) { continue }
      atWidth += 1
      guard index + 1 < lines.count else { continue }
      // The rest of a cut line is shorter than the width (rows of an aligned table, all of
      // one width, are not cut lines).
      // A cut falls anywhere, so the rest starts with one blank at most: a line indented deeper
      // is the next line of a nested text (a Python traceback's source line under its frame).
      let next = lines[index + 1].bytes
      let indent = next.prefix { $0 == ASCII.space || $0 == ASCII.tab }.count
      if lengths[index + 1] < longest, indent <= 1, indent < next.count, !RecordStart.begins(next),
        !RecordStart.sharesFirstWord(lines[index].bytes, next)
      {
        followedByFragment += 1
      }
    }
    // Two cut lines at least: one paragraph's longest line followed by the rest of it is
    // no sign of a wrap width.
    return atWidth >= 2 && followedByFragment >= 2 && followedByFragment * 2 >= atWidth ? longest : nil
  }
}

extension WrapWidth {
  /// `File "/srv/ledger/main.py", line 12, in <module>`, indented or not.
  static func isPythonFrameLine(_ bytes: [UInt8]) -> Bool {
    let start = bytes.firstIndex { $0 != ASCII.space && $0 != ASCII.tab } ?? bytes.count
    return bytes[start...].starts(with: Array("File \"".utf8)) && Bytes.contains(bytes[start...], "\", line ")
  }
}

extension WrapWidth {
  /// IPython's `KeyError      Traceback (most recent call last)` and the rule of dashes above it.
  static func isTracebackHeaderOrRule(_ bytes: [UInt8]) -> Bool {
    var end = bytes.count
    while end > 0, bytes[end - 1] == ASCII.space || bytes[end - 1] == ASCII.tab { end -= 1 }
    let content = bytes[..<end]
    if content.count >= 20, content.allSatisfy({ $0 == ASCII.minus }) { return true }
    return content.count > 33 && content.suffix(33).elementsEqual("Traceback (most recent call last)".utf8)
  }
}

/// Whether a line starts something of its own: a row, a header, a field, a banner. A line
/// that does not may be the rest of the line before it.
enum RecordStart {
  /// Whether `bytes` begins with a hex word, a frame number and a hex word, a column header,
  /// an upper-case field (`STACK_TEXT:`), a prompt, a Dr. Watson banner, a register or
  /// `Found by:` line of minidump_stackwalk, or a line of its `-m` form.
  static func begins(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { begins($0) }
  }

  static func begins(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let first = token(bytes, from: 0)
    guard !first.isEmpty else { return false }
    if HexNumber.word(first, allowMasked: false) != nil { return true }
    // A frame number starts a row when two columns (or an inline frame's marker) follow it.
    if HexNumber.isFrameNumber(first) {
      let second = token(bytes, from: first.endIndex)
      if Bytes.hasPrefix(second, "(Inline") { return true }
      if HexNumber.word(second, allowMasked: false) != nil,
        HexNumber.word(token(bytes, from: second.endIndex), allowMasked: false) != nil
      {
        return true
      }
    }
    if first.first == ASCII.hash || first.first == ASCII.star { return true }
    // lldb's `frame #1:` and `thread #2`; gdb's, Apple's and the Swift runtime's `Thread N`.
    let afterFirst = token(bytes, from: first.endIndex)
    if Bytes.equalsIgnoringCase(first, "frame") || Bytes.equalsIgnoringCase(first, "thread") {
      if afterFirst.first == ASCII.hash || (!afterFirst.isEmpty && afterFirst.allSatisfy(ASCII.isDigit)) { return true }
    }
    // An Apple crash report's or the Swift runtime's row: a frame number, then (after a module
    // name of up to two words, or `[ra]`-style flags) a `0x` address.
    if first.count <= 4, first.allSatisfy(ASCII.isDigit) {
      var next = afterFirst
      for _ in 0..<4 {
        if Bytes.hasPrefix(next, "0x") { return true }
        guard !next.isEmpty else { break }
        next = token(bytes, from: next.endIndex)
      }
    }
    // minidump_stackwalk's lines under a frame: `eip = 0x0040429e   esp = …`, `Found by: …`.
    let second = token(bytes, from: first.endIndex)
    if second.count == 1, second.first == 0x3D, Bytes.hasPrefix(token(bytes, from: second.endIndex), "0x") { return true }
    if Bytes.equalsIgnoringCase(first, "Found"), Bytes.equalsIgnoringCase(second, "by:") { return true }
    for header in headers where Bytes.equalsIgnoringCase(first, header) { return true }
    if isMachineReadableLead(first) { return true }
    // `STACK_TEXT:`, `FAILURE_BUCKET_ID:`, `0:000>`, `kd>`.
    if let last = first.last, last == ASCII.colon || last == ASCII.greaterThan,
      first.dropLast().allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || $0 == ASCII.underscore || ASCII.isDigit($0) || $0 == ASCII.colon })
    {
      return true
    }
    return Bytes.equalsIgnoringCase(first, "kd>")
  }

  /// Whether two lines open with the same word of two bytes or more: a prefix every line of a
  /// tool's output carries (Valgrind's `==12345==`, a log's stamp or tag) starts a line of its
  /// own, never the rest of a cut one.
  static func sharesFirstWord(_ line: [UInt8], _ next: [UInt8]) -> Bool {
    line.withUnsafeBufferPointer { first in
      next.withUnsafeBufferPointer { second in
        let a = token(first, from: 0)
        let b = token(second, from: 0)
        return a.count >= 2 && a.elementsEqual(b)
      }
    }
  }

  private static let headers: [StaticString] = ["ChildEBP", "Child-SP", "FramePtr", "Callee-SP", "RetAddr", "ReturnAd"]

  /// `minidump_stackwalk -m`'s lines: `Module|…`, `Crash|…`, `CPU|…`, a frame's `0|3|…`.
  private static func isMachineReadableLead(_ token: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    guard let bar = token.firstIndex(of: 0x7C) else { return false }
    let lead = token[token.startIndex..<bar]
    if !lead.isEmpty, lead.count <= 6, lead.allSatisfy(ASCII.isDigit) { return true }
    return machineReadableKeywords.contains { Bytes.equalsIgnoringCase(lead, $0) }
  }

  private static let machineReadableKeywords: [StaticString] = ["Module", "Crash", "CPU", "GPU", "OS"]

  static func token(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Slice<UnsafeBufferPointer<UInt8>> {
    var begin = start
    while begin < bytes.count, bytes[begin] == ASCII.space || bytes[begin] == ASCII.tab { begin += 1 }
    var end = begin
    while end < bytes.count, bytes[end] != ASCII.space, bytes[end] != ASCII.tab { end += 1 }
    return bytes[begin..<end]
  }
}

/// `kP`'s argument lists: a row that ends inside `(`, its arguments on indented lines.
enum ArgumentList {
  /// Whether the line ends inside an argument list it opened: its last character is `(` or
  /// `,` and it opens more parentheses than it closes.
  static func isOpen(_ bytes: some BidirectionalCollection<UInt8>) -> Bool {
    guard let last = bytes.last(where: { $0 != ASCII.space && $0 != ASCII.tab }),
      last == ASCII.openParen || last == ASCII.comma
    else { return false }
    var depth = 0
    for byte in bytes {
      if byte == ASCII.openParen { depth += 1 } else if byte == ASCII.closeParen { depth -= 1 }
    }
    return depth > 0
  }

  /// Whether the line may end inside an argument list (its last byte is `(`, `,` or a
  /// blank): a test of one byte, before `isOpen` reads the line.
  @inline(__always)
  static func mayBeOpen(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let last = bytes.last else { return false }
    return last == ASCII.openParen || last == ASCII.comma || last == ASCII.space || last == ASCII.tab
  }

  /// Whether the line reads as one of `kP`'s arguments whose indentation a web page or a mail
  /// client dropped: `type name = value` followed by `,` (more follow) or by the `)` that
  /// closes the list (`wchar_t ** argv = 0x…)+0x51`), and no row, header or prompt.
  static func isArgument(_ bytes: [UInt8]) -> Bool {
    guard let last = bytes.last(where: { $0 != ASCII.space && $0 != ASCII.tab }) else { return false }
    guard last == ASCII.comma || bytes.contains(ASCII.closeParen) else { return false }
    guard Bytes.contains(bytes[...], " = ") else { return false }
    return !RecordStart.begins(bytes)
  }

  /// Whether the line is indented (a tab, or four blanks), as `kP` prints each argument.
  static func isIndented(_ bytes: [UInt8]) -> Bool {
    guard let first = bytes.first else { return false }
    return first == ASCII.tab || (bytes.count > 4 && bytes.prefix(4).allSatisfy { $0 == ASCII.space })
  }
}
