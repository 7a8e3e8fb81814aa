//===--- PastedLine.swift - One line as people paste it, made plain again -----===//
//
// What mail, forums, markdown and web pages do to a line of a listing, undone:
//
//   > > 0012f9a0 77f8e9a4 …          quoting: `>`, `> `, `>>`, `> > `, mixed depths, and `| `
//   ```  ~~~                          markdown fences (kept: they end a listing, start none)
//   - 0012f9a0 …   1. 0012f9a0 …     list bullets before a row or a header
//   STORE!Ec\_Do\*  \# ChildEBP      markdown escapes (only where every backslash is one)
//   +0×8db5  `1′  ’   NBSP           typography: × for x, curly quotes and primes, no-break
//                                     and zero-width spaces
//   [        ]   frame #0: …         `flutter run -v`'s elapsed-time column (`[  +83 ms] `)
//   2026-11-30T10:15:09.9100000Z …    a CI log's time column: GitHub Actions', GitLab's (with its
//   [2026-11-30T10:15:09.910Z] …      `00O ` stream marker), Jenkins' Timestamper in brackets
//   ESC[1;31m0012f9a0ESC[0m …         a terminal's colours and links (TerminalEscapes)
//
// A line none of this applies to (the common case) is found out on its first
// byte and one pass for a backslash or a non-ASCII byte, and is passed on as it
// is. The rest is rewritten into the caller's buffer.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Undoes the shapes pasting gives one line.
enum PastedLine {
  /// What `clean` did with a line.
  enum Outcome {
    /// The line needs nothing: use it as it is.
    case unchanged
    /// The line was rewritten into the buffer; its quote depth is given (0 when unquoted).
    case rewritten(quoteDepth: Int)
  }

  /// Whether the first byte of `line` after its indentation is no quote mark, fence or list
  /// bullet: the test of every line, inline. (`hasPlainContent` is the other half.)
  @inline(__always)
  static func hasPlainLead(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = line.baseAddress else { return true }
    let count = line.count
    var start = 0
    while start < count, base[start] == ASCII.space || base[start] == ASCII.tab { start += 1 }
    guard start < count else { return true }
    let lead = base[start]
    let next = start + 1 < count ? base[start + 1] : 0
    // A `>` always quotes; `|` quotes and `-`, `*`, `+` are bullets only before a blank; a
    // fence repeats its mark (so `*----> System Information <----*` passes).
    switch lead {
    case ASCII.greaterThan: return false
    case ASCII.openBracket:
      return elapsedColumnEnd(line, from: start) == nil
        && !(CITimeColumn.mayStart(line, at: start) && CITimeColumn.end(line, from: start) != nil)
    case 0x7C, ASCII.minus, ASCII.star, ASCII.plus: return next != ASCII.space
    case ASCII.backtick, ASCII.tilde: return next != lead
    default:
      return !(ASCII.isDigit(lead)
        && (hasNumberedBullet(line, from: start)
          || (CITimeColumn.mayStart(line, at: start) && CITimeColumn.end(line, from: start) != nil)))
    }
  }

  /// Whether `line` holds no web typography and no backslash that could be a markdown escape
  /// (a path's are not): asked only of lines with a backslash or a non-ASCII byte, which the
  /// tokeniser notices on its way (`NormalizationFlags.hadBackslashOrHighByte`).
  static func hasPlainContent(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    let scan = LineScan(line)
    return !scan.hasHighByte && (!scan.hasBackslash || (!isMarkdownEscaped(line) && !hasUnmistakableEscape(line)))
  }

