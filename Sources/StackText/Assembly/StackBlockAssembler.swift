//===--- StackBlockAssembler.swift - Rows of one listing, wraps repaired ----===//
//
// Collects the rows of one stack listing, one line at a time. A row is
//
//   [frame-number] hex{layout.hexColumns} [':'] [symbol-text [annotations]]
//
// and the listing may have been wrapped or damaged in every way formats.md §2.2
// records. The assembler keeps one pending row and decides for each new line:
//
//   * hex words and the pending row still lacks columns   → they are its columns
//     (hex columns split over two lines: 3+2, 2+4, 4+1);
//   * hex words otherwise                                 → a new row;
//   * symbol text and the pending row has none yet        → its symbol (the
//     function on the next line, blank lines allowed in between);
//   * the pending symbol has an open ( or [               → more annotation
//     (`(FPO:` / `[2,0,2])`, argument lists over several lines);
//   * an annotation start: `(FPO…`, `[omap]`, `(0x…`      → its annotation;
//   * the symbol was cut: ends in `!`, `::`, `+`, `@`; an offset's digits
//     continue (`+0x5` / `1`); a decorated name continues; one stray letter
//     precedes the module (`l` / `ocalspl!PortThread`)    → joined without a blank;
//   * a symbol alone on the line                          → a frame without
//     hex columns (lists under `Function Name`, `<data omitted>` rows);
//   * a repeat of the previous symbol after a garbled row → repairs it;
//   * debugger noise (`WARNING: Stack unwind…`, `KD: …`, prompts) → skipped;
//   * anything else ends the listing (the driver hands it on).
//
//===----------------------------------------------------------------------===//

import CrashCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A stack listing decoded from text.
struct DecodedStackBlock {
  /// The row layout used.
  var layout: RowLayout
  /// The frames, innermost first.
  var frames: [StackFrame]
  /// The lines of the listing, header included.
  var lines: LineRange
  /// Whether the listing had a header line.
  var hadHeader: Bool
  /// Problems found in the listing.
  var diagnostics: [Diagnostic]
  /// Whether any column held a 64-bit value (16 digits whose high half is neither 0 nor a
  /// sign extension: x86 stacks printed 16 digits wide are not 64-bit).
  var hasWideColumns = false
  /// Whether every row's columns were 8 digits wide (none 16).
  var hasOnlyEightDigitColumns = false
  /// The thread a debugger header (`~*kb`: `120  id: f0f0f0f0.a1c …`) named for it.
  var threadID: UInt32?
  /// That header, as printed.
  var label: String?
}

/// Assembles the rows of one stack listing.
struct StackBlockAssembler {
  /// Whether a line was taken into the listing.
  enum Outcome {
    /// The line belongs to the listing.
    case consumed
    /// The line does not; the listing ended before it.
    case notConsumed
  }

  private(set) var layout: RowLayout
  private var hasFrameNumbers: Bool
  private var hadHeader: Bool
  private var allowsSymbolOnlyRows: Bool
  private(set) var lines: LineRange
  private var rows: [PendingRow] = []
  /// The row being built, meaningful while `hasPending` (a flag beside a plain value: an
  /// optional row was tested through an outlined call on every use).
  private var pending = PendingRow(line: 0, textAt: 0)
  /// Whether a row is pending.
  private var hasPending = false
  /// The symbol text of every row, back to back (`PendingRow.symbolRange`).
  private var symbolArena: [UInt8] = []
  private var blankRun = 0
  private var awaitingHeaderContinuation: Bool
  /// The listing was announced by a label (`STACK_TEXT:`) rather than a column header: its
  /// first row's shape sets the layout.
  private var layoutFromFirstRow = false
  private var hasWideColumns = false
  /// Whether some row's columns were 16 digits wide, and whether some row's were all 8.
  private var hasSixteenDigitColumns = false
  private var hasEightDigitColumns = false
  private var diagnostics: [Diagnostic] = []
  private var suppressedDiagnostics = 0

  /// Diagnostics one listing keeps; the rest are counted (a listing of noise cannot grow memory).
  static let maximumDiagnostics = 100
  private var lastContentLine: Int

  /// How many consecutive blank lines a listing may contain.
  static let maximumBlankRun = 2

  /// Room reserved when a listing starts under a header (most fit; larger ones grow as usual).
  /// Header-less listings start tentatively on lines that often turn out not to be one, so
  /// they reserve nothing.
  private static let typicalRows = 32
  private static let typicalSymbolBytes = 2_048

  /// Starts a listing under a header line.
  init(header: StackHeader, line: Int) {
    layout = header.layout
    hasFrameNumbers = header.hasFrameNumbers
    hadHeader = true
    allowsSymbolOnlyRows = true
    lines = LineRange(line: line)
    lastContentLine = line
    awaitingHeaderContinuation = header.mayContinue
    rows.reserveCapacity(Self.typicalRows)
    symbolArena.reserveCapacity(Self.typicalSymbolBytes)
  }

  /// Starts a listing with no header; `layout` comes from the first row's shape.
  init(headerlessLayout layout: RowLayout, line: Int, allowsSymbolOnlyRows: Bool = false) {
    self.layout = layout
    hasFrameNumbers = false
    hadHeader = false
    self.allowsSymbolOnlyRows = allowsSymbolOnlyRows
    lines = LineRange(line: line)
    lastContentLine = line
    awaitingHeaderContinuation = false
  }

