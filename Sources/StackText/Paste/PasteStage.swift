//===--- PasteStage.swift - Lines as they were printed, before any recogniser -===//
//
// Sits between the line splitter and the recognisers and gives them lines as
// the debugger printed them, whatever mail, a forum, a PDF or a terminal did:
//
//   1. each line cleaned on its own (PastedLine: a terminal's escape sequences,
//      a CI log's time column, quoting, fences, bullets, markdown escapes,
//      typography);
//   2. hard wraps undone (WrapWidth): when lines were cut at a fixed width
//      (`fold -w 60`, a terminal, a PDF column), a line of exactly that width
//      and the fragment after it are one line again, joined without a blank;
//   3. `kP` argument lists joined: a row that ends inside `(` and the indented
//      lines after it are one row;
//   4. flattened listings split (FlattenedListing): a line holding a header
//      and rows, or several rows, becomes one line per row.
//
// The wrap width is read from the first lines (up to 256 of them are held
// until it is known); after that lines stream through, one held back at most.
// Line numbers stay those of the input: a joined line has its first line's.
//
//===----------------------------------------------------------------------===//

/// A line the stage owns (held back, or rewritten).
struct OwnedLine {
  var bytes: [UInt8]
  var number: Int
  var offset: Int
  var wasTruncated: Bool
  var endedWithoutNewline: Bool
  /// The length of the last input line in it, cleaned and as read (quote marks included):
  /// what decides whether it was cut at the wrap width.
  var lastLength: Int
  var lastRawLength: Int

  init(_ raw: RawLine, bytes: [UInt8]) {
    self.bytes = bytes
    number = raw.number
    offset = raw.offset
    wasTruncated = raw.wasTruncated
    endedWithoutNewline = raw.endedWithoutNewline
    lastLength = bytes.count
    lastRawLength = raw.bytes.count
  }

  /// The line as the recognisers take it (valid while `bytes` is not changed).
  func withRaw<T>(_ body: (RawLine) -> T) -> T {
    bytes.withUnsafeBufferPointer { buffer in
      body(
        RawLine(
          number: number, offset: offset, bytes: buffer, wasTruncated: wasTruncated, endedWithoutNewline: endedWithoutNewline))
    }
  }
}

/// Undoes what pasting did to the lines of a listing; see the file comment.
///
/// A class fed once per line: its state is read and written on every line and it hands out
/// no overlapping access to it, so (like the decoder's) the stored properties opt out of
/// dynamic exclusivity checks; as a struct inside the decoder, each call retained its arrays.
final class PasteStage {
  /// Lines held while the wrap width is not known yet.
  static let maximumLookahead = 256
  /// Bytes held while the wrap width is not known yet.
  static let maximumLookaheadBytes = 1 << 20
  /// Lines an argument list (`kP`) may continue over.
  static let maximumArgumentLines = 64

  @exclusivity(unchecked) private var cleaned: [UInt8] = []
  @exclusivity(unchecked) private var lookahead: [OwnedLine] = []
  @exclusivity(unchecked) private var lookaheadBytes = 0
  @exclusivity(unchecked) private var wrap = WrapWidth()
  @exclusivity(unchecked) private var decided = false
  /// A line that may continue on the next one (meaningful while `isHolding`).
  @exclusivity(unchecked) private var held: OwnedLine?
  @exclusivity(unchecked) private var isHolding = false
  @exclusivity(unchecked) private var heldArgumentLines = 0

  init() {
    cleaned.reserveCapacity(256)
  }

  /// Whether `raw` may go through unchanged and alone, as it is, now: nothing held, no wrap
  /// width, no open argument list, no quote mark or bullet, no flattened rows. What is left
  /// to ask, its bytes, the tokeniser notices on its way (`hasPlainContent` then decides):
  /// so the common line costs no pass of its own, and goes to the recognisers without a
  /// closure (one per line retained the decoder).
  @inline(__always)
  func mayPassThrough(_ raw: RawLine) -> Bool {
    decided && !isHolding && !wrap.isKnown && !ArgumentList.mayBeOpen(raw.bytes) && PastedLine.hasPlainLead(raw.bytes)
      && !FlattenedListing.mayHoldRows(raw.bytes)
  }