  /// Cleans `line`; a rewritten line goes to `output` (cleared first).
  static func clean(_ line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> Outcome {
    guard let base = line.baseAddress, !line.isEmpty else { return .unchanged }
    let count = line.count
    // A terminal's escape sequences (TerminalEscapes) first: the rest is cleaned without them.
    if memchr(base, Int32(TerminalEscapes.escape), count) != nil {
      var plain: [UInt8] = []
      TerminalEscapes.strip(line, into: &plain)
      return plain.withUnsafeBufferPointer { rest in
        if case .rewritten(let depth) = clean(rest, into: &output) { return .rewritten(quoteDepth: depth) }
        output.removeAll(keepingCapacity: true)
        output.append(contentsOf: rest)
        return .rewritten(quoteDepth: 0)
      }
    }
    var start = 0
    while start < count, line[start] == ASCII.space || line[start] == ASCII.tab { start += 1 }
    guard start < count else { return .unchanged }
    let lead = line[start]
    // `flutter run -v`'s column, a CI log's time: the rest is the line as the tool printed it.
    if let end = lead == ASCII.openBracket ? elapsedColumnEnd(line, from: start) ?? CITimeColumn.end(line, from: start)
      : ASCII.isDigit(lead) ? CITimeColumn.end(line, from: start) : nil
    {
      let rest = UnsafeBufferPointer(rebasing: line[end...])
      if case .rewritten(let depth) = clean(rest, into: &output) { return .rewritten(quoteDepth: depth) }
      output.removeAll(keepingCapacity: true)
      output.append(contentsOf: rest)
      return .rewritten(quoteDepth: 0)
    }
    let mayBeDecorated =
      lead == ASCII.greaterThan || lead == 0x7C || lead == ASCII.backtick || lead == ASCII.tilde || lead == ASCII.minus
      || lead == ASCII.star || lead == ASCII.plus || (ASCII.isDigit(lead) && hasNumberedBullet(line, from: start))
    let scan = LineScan(line)
    let needsRewrite = scan.hasHighByte || scan.hasBackslash
    guard mayBeDecorated || needsRewrite else { return .unchanged }

    // A fence is kept as it is: it ends whatever listing it closes, and starts none.
    if isFence(line, from: start) { return .unchanged }
    // Quote marks: `>` with or without a blank after each, repeated; `| ` unless the line is a table row.
    // One blank after each mark is the quoting's own; more (or tabs) belong to the line, whose
    // indentation later stages read.
    var depth = 0
    var position = start
    while position < count {
      // A quote mark is followed by a blank, another mark or the end of the line: `>::erase`
      // (a template name wrapped in a SQL short stack) is not quoted.
      // At the very start of a line `>` always quotes (`>0012f9a0 …`).
      let next = position + 1 < count ? line[position + 1] : ASCII.space
      let endsMark = position == 0 || next == ASCII.space || next == ASCII.tab || next == ASCII.greaterThan
      if line[position] == ASCII.greaterThan, endsMark {
        position += 1
      } else if line[position] == 0x7C, line[count - 1] != 0x7C, position + 1 < count, line[position + 1] == ASCII.space {
        position += 1
      } else {
        break
      }
      depth += 1
      if position < count, line[position] == ASCII.space { position += 1 }
      var following = position
      while following < count, line[following] == ASCII.space { following += 1 }
      if following < count, line[following] == ASCII.greaterThan { position = following }
    }
    // A bullet before a row or a header.
    var bulletAt = position
    while bulletAt < count, line[bulletAt] == ASCII.space { bulletAt += 1 }
    if let after = bulletEnd(line, from: bulletAt), startsListing(line, from: after) { position = after }
    let body = UnsafeBufferPointer(rebasing: line[position...])
    // A path's backslashes and non-ASCII text (a user name, a localised message) are kept:
    // such a line is rewritten only when it holds escapes or typography.
    let unescape = needsRewrite && isMarkdownEscaped(body)
    // A line whose paths kept their single backslashes may still escape a backtick (a
    // 64-bit word's `ffffd001\`528e3fb0`): such escapes alone are undone.
    let unescapeSome = needsRewrite && !unescape && hasUnmistakableEscape(body)
    let retype = needsRewrite && !unescape && hasTypography(body)
    if depth == 0 && position == start && !unescape && !unescapeSome && !retype { return .unchanged }

    output.removeAll(keepingCapacity: true)
    output.reserveCapacity(count)
    // An unquoted line keeps its indentation: `kP` argument lines are read by it.
    if depth == 0 { output.append(contentsOf: line[..<start]) }
    if unescape || unescapeSome || retype {
      var index = body.startIndex
      while index < body.endIndex {
        let byte = body[index]
        if byte == ASCII.backslash, index + 1 < body.endIndex,
          unescape || (unescapeSome && isNeverAfterPathBackslash(body[index + 1]))
        {
          output.append(body[index + 1])
          index += 2
          continue
        }
        if byte >= 0x80, let (replacement, length) = typography(body, at: index) {
          if let replacement { output.append(replacement) }
          index += length
          continue
        }
        output.append(byte)
        index += 1
      }
    } else {
      output.append(contentsOf: body)
    }
    return .rewritten(quoteDepth: depth)
  }

  /// Where the text after `flutter run -v`'s elapsed-time column starts: `[        ] `,
  /// `[  +83 ms] `, `[+1053 ms] ` (a blank or a `+N ms`/`+N s` padded inside the brackets, then
  /// one blank), or nil.
  @inline(__always)
  static func elapsedColumnEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    guard line.count - start >= 11, line[start] == ASCII.openBracket else { return nil }
    var index = start + 1
    while index < line.count, index - start <= 12, line[index] == ASCII.space { index += 1 }
    if index < line.count, line[index] == ASCII.plus {
      index += 1
      let digits = index
      while index < line.count, ASCII.isDigit(line[index]) { index += 1 }
      guard index > digits, index + 1 < line.count, line[index] == ASCII.space else { return nil }
      index += 1
      if line[index] == UInt8(ascii: "m") { index += 1 }
      guard index < line.count, line[index] == UInt8(ascii: "s") else { return nil }
      index += 1
    }
    // Eight columns inside the brackets, as the tool pads them (nine or ten for long times).
    guard index - start - 1 >= 8, index - start - 1 <= 10, index + 1 < line.count, line[index] == ASCII.closeBracket,
      line[index + 1] == ASCII.space
    else { return nil }
    return index + 2
  }