  /// Starts a listing announced by a label without column names (`!analyze`'s `STACK_TEXT:`):
  /// the first row's shape chooses the layout.
  init(labelLine line: Int) {
    self.init(headerlessLayout: .childEBPArgs, line: line)
    hadHeader = true
    layoutFromFirstRow = true
  }

  /// A new listing that continues this one's rows under the same header (a listing split at
  /// the row limit).
  func continuation(line: Int) -> StackBlockAssembler {
    var next = StackBlockAssembler(headerlessLayout: layout, line: line, allowsSymbolOnlyRows: allowsSymbolOnlyRows)
    next.hadHeader = hadHeader
    next.hasFrameNumbers = hasFrameNumbers
    return next
  }

  /// Marks a listing opened by a header other than a column header (`Stack trace:`,
  /// `Function Name`, a bulleted symbol): rows keep no fixed shape and bare
  /// symbols are frames.
  mutating func markHeader() {
    hadHeader = true
    allowsSymbolOnlyRows = true
  }

  /// Number of rows so far, the pending one included.
  var rowCount: Int { rows.count + (hasPending ? 1 : 0) }

  /// Whether the listing has `maximum` rows and `line` would start another (a mutating call,
  /// so that the decoder asks in place instead of reading a copy of the listing).
  mutating func isFull(atRows maximum: Int, before line: TextLine) -> Bool {
    rowCount >= maximum && wouldStartRow(line)
  }

  /// Whether `line` would start a row of its own: hex columns, or a bare symbol where the
  /// listing takes those (the decoder splits an overlong listing before such a line).
  func wouldStartRow(_ line: TextLine) -> Bool {
    if RowStart.parse(line, layout: layout) != nil { return true }
    return allowsSymbolOnlyRows && !line.isBlank
      && SymbolLineShape.isStrictSymbolLine(line, from: bulletOffset(line), allowSplitModule: true)
  }

  // MARK: - Row text

  /// The symbol text of `row`.
  private func symbolText(of row: PendingRow) -> ArraySlice<UInt8> { symbolArena[row.symbolRange] }

  /// Appends a line's symbol text (its bytes from a token on) to the pending row, after
  /// `separator` when text is already there.
  private mutating func appendToPending(_ text: some ByteCollection, separator: String) {
    guard !text.isEmpty else { return }
    // The pending row is the last one started, so its text ends the arena; if it ever did
    // not, its text moves to the end first.
    if pending.symbolRange.upperBound != symbolArena.count {
      let earlier = Array(symbolArena[pending.symbolRange])
      let start = symbolArena.count
      symbolArena.append(contentsOf: earlier)
      pending.symbolRange = start..<symbolArena.count
    }
    if pending.bracketDepth > 0 { pending.continuationLines += 1 }
    if pending.hasSymbolText { symbolArena.append(contentsOf: separator.utf8) }
    symbolArena.append(contentsOf: text)
    pending.symbolRange = pending.symbolRange.lowerBound..<symbolArena.count
    pending.bracketDepth = max(0, pending.bracketDepth + SymbolLineShape.bracketDepth(text))
  }

  /// Where `text` lands when it replaces the text at `range` (in place when that ends the arena).
  private mutating func replacingText(at range: Range<Int>, with text: some ByteCollection) -> Range<Int> {
    var start = symbolArena.count
    if range.upperBound == symbolArena.count {
      symbolArena.removeSubrange(range)
      start = range.lowerBound
    }
    symbolArena.append(contentsOf: text)
    return start..<symbolArena.count
  }

  // MARK: - Consuming lines

  /// Offers the next line to the listing.
  mutating func consume(_ line: TextLine) -> Outcome {
    if line.isBlank {
      blankRun += 1
      return blankRun > Self.maximumBlankRun ? .notConsumed : .consumed
    }
    if awaitingHeaderContinuation && isHeaderContinuation(line) {
      // `… Param#4` / `Function Name`, possibly after the first row's columns (Q194594).
      awaitingHeaderContinuation = false
      blankRun = 0
      return .consumed
    }
    if let noise = NoiseLine.classify(line) {
      // A prompt after rows starts the next command's output: the listing is over.
      if NoiseLine.isPrompt(line) && rowCount > 0 { return .notConsumed }
      note(Diagnostic(.note, "skipped \(noise) inside the stack listing", line: line.number))
      blankRun = 0
      return .consumed
    }
    // Parsed in place and handed on by reference: a row's columns are held inline.
    var start = RowStart()
    if RowStart.parse(line, layout: layout, into: &start) {
      return consumeRowStart(&start, line)
    }
    return consumeText(line)
  }

  private func isHeaderContinuation(_ line: TextLine) -> Bool {
    line.tokens.count <= 2 && (0..<line.tokens.count).allSatisfy { line.tokenEquals($0, "function") || line.tokenEquals($0, "name") }
  }

  private mutating func take(_ line: TextLine) {
    if (hasPending && pending.hasSymbolText) || rows.count > 0 { awaitingHeaderContinuation = false }
    blankRun = 0
    lastContentLine = line.number
    lines = lines.including(line.number)
  }