  /// Takes the next line from the splitter (any line; one that may pass through and has plain
  /// content need not come here); every line ready goes to `deliver`.
  @inline(never)
  func feed(_ raw: RawLine, _ deliver: (RawLine) -> Void) {
    // 1. The line alone.
    let outcome = PastedLine.clean(raw.bytes, into: &cleaned)
    if decided, !isHolding, case .unchanged = outcome, !wrap.mayContinue(length: raw.bytes.count, rawLength: raw.bytes.count),
      !ArgumentList.isOpen(raw.bytes)
    {
      wrap.observe(length: raw.bytes.count, rawLength: raw.bytes.count)
      FlattenedListing.deliver(raw, deliver)
      return
    }
    var line: OwnedLine
    switch outcome {
    case .unchanged: line = OwnedLine(raw, bytes: Array(raw.bytes))
    case .rewritten: line = OwnedLine(raw, bytes: cleaned)
    }
    if !decided {
      lookahead.append(line)
      lookaheadBytes += line.bytes.count
      if lookahead.count >= Self.maximumLookahead || lookaheadBytes >= Self.maximumLookaheadBytes { decide(deliver) }
      return
    }
    take(line, deliver)
  }

  /// Ends the input: everything held is delivered.
  func finish(_ deliver: (RawLine) -> Void) {
    if !decided { decide(deliver) }
    if isHolding, let last = held.take() {
      isHolding = false
      Self.deliver(last, deliver)
    }
  }

  // MARK: - Joining

  /// The wrap width is decided from the lines held so far; they then go through in order.
  private func decide(_ deliver: (RawLine) -> Void) {
    decided = true
    wrap.decide(from: lookahead)
    let lines = lookahead
    lookahead = []
    lookaheadBytes = 0
    for line in lines { take(line, deliver) }
  }

  /// One cleaned line after the width is known: joined to the held one, held, or delivered.
  private func take(_ line: OwnedLine, _ deliver: (RawLine) -> Void) {
    wrap.observe(length: line.lastLength, rawLength: line.lastRawLength)
    if isHolding, var previous = held.take() {
      isHolding = false
      if let separator = continuation(of: previous, by: line) {
        previous.bytes += separator
        previous.bytes += separator.isEmpty ? line.bytes[...] : Self.trimmingLeadingBlanks(line.bytes)
        previous.wasTruncated = previous.wasTruncated || line.wasTruncated
        previous.endedWithoutNewline = line.endedWithoutNewline
        previous.lastLength = line.lastLength
        previous.lastRawLength = line.lastRawLength
        // A joined line may go on: the next piece of a long line, or the next argument.
        if separator.isEmpty ? wrap.mayContinue(length: line.lastLength, rawLength: line.lastRawLength) : mayTakeArguments(previous) {
          held = previous
          isHolding = true
          return
        }
        heldArgumentLines = 0
        Self.deliver(previous, deliver)
        return
      }
      heldArgumentLines = 0
      Self.deliver(previous, deliver)
    }
    if wrap.mayContinue(length: line.lastLength, rawLength: line.lastRawLength) || ArgumentList.isOpen(line.bytes) {
      held = line
      isHolding = true
      return
    }
    Self.deliver(line, deliver)
  }

  /// How `line` continues `previous`: `[]` for a hard wrap (no blank: it was cut mid-token),
  /// a blank for an argument list; nil when it is a line of its own.
  private func continuation(of previous: OwnedLine, by line: OwnedLine) -> [UInt8]? {
    guard !line.bytes.isEmpty, !Self.isBlank(line.bytes) else { return nil }
    if ArgumentList.isOpen(previous.bytes), ArgumentList.isIndented(line.bytes) || ArgumentList.isArgument(line.bytes),
      heldArgumentLines < Self.maximumArgumentLines
    {
      heldArgumentLines += 1
      return [ASCII.space]
    }
    if wrap.mayContinue(length: previous.lastLength, rawLength: previous.lastRawLength), !RecordStart.begins(line.bytes),
      !RecordStart.sharesFirstWord(previous.bytes, line.bytes)
    {
      return []
    }
    return nil
  }

  private func mayTakeArguments(_ line: OwnedLine) -> Bool {
    ArgumentList.isOpen(line.bytes) && heldArgumentLines < Self.maximumArgumentLines
  }

  private static func deliver(_ line: OwnedLine, _ deliver: (RawLine) -> Void) {
    line.withRaw { FlattenedListing.deliver($0, deliver) }
  }

  private static func isBlank(_ bytes: [UInt8]) -> Bool {
    bytes.allSatisfy { $0 == ASCII.space || $0 == ASCII.tab }
  }

  private static func trimmingLeadingBlanks(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
    bytes.drop { $0 == ASCII.space || $0 == ASCII.tab }
  }
}