  /// ```` ``` ````, ```` ```text ````, `~~~`: a markdown code fence.
  private static func isFence(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
    let mark = line[start]
    guard mark == ASCII.backtick || mark == ASCII.tilde, line.count - start >= 3 else { return false }
    guard line[start + 1] == mark, line[start + 2] == mark else { return false }
    // The info string after a fence is one word (`text`, `cpp`); a run of backticks inside
    // a row is no fence.
    var index = start + 3
    while index < line.count, line[index] == mark { index += 1 }
    while index < line.count, line[index] != ASCII.space { index += 1 }
    while index < line.count, line[index] == ASCII.space { index += 1 }
    return index == line.count
  }

  /// `1. ` (up to three digits, a period, a blank) at `start`.
  @inline(__always)
  private static func hasNumberedBullet(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
    var index = start
    while index < line.count, index - start < 3, ASCII.isDigit(line[index]) { index += 1 }
    return index > start && index + 1 < line.count && line[index] == ASCII.period && line[index + 1] == ASCII.space
  }

  /// Where the text after a list bullet (`- `, `* `, `+ `, `1. `) starts, or nil.
  private static func bulletEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    guard start < line.count else { return nil }
    var index = start
    let lead = line[index]
    if lead == ASCII.minus || lead == ASCII.star || lead == ASCII.plus {
      index += 1
    } else if hasNumberedBullet(line, from: start) {
      while ASCII.isDigit(line[index]) { index += 1 }
      index += 1
    } else {
      return nil
    }
    guard index < line.count, line[index] == ASCII.space else { return nil }
    while index < line.count, line[index] == ASCII.space { index += 1 }
    return index < line.count ? index : nil
  }

  /// Whether the text at `start` begins a row (a hex word, or a frame number and a hex word)
  /// or a column header: what a bullet may be stripped from.
  private static func startsListing(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
    let first = token(line, from: start)
    if isHexWord(first) { return true }
    if first.count <= HexNumber.maximumFrameNumberDigits, first.allSatisfy(ASCII.isHexDigit) {
      return isHexWord(token(line, from: first.endIndex))
    }
    return Bytes.equalsIgnoringCase(first, "childebp") || Bytes.equalsIgnoringCase(first, "child-sp")
      || Bytes.equalsIgnoringCase(first, "frameptr") || Bytes.equalsIgnoringCase(first, "#")
  }

  private static func token(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Slice<UnsafeBufferPointer<UInt8>> {
    var begin = start
    while begin < line.count, line[begin] == ASCII.space || line[begin] == ASCII.tab { begin += 1 }
    var end = begin
    while end < line.count, line[end] != ASCII.space, line[end] != ASCII.tab { end += 1 }
    return line[begin..<end]
  }

  private static func isHexWord(_ token: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    HexNumber.word(token, allowMasked: false) != nil
  }

  /// Whether every backslash of the text starts a markdown escape (a backslash before ASCII
  /// punctuation: `\#`, `\!`, `\_`, `\<`, `\\`): then the text went through a markdown
  /// editor, and a path's backslashes were doubled. A raw backslash (`d:\src`) means it did not.
  private static func isMarkdownEscaped(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = text.baseAddress else { return false }
    var index = 0
    var escapes = 0
    // From backslash to backslash (memchr); a path's first one ends the search.
    while index < text.count, let found = memchr(base + index, Int32(ASCII.backslash), text.count - index) {
      let at = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
      guard at + 1 < text.count else { return false }
      // CommonMark escapes any ASCII punctuation.
      let next = base[at + 1]
      guard next > ASCII.space, next < 0x7F, !ASCII.isLetter(next), !ASCII.isDigit(next) else { return false }
      escapes += 1
      index = at + 2
    }
    return escapes > 0
  }

  /// Whether the text holds a backslash before a byte no Windows path puts after one (see
  /// `isNeverAfterPathBackslash`): a markdown escape even in a line whose other backslashes
  /// are a path's.
  static func hasUnmistakableEscape(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = text.baseAddress else { return false }
    var index = 0
    while index < text.count, let found = memchr(base + index, Int32(ASCII.backslash), text.count - index) {
      let at = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
      guard at + 1 < text.count else { return false }
      if isNeverAfterPathBackslash(base[at + 1]) { return true }
      index = at + 1
    }
    return false
  }

  /// `` ` ``, `*`, `<`, `>`, `|`, `"`, `?`: bytes a file name cannot hold (and a backtick,
  /// which none in a listing starts with), so a backslash before one is markdown's escape.
  @inline(__always)
  private static func isNeverAfterPathBackslash(_ byte: UInt8) -> Bool {
    byte == ASCII.backtick || byte == ASCII.star || byte == ASCII.lessThan || byte == ASCII.greaterThan
      || byte == 0x7C || byte == 0x22 || byte == 0x3F
  }

  /// Whether the text holds a sequence `typography` replaces.
  private static func hasTypography(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    var index = text.startIndex
    while index < text.endIndex {
      if text[index] >= 0x80, typography(text, at: index) != nil { return true }
      index += 1
    }
    return false
  }

  /// The ASCII a web page's typography stands for at `index` (a UTF-8 sequence): `×` after
  /// `0` is `x` (`+0×8db5`), curly single quotes and primes are `'`, curly double quotes `"`,
  /// a no-break space is a blank, a zero-width space or byte-order mark is nothing. Nil for
  /// any other sequence.
  private static func typography(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt8?, Int)? {
    let rest = text.endIndex - index
    let first = text[index]
    if first == 0xC3, rest >= 2, text[index + 1] == 0x97, index > text.startIndex, text[index - 1] == ASCII.zero {
      return (ASCII.lowerX, 2)  // × U+00D7
    }
    if first == 0xC2, rest >= 2, text[index + 1] == 0xA0 { return (ASCII.space, 2) }  // U+00A0
    if first == 0xE2, rest >= 3, text[index + 1] == 0x80 {
      switch text[index + 2] {
      case 0x98, 0x99, 0xB2: return (0x27, 3)  // ‘ ’ ′
      case 0x9C, 0x9D: return (0x22, 3)  // “ ”
      case 0x8B: return (nil, 3)  // U+200B
      default: return nil
      }
    }
    if first == 0xEF, rest >= 3, text[index + 1] == 0xBB, text[index + 2] == 0xBF { return (nil, 3) }  // U+FEFF
    return nil
  }
}