  private mutating func consumeRowStart(_ start: inout RowStart, _ line: TextLine) -> Outcome {
    if layoutFromFirstRow && rows.isEmpty && !hasPending && !start.isInline {
      // Every column of the first row, read with room to spare, sets the layout.
      layoutFromFirstRow = false
      var probe = RowStart()
      let wide = RowLayout.framePointerRows(format: .headerless, hasFramePointer: true, hasReturnAddress: true, parameters: 6)
      if RowStart.parse(line, layout: wide, into: &probe) {
        layout = RowLayout.headerless(hexColumns: probe.hexWords.count, colonAfter: probe.colonAfter, wide: probe.hexWords.isSixtyFourBitRow(colonAfter: probe.colonAfter))
        if layout.format == .headerless, probe.hexWords.count == 5 { layout = .childEBPArgs }
        start = RowStart()
        _ = RowStart.parse(line, layout: layout, into: &start)
      }
    }
    if !hasWideColumns && start.hexWords.hasSixtyFourBitValue { hasWideColumns = true }
    if !start.hexWords.isEmpty {
      if start.hexWords.hasWideWord { hasSixteenDigitColumns = true } else { hasEightDigitColumns = true }
    }
    // A list of bare symbols has no columns: a line of hex words starts something else.
    if layout.hexColumns == 0 { return .notConsumed }
    // A `ChildEBP Ret…` header cut short: the first row tells `k` from `kb`.
    if layout.format == .childEBP, rows.isEmpty, !hasPending, start.hexWords.count == RowLayout.childEBPArgs.hexColumns {
      layout = .childEBPArgs
      note(Diagnostic(.note, "the ChildEBP header is cut short; its first row has `kb` columns", line: line.number))
    }
    // The first columns of this row were glued to the end of the previous row's
    // symbol (`…+0x1e46 0a97f950` / `77e11a67 …`, Q250302).
    // (Tested and changed in place: `if var previous = pending` would copy the row on every row.)
    if hasPending, start.frameNumber == nil, start.hexWords.count < layout.hexColumns, pending.hasSymbolText {
      let missing = layout.hexColumns - start.hexWords.count
      let trailing = RowText.trailingHexWords(symbolText(of: pending), upTo: missing)
      if trailing.count == missing {
        let end = RowText.endDroppingTrailingWords(symbolText(of: pending), trailing.count)
        if pending.symbolRange.upperBound == symbolArena.count { symbolArena.removeSubrange(end...) }
        pending.symbolRange = pending.symbolRange.lowerBound..<end
        start.hexWords = trailing + start.hexWords
        note(
          Diagnostic(.note, "the first \(missing) column(s) of this row were printed at the end of the row above", line: line.number))
      }
    }
    // Hex columns split over two lines: the pending row still lacks columns.
    if hasPending, !pending.hasSymbolText, !pending.omittedColumns, start.frameNumber == nil,
      pending.hexWords.count < layout.hexColumns, pending.hexWords.count + start.hexWords.count <= layout.hexColumns
    {
      // Changed in place, never through a copy: a copy would copy the row's arrays on write.
      let earlierWords = pending.hexWords.count
      pending.hexWords.append(contentsOf: start.hexWords)
      if pending.colonAfter == nil { pending.colonAfter = start.colonAfter.map { $0 + earlierWords } }
      appendToPending(line.bytes(fromToken: start.symbolTokenIndex), separator: " ")
      pending.lines = pending.lines.including(line.number)
      take(line)
      return .consumed
    }
    // Rows of a header-less listing must keep the first row's shape.
    if !hadHeader, start.hexWords.count != layout.hexColumns {
      return .notConsumed
    }
    // Disassembly shares the `address bytes text` shape; it ends a listing.
    if Self.isDisassembly(line, start) { return .notConsumed }
    // `lm` shares it too (`start end module (deferred)`); so does a memory dump's row.
    if Self.isModuleListLine(line, start) { return .notConsumed }
    finishPending()
    // Built in place in `pending`: a local row would be copied into it.
    pending = PendingRow(line: line.number, start: start, textAt: symbolArena.count)
    hasPending = true
    appendToPending(line.bytes(fromToken: start.symbolTokenIndex), separator: "")
    take(line)
    return .consumed
  }

  /// `838aba40 8b99f8010000 mov ebx,…`, `fffff802`c8497c2f 410fb64618 movzx …`,
  /// `00007ffd`1c2e4f54 d4000001 svc #0`: an address, the instruction's bytes, a mnemonic.
  static func isDisassembly(_ line: TextLine, _ start: RowStart) -> Bool {
    guard start.hexWords.count <= 2, start.frameNumber == nil else { return false }
    let index = start.symbolTokenIndex
    guard index < line.tokens.count else { return false }
    if SymbolLineShape.isMnemonic(line.token(index)) { return true }
    return start.hexWords.count == 1 && SymbolLineShape.isInstructionBytes(line.token(index))
      && index + 1 < line.tokens.count && SymbolLineShape.isMnemonic(line.token(index + 1))
  }

  /// `00400000 0040c000   app   (deferred)`: a line of `lm`, not a frame.
  static func isModuleListLine(_ line: TextLine, _ start: RowStart) -> Bool {
    guard start.hexWords.count == 2, start.frameNumber == nil, start.symbolTokenIndex + 1 < line.tokens.count else { return false }
    let name = line.token(start.symbolTokenIndex)
    let status = line.token(start.symbolTokenIndex + 1)
    guard status.first == ASCII.openParen, !name.contains(ASCII.bang), !Bytes.hasPrefix(name, "0x") else { return false }
    if Bytes.equalsIgnoringCase(status, "(deferred)") { return true }
    // `(pdb symbols)`, `(private pdb symbols)`, `(export symbols)`, `(no symbols)`, …
    let last = min(line.tokens.count, start.symbolTokenIndex + 5)
    return (start.symbolTokenIndex + 1..<last).contains { Bytes.equalsIgnoringCase(line.token($0), "symbols)") }
  }

  private mutating func consumeText(_ line: TextLine) -> Outcome {
    let text = line.bytes(fromToken: 0)
    if hasPending {
      // The row is changed in place, never through a copy, which would copy
      // its arrays on write.
      if !pending.hasSymbolText {
        // The function on the line after the hex columns.
        if SymbolLineShape.isLocationToken(line.token(0)) || SymbolLineShape.isAnnotationToken(line.token(0)) {
          appendToPending(text, separator: "")
          pending.lines = pending.lines.including(line.number)
          take(line)
          return .consumed
        }
        return .notConsumed
      }
      if let separator = continuationSeparator(pending, line) {
        appendToPending(text, separator: separator)
        pending.lines = pending.lines.including(line.number)
        take(line)
        return .consumed
      }
    }
    if let previous = hasPending ? pending : rows.last, repairsGarbledSymbol(previous, line) {
      note(
        Diagnostic(.note, "line repeats the symbol of the row above, whose text was garbled; used it", line: line.number))
      if hasPending {
        pending.symbolRange = replacingText(at: pending.symbolRange, with: text)
      } else {
        rows[rows.count - 1].symbolRange = replacingText(at: rows[rows.count - 1].symbolRange, with: text)
      }
      take(line)
      return .consumed
    }
    // A bulleted symbol starts a listing of its own (`- ntdll!RtlAllocateHeap`).
    if bulletOffset(line) == 1 && rowCount > 0 && layout.format == .symbolsOnly { return .notConsumed }
    if allowsSymbolOnlyRows, SymbolLineShape.isStrictSymbolLine(line, from: bulletOffset(line), allowSplitModule: true) {
      finishPending()
      pending = PendingRow(line: line.number, textAt: symbolArena.count)
      hasPending = true
      appendToPending(line.bytes(fromToken: bulletOffset(line)), separator: "")
      take(line)
      return .consumed
    }
    return .notConsumed
  }

  private func bulletOffset(_ line: TextLine) -> Int {
    line.tokens.count > 1 && line.tokenEquals(0, "-") ? 1 : 0
  }

  /// How to join `line` to the pending row's symbol text, or nil when it is not a continuation.
  private func continuationSeparator(_ row: PendingRow, _ line: TextLine) -> String? {
    let first = line.token(0)
    let symbol = symbolText(of: row)
    if row.bracketDepth > 0 {
      // Only annotation fragments continue an open bracket, and only for a few lines:
      // a listing cut inside `(FPO: [Non-Fpo]` must not swallow the prose after it.
      guard row.continuationLines < PendingRow.maximumContinuationLines, looksLikeAnnotationFragment(line) else {
        return nil
      }
      // An annotation cut mid-number (`[EBP 0x000` / `0004]`) or after `Non-`.
      if let last = symbol.last, last == ASCII.minus || (ASCII.isHexDigit(last) && first.first.map(ASCII.isHexDigit) == true && RowText.endsInsideHexNumber(symbol)) {
        return ""
      }
      return " "
    }
    if SymbolLineShape.isAnnotationToken(first) { return " " }
    let location = RowText.location(symbol)
    // The cut rules below apply only when the location ends the text so far:
    // `store!(nosymbols)` is complete, not cut after the `!`.
    guard let lastByte = location.last, location.count == RowText.trimmed(symbol).count else { return nil }
    // `…@Z+0x` / `8f`: cut inside the offset's prefix.
    if Bytes.hasSuffix(location, "+0x"), first.allSatisfy(ASCII.isHexDigit) {
      return ""
    }
    // Cut right after `module!`, `Class::`, `+`, or inside a decorated name.
    if lastByte == ASCII.bang || lastByte == ASCII.plus || lastByte == ASCII.at
      || (lastByte == ASCII.colon && Bytes.hasSuffix(location, "::"))
    {
      return ""
    }
    // `+0x5` / `1`: offset digits continue.
    if first.count <= 4, first.allSatisfy(ASCII.isHexDigit), line.tokens.count == 1 || SymbolLineShape.isAnnotationToken(line.token(1)),
      location.contains(ASCII.plus), location.last.map(ASCII.isHexDigit) == true
    {
      return ""
    }
    // A decorated name (`mod!?name@…`) with no offset yet continues on the next line.
    if let bang = location.firstIndex(of: ASCII.bang), bang + 1 < location.endIndex, location[bang + 1] == ASCII.question,
      !location.contains(ASCII.plus), !first.contains(ASCII.bang), RowStart.parse(line, layout: layout) == nil
    {
      return ""
    }
    // `l` / `ocalspl!PortThread`: a word cut before the module name ends.
    if !location.contains(ASCII.bang), location.count <= 3, location.allSatisfy(ASCII.isIdentifier), first.contains(ASCII.bang) {
      return ""
    }
    return nil
  }

  /// Whether the line can be the rest of a cut annotation: FPO data, argument
  /// values, a file-and-line note.
  private func looksLikeAnnotationFragment(_ line: TextLine) -> Bool {
    guard line.tokens.count <= 12 else { return false }
    for index in 0..<line.tokens.count where !AnnotationFragment.isWord(line.token(index)) { return false }
    return true
  }

  /// Whether `line` is a clean copy of `row`'s symbol, whose own text was garbled
  /// (`…+0x38001545f0 062effec` followed by `…+0x38`).
  private func repairsGarbledSymbol(_ row: PendingRow, _ line: TextLine) -> Bool {
    guard line.tokens.count == 1 || SymbolLineShape.isStrictSymbolLine(line) else { return false }
    let clean = line.token(0)
    let garbled = symbolText(of: row)
    guard clean.count >= 4, garbled.count > clean.count, garbled.prefix(clean.count).elementsEqual(clean) else { return false }
    // The garbled text continues the offset with more digits and carries stray hex words.
    let rest = garbled.dropFirst(clean.count)
    return rest.first.map(ASCII.isHexDigit) == true && rest.contains(ASCII.space)
  }

  // MARK: - Finishing

  private mutating func finishPending() {
    guard hasPending else { return }
    rows.append(pending)
    hasPending = false
  }

  private mutating func note(_ diagnostic: Diagnostic) {
    guard diagnostics.count < Self.maximumDiagnostics else {
      suppressedDiagnostics += 1
      return
    }
    diagnostics.append(diagnostic)
  }

  /// Ends the listing and builds its frames, reading symbol texts through `symbolTexts`;
  /// nil when it holds no rows.
  mutating func finish(symbolTexts: SymbolTextCache) -> DecodedStackBlock? {
    finishPending()
    guard !rows.isEmpty else { return nil }
    var frames: [StackFrame] = []
    frames.reserveCapacity(rows.count)
    for row in rows {
      appendFrame(row, to: &frames, symbolTexts: symbolTexts)
    }
    lines = LineRange(lines.first, lastContentLine)
    if suppressedDiagnostics > 0 {
      diagnostics.append(
        Diagnostic(.note, "\(suppressedDiagnostics) more notes about this listing were not kept", line: lastContentLine))
    }
    var block = DecodedStackBlock(layout: layout, frames: consume frames, lines: lines, hadHeader: hadHeader, diagnostics: diagnostics)
    block.hasWideColumns = hasWideColumns
    block.hasOnlyEightDigitColumns = hasEightDigitColumns && !hasSixteenDigitColumns
    return block
  }

  /// Builds the frame of `row` at the end of `frames` (appended as it is built: returning it
  /// would copy it, retaining and releasing every reference it holds).
  private mutating func appendFrame(_ row: PendingRow, to frames: inout [StackFrame], symbolTexts: SymbolTextCache) {
    let index = frames.count
    var words = row.hexWords
    // Q163571: a 64-bit Callee-SP printed as two 8-digit halves before the colon.
    if layout.colonAfter == 1, row.colonAfter == 2, words.count >= 2, words[0].digits == 8,
      let high = words[0].value, high == 0xFFFF_FFFF || high == 0
    {
      words.mergeFirstTwo(into: HexWord(value: words[1].value.map { high << 32 | $0 }, digits: 16))
      note(
        Diagnostic(.note, "read two hex words before ':' as one 64-bit Callee-SP", line: row.lines.first))
    }
    let expected = layout.hexColumns
    // A row cut short at the end of a paste (`00b1fb38 00`): too few columns and nothing but a
    // fragment of a hex word after them is not a frame.
    if !row.omittedColumns, words.count < expected, words.count < 2, RowText.isHexFragment(symbolText(of: row)) {
      note(
        Diagnostic(
          .warning, "a row cut short ('\(String(decoding: RowText.trimmed(symbolText(of: row)), as: UTF8.self))' after \(words.count) of \(expected) columns) is not a frame",
          line: row.lines.first))
      return
    }
    if !row.omittedColumns && words.count < expected && !words.isEmpty {
      note(
        Diagnostic(
          .warning, "row has \(words.count) of \(expected) hex columns; the missing ones are left empty",
          line: row.lines.first))
    }
    func column(_ index: Int?) -> HexWord? {
      guard let index, index < words.count else { return nil }
      return words[index]
    }
    var parameters: [UInt64?] = []
    parameters.reserveCapacity(layout.parameterColumns.count)
    for column in layout.parameterColumns where column < words.count { parameters.append(words[column].value) }
    var parameterSource = parameters.isEmpty ? ParameterSource.none : layout.parameterSource
    // Hex words beyond the layout's columns belong to the symbol text.
    var symbolBytes = symbolText(of: row)
    // WinDbg loads symbols while it prints a listing, and its warnings can land at the end of
    // a row (`…+0xbc*** WARNING: Unable to verify checksum for app.exe`): not the frame's.
    if let message = RowText.debuggerMessageStart(in: symbolBytes) {
      note(
        Diagnostic(
          .note, "a debugger message printed at the end of the row ('\(String(decoding: RowText.trimmed(symbolBytes[message...]), as: UTF8.self))') is not part of the frame",
          line: row.lines.first))
      symbolBytes = RowText.trimmed(symbolBytes[..<message])
    }
    if words.count > expected && expected > 0 {
      let extra = (expected..<words.count).map { index in
        words[index].value.map { HexFormat.digits($0, width: words[index].digits) } ?? "????????"
      }
      symbolBytes = ArraySlice((extra + [String(decoding: symbolBytes, as: UTF8.self)]).joined(separator: " ").utf8)
      note(
        Diagnostic(.warning, "row has \(words.count) hex columns, \(expected) expected; extra words kept with the symbol", line: row.lines.first))
    }
    // The frame is built once, at the end, from values moved into it (no default-then-assign).
    var symbol: FrameSymbol?
    var sourceLine: SourceLine?
    var annotations: [FrameAnnotation] = []
    if layout.symbolAfterDash {
      var name = Substring(String(decoding: symbolBytes, as: UTF8.self)).trimmingBlanks()
      if name.hasPrefix("-") { name = name.dropFirst().trimmingBlanks() }
      if !name.isEmpty {
        symbol = FrameSymbol(
          module: String(name), moduleBase: column(layout.moduleBaseColumn)?.value.map { Address($0) },
          printedText: String(name))
      }
    } else {
      var parsed = symbolTexts.parse(symbolBytes)
      if layout.parameterSource == .argumentList, let values = parsed.argumentValues {
        parameters = values
        parameterSource = .argumentList
      }
      if case .none = parsed.symbol, !row.omittedColumns, !symbolBytes.isEmpty {
        note(
          Diagnostic(.warning, "could not read a symbol in '\(String(decoding: symbolBytes, as: UTF8.self))'", line: row.lines.first))
      }
      symbol = parsed.symbol.take()
      sourceLine = parsed.sourceLine.take()
      swap(&annotations, &parsed.annotations)
    }
    let frame = StackFrame(
      index: index, framePointer: column(layout.framePointerColumn)?.value.map { Address($0) },
      returnAddress: column(layout.returnAddressColumn)?.value.map { Address($0) }, parameters: consume parameters,
      parameterSource: parameterSource, symbol: consume symbol, sourceLine: consume sourceLine,
      annotations: consume annotations, trust: .text, lines: row.lines, printedNumber: row.frameNumber,
      isInlined: row.isInline)
    frames.append(consume frame)
  }
}

/// A row under construction. Its symbol text lives in the listing's arena
/// (`StackBlockAssembler.symbolArena[symbolRange]`): one buffer per listing instead of an
/// array per row.
struct PendingRow {
  var frameNumber: Int?
  var hexWords = HexWordList()
  var colonAfter: Int?
  var omittedColumns = false
  var isInline = false
  /// Where the row's symbol text is in the listing's arena.
  var symbolRange: Range<Int>
  var lines: LineRange
  var bracketDepth = 0
  var continuationLines = 0

  /// Lines an open annotation may continue over.
  static let maximumContinuationLines = 4

  /// A row with no columns whose text will start at `offset` of the arena.
  init(line: Int, textAt offset: Int) {
    lines = LineRange(line: line)
    symbolRange = offset..<offset
  }

  /// A row whose columns are `start`'s and whose text will start at `offset` of the arena.
  init(line: Int, start: RowStart, textAt offset: Int) {
    lines = LineRange(line: line)
    symbolRange = offset..<offset
    frameNumber = start.frameNumber
    hexWords = start.hexWords
    colonAfter = start.colonAfter
    omittedColumns = start.omittedColumns
    isInline = start.isInline
  }

  /// Whether the row has symbol text yet.
  var hasSymbolText: Bool { !symbolRange.isEmpty }
}

/// Readings of a row's symbol text: a slice of the listing's arena, so every index here is
/// the arena's (`startIndex`, not 0).
enum RowText {
  /// Where `*** WARNING: ` or `*** ERROR: ` (a debugger message) starts in a row's text.
  static func debuggerMessageStart(in text: ArraySlice<UInt8>) -> Int? {
    // Asked of every frame: most texts hold no `*` at all, which memchr finds out at once.
    let star = text.withUnsafeBufferPointer { buffer -> Int? in
      guard let base = buffer.baseAddress, let found = memchr(base, Int32(ASCII.star), buffer.count) else { return nil }
      return text.startIndex + (UnsafeRawPointer(found) - UnsafeRawPointer(base))
    }
    guard let star, let stars = Bytes.firstIndex(of: "*** ", in: text[star...]) else { return nil }
    let rest = text[(stars + 4)...]
    return Bytes.hasPrefix(rest, "WARNING: ") || Bytes.hasPrefix(rest, "ERROR: ") ? stars : nil
  }

  /// The text without trailing blanks.
  static func trimmed(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var end = text.endIndex
    while end > text.startIndex && text[end - 1] == ASCII.space { end -= 1 }
    return text[..<end]
  }

  /// The text before its first annotation, without trailing blanks.
  static func location(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var end = SymbolTextParser.annotationStart(in: text)
    while end > text.startIndex && text[end - 1] == ASCII.space { end -= 1 }
    return text[..<end]
  }

  /// Whether the text is empty or only a piece of a hex word (`00`, `7c9`): what is left of
  /// a row cut in its columns.
  static func isHexFragment(_ text: ArraySlice<UInt8>) -> Bool {
    let word = trimmed(text)
    return word.count < 8 && !word.contains(ASCII.space) && word.allSatisfy(ASCII.isHexDigit)
  }

  /// Up to `count` bare 8-digit hex words at the end of the text, in order.
  static func trailingHexWords(_ text: ArraySlice<UInt8>, upTo count: Int) -> HexWordList {
    let words = trimmed(text).split(separator: ASCII.space)
    guard words.count > count else { return HexWordList() }
    var found = HexWordList()
    for word in words.suffix(count) {
      guard let hex = HexNumber.word(word, allowMasked: false) else { return HexWordList() }
      found.append(hex)
    }
    return found
  }

  /// Where the text ends once its last `count` words (and the blanks before them) are removed.
  static func endDroppingTrailingWords(_ text: ArraySlice<UInt8>, _ count: Int) -> Int {
    var end = trimmed(text).endIndex
    for _ in 0..<count {
      while end > text.startIndex && text[end - 1] != ASCII.space { end -= 1 }
      while end > text.startIndex && text[end - 1] == ASCII.space { end -= 1 }
    }
    return end
  }

  /// Whether the text ends in the middle of a hex number (after `0x` or hex digits following a blank or `0x`).
  static func endsInsideHexNumber(_ text: ArraySlice<UInt8>) -> Bool {
    var index = text.endIndex - 1
    while index >= text.startIndex && ASCII.isHexDigit(text[index]) { index -= 1 }
    guard index >= text.startIndex else { return false }
    return text[index] == ASCII.lowerX || text[index] == ASCII.space
  }
}

/// The hex columns at the start of a line.
struct RowStart {
  var frameNumber: Int?
  var hexWords = HexWordList()
  var colonAfter: Int?
  var omittedColumns = false
  /// The row is an inline frame WinDbg printed without columns (`(Inline Function) --------`).
  var isInline = false
  /// Index of the first token after the columns.
  var symbolTokenIndex = 0

  /// No columns yet.
  init() {}

  init(frameNumber: Int?, hexWords: HexWordList, colonAfter: Int? = nil, omittedColumns: Bool = false, symbolTokenIndex: Int) {
    self.frameNumber = frameNumber
    self.hexWords = hexWords
    self.colonAfter = colonAfter
    self.omittedColumns = omittedColumns
    self.symbolTokenIndex = symbolTokenIndex
  }

  /// Reads the leading columns of `line`; nil when it does not start with a hex word.
  static func parse(_ line: TextLine, layout: RowLayout) -> RowStart? {
    var start = RowStart()
    return parse(line, layout: layout, into: &start) ? start : nil
  }

  /// Reads the leading columns of `line` into `start` (which must be fresh); false when the
  /// line does not start with a hex word.
  static func parse(_ line: TextLine, layout: RowLayout, into start: inout RowStart) -> Bool {
    let count = line.tokens.count
    guard count > 0 else { return false }
    // Most lines offered to a listing start with none of a hex word (8, 16 or 17 bytes), a
    // frame number (1–6 hex digits), a lone colon, `<data omitted>` or `(Inline`: rejected on
    // the first token's length and lead byte.
    let firstLength = line.tokens[0].count
    let lead = line.bytes[line.tokens[0].lowerBound]
    guard
      firstLength == 8 || firstLength == 16 || firstLength == 17
        || (firstLength <= HexNumber.maximumFrameNumberDigits && ASCII.isHexDigit(lead))
        || (firstLength == 1 && lead == ASCII.colon) || lead == ASCII.lessThan || lead == ASCII.openParen
    else { return false }
    var index = 0
    var frameNumber: Int?
    // `kvn` / `#` frame numbers: 1-6 hex digits followed by a hex word, by `kf`'s frame size,
    // or by an inline frame's `(Inline`.
    if count > 1, HexNumber.isFrameNumber(line.token(0)) {
      var next = 1
      // `kf`: the frame's size in hex (absent on the first row) before the columns.
      if layout.hasMemoryColumn, count > 2, line.tokens[1].count < 8, HexNumber.digits(line.token(1)) != nil,
        HexNumber.word(line.token(2)) != nil
      {
        next = 2
      }
      if HexNumber.word(line.token(next)) != nil || isInlineMarker(line.token(next)) {
        frameNumber = HexNumber.digits(line.token(0)).map(Int.init)
        index = next
      }
    }
    // `(Inline Function) --------`--------` (x64) or `(Inline) --------` (x86): a frame the
    // compiler inlined, printed without a stack pointer or a return address.
    if index < count, isInlineMarker(line.token(index)) {
      index += line.token(index).last == ASCII.closeParen ? 1 : 2
      while index < count, HexNumber.isInlinePlaceholder(line.token(index)) || line.tokenEquals(index, ":") { index += 1 }
      start.frameNumber = frameNumber
      start.isInline = true
      start.omittedColumns = true
      start.symbolTokenIndex = index
      return index < count
    }
    // `<data omitted>` in place of the columns.
    if index + 1 < count, line.tokenEquals(index, "<data"), line.tokenEquals(index + 1, "omitted>") {
      start.frameNumber = frameNumber
      start.omittedColumns = true
      start.symbolTokenIndex = index + 2
      return true
    }
    // The words go straight into `start`: the list is held inline, and a local one would be copied.
    var colonAfter: Int?
    let limit = min(max(layout.hexColumns, 1) + 2, HexWordList.capacity)
    // The token of each word past the layout's columns is needed only if the row has them.
    var tokenAfterColumns = InlineArray<3, Int>(repeating: 0)
    while index < count && start.hexWords.count < limit {
      let token = line.token(index)
      if token.count == 1 && token.first == ASCII.colon {
        if colonAfter == nil { colonAfter = start.hexWords.count }
        index += 1
        continue
      }
      guard let word = HexNumber.word(token) else { break }
      let past = start.hexWords.count - layout.hexColumns
      if past >= 0 && past < 3 { tokenAfterColumns[past] = index }
      start.hexWords.append(word)
      index += 1
    }
    // RISC listings print a colon after the SP; when it comes one column late
    // (dumpexam's split 64-bit SP, Q163571) the row has one more column.
    var columns = layout.hexColumns
    if let expected = layout.colonAfter, let found = colonAfter, found > expected { columns += found - expected }
    if columns > 0 && start.hexWords.count > columns {
      // Words past the layout's columns belong to the symbol text.
      // `columns` exceeds the layout's by at most the words read past it (under 3).
      index = tokenAfterColumns[columns - layout.hexColumns]
      start.hexWords.removeLast(start.hexWords.count - columns)
      if let found = colonAfter, found > columns { colonAfter = nil }
    }
    guard !start.hexWords.isEmpty else { return false }
    start.frameNumber = frameNumber
    start.colonAfter = colonAfter
    start.symbolTokenIndex = index
    return true
  }

  /// `(Inline` (followed by `Function)`) or `(Inline)`.
  private static func isInlineMarker(_ token: ByteSlice) -> Bool {
    guard token.count >= 7, token.first == ASCII.openParen else { return false }
    return Bytes.equalsIgnoringCase(token, "(inline") || Bytes.equalsIgnoringCase(token, "(inline)")
  }
}

/// Lines debuggers print inside stack listings that are not frames.
enum NoiseLine {
  /// A short description of the noise, or nil when the line is not noise.
  static func classify(_ line: TextLine) -> String? {
    // Runs on every line of a listing: most are rows, rejected on their first and last
    // bytes of the first token before any comparison.
    guard let first = line.tokens.first else { return nil }
    let lead = line.bytes[first.lowerBound]
    let end = line.bytes[first.upperBound - 1]
    guard
      lead | 0x20 == 0x77 || lead | 0x20 == 0x6B || lead == ASCII.star || lead == ASCII.period
        || lead == ASCII.openBracket || end == ASCII.greaterThan || end == ASCII.colon
    else { return nil }
    if line.starts(with: "WARNING: Stack unwind") || line.starts(with: "WARNING: Frame IP not in any known module") {
      return "a stack-unwind warning"
    }
    if line.starts(with: "KD:") || line.starts(with: "*** ERROR") || line.starts(with: "*** WARNING") {
      return "a debugger message"
    }
    if isPrompt(line) { return "a debugger prompt" }
    if line.tokens.count == 1, line.token(0).allSatisfy({ $0 == ASCII.period }) { return "an ellipsis" }
    if line.tokens.count == 1, line.tokenEquals(0, "[...]") { return "an elision mark" }
    return nil
  }

  /// `kd> kv`, `0: kd> k`, `0:000> kb`.
  static func isPrompt(_ line: TextLine) -> Bool {
    if line.starts(with: "kd>") { return true }
    guard line.tokens.count >= 2 else { return false }
    let first = line.token(0)
    if first.last == ASCII.greaterThan && first.contains(ASCII.colon) { return true }
    return first.last == ASCII.colon && first.dropLast().allSatisfy(ASCII.isDigit) && line.tokenEquals(1, "kd>")
  }
}

/// The words a cut annotation continues with (`[0,0] TrapFrame @ 8019d6ec)`, `0004]`,
/// `Non-Fpo])`, `[ mnode.cpp @ 984 ]`), judged without the brackets, parentheses, braces and
/// commas around them, in one pass over the bytes and without building the word.
enum AnnotationFragment {
  private static let keywords: [StaticString] = [
    "fpo:", "fpo", "ebp", "non-fpo", "non-", "fpo]", "trapframe", "@", "type", "uknown", "unknown", "no", "seh",
    "omap", "stdcall:",
  ]
  /// Longer than any keyword.
  private static let headLength = 12

  /// Whether `token` can be part of a cut annotation.
  static func isWord(_ token: ByteSlice) -> Bool {
    var head = InlineArray<12, UInt8>(repeating: 0)
    var tail: UInt32 = 0
    var count = 0
    var allHexOrPeriod = true
    var hexAfterFirst = true
    var hasBackslash = false
    for byte in token where !isPunctuation(byte) {
      let lower = ASCII.lowercased(byte)
      if count < headLength { head[count] = lower }
      let isHex = ASCII.isHexDigit(byte)
      if count > 0 && !isHex { hexAfterFirst = false }
      if !isHex && byte != ASCII.period { allHexOrPeriod = false }
      if byte == ASCII.backslash { hasBackslash = true }
      tail = tail << 8 | UInt32(lower)
      count += 1
    }
    // Numbers: hex digits and periods, `0x…`, `x60da1d10` (a digit lost in a wrap).
    if count == 0 || allHexOrPeriod { return true }
    if count >= 2 && head[0] == ASCII.zero && head[1] == ASCII.lowerX { return true }
    if head[0] == ASCII.lowerX && hexAfterFirst { return true }
    if count <= headLength {
      for keyword in keywords where keyword.utf8CodeUnitCount == count {
        var equal = true
        for offset in 0..<count where head[offset] != keyword.utf8Start[offset] {
          equal = false
          break
        }
        if equal { return true }
      }
    }
    // A source file: `.c`, `.h`, `.cpp`, `.cxx`, or a path.
    if tail & 0xFFFF == 0x2E63 || tail & 0xFFFF == 0x2E68 { return true }
    if count >= 4 && (tail == 0x2E63_7070 || tail == 0x2E63_7878) { return true }
    return hasBackslash
  }

  private static func isPunctuation(_ byte: UInt8) -> Bool {
    byte == ASCII.openBracket || byte == ASCII.closeBracket || byte == ASCII.openParen || byte == ASCII.closeParen
      || byte == ASCII.comma || byte == ASCII.openBrace || byte == ASCII.closeBrace
  }
}
