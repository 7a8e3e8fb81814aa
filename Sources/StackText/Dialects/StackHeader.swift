//===--- StackHeader.swift - Recognising the header line of a listing -------===//
//
// Headers seen (formats.md §2):
//   FramePtr ReturnAd Param#1  Param#2  Param#3  Param#4  Function Name   (DrWtsn32)
//   FramePtr  RetAddr   Param1   Param2   Param3   Function Name           (kd, kb on user.dmp)
//   #   FramePtr  RetAddr … ;  ReturnAd Param#1 … (no FramePtr);  FramePtr Function Name
//   ChildEBP RetAddr  Args to Child ;  # ChildEBP RetAddr  Args to Child ;  ChildEBP RetAddr
//   Callee-SP Return-RA  Call Site ;  Callee-SP   Arguments to Callee   Call Site
//   Callee-Sp Return -Ra Dll Base - Name ;  Address dword dump Build [1381] - Name
//   Child-SP RetAddr Call Site ;  # Child-SP RetAddr Call Site ;  # Memory Child-SP RetAddr Call Site
//   Child-SP RetAddr : Args to Child : Call Site          (amd64 and arm64 `k`, `kn`, `kf`, `kb`)
//   # Memory ChildEBP RetAddr                              (x86 `kf`)
// A header may be cut (`… Param#4` / `Function Name` on the next line) or share
// its line with the first row; the words after the header are returned.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A recognised header: its layout and where the header words end on the line.
struct StackHeader {
  /// How rows under this header are laid out.
  var layout: RowLayout
  /// Whether the header names a frame-number column (`#`).
  var hasFrameNumbers: Bool
  /// Index of the first token after the header words (a merged first row).
  var trailingTokenIndex: Int
  /// Whether the header stopped before `Function Name` (it may follow on the next line).
  var mayContinue: Bool

  /// Recognises a header line.
  static func recognise(_ line: TextLine) -> StackHeader? {
    guard let first = line.tokens.first else { return nil }
    let firstByte = ASCII.lowercased(line.bytes[first.lowerBound])
    // Cheap filter: every header starts with #, f, r, c, a or a word ending in ChildEBP.
    guard firstByte == ASCII.hash || firstByte == 0x66 || firstByte == 0x72 || firstByte == 0x63
      || firstByte == 0x61 || Bytes.hasSuffix(line.bytes[first], "childebp")
    else { return nil }

    var index = 0
    var hasFrameNumbers = false
    if line.tokenEquals(0, "#") {
      hasFrameNumbers = true
      index = 1
    }
    // `kf`: a frame-size column before the stack pointer.
    var hasMemoryColumn = false
    if hasFrameNumbers, line.tokenEquals(index, "memory") {
      hasMemoryColumn = true
      index += 1
    }
    guard index < line.tokens.count else { return nil }
    let lead = line.token(index)

    if Bytes.hasSuffix(lead, "childebp") {
      var header = childEBPHeader(line, from: index + 1, hasFrameNumbers: hasFrameNumbers)
      header?.layout.hasMemoryColumn = hasMemoryColumn
      return header
    }
    if Bytes.equalsIgnoringCase(lead, "child-sp") {
      var header = childSPHeader(line, from: index + 1, hasFrameNumbers: hasFrameNumbers)
      header?.layout.hasMemoryColumn = hasMemoryColumn
      return header
    }
    if Bytes.equalsIgnoringCase(lead, "callee-sp") || Bytes.equalsIgnoringCase(lead, "callee-sp:") {
      return calleeSPHeader(line, from: index + 1)
    }
    if Bytes.equalsIgnoringCase(lead, "address") && line.tokenEquals(index + 1, "dword") && line.tokenEquals(index + 2, "dump") {
      var end = index + 3
      while end < line.tokens.count && !line.tokenEquals(end - 1, "name") { end += 1 }
      return StackHeader(
        layout: .blueScreenX86, hasFrameNumbers: false, trailingTokenIndex: end, mayContinue: false)
    }
    if Bytes.equalsIgnoringCase(lead, "frameptr") || Bytes.equalsIgnoringCase(lead, "returnad")
      || Bytes.equalsIgnoringCase(lead, "retaddr")
    {
      return framePointerHeader(line, from: index, hasFrameNumbers: hasFrameNumbers)
    }
    return nil
  }

  private static func childEBPHeader(_ line: TextLine, from start: Int, hasFrameNumbers: Bool) -> StackHeader? {
    var index = start
    guard index < line.tokens.count, Bytes.hasPrefix(line.token(index), "ret") else {
      // `…dumpChildEBP Ret` cut short still announces a `k` listing.
      return nil
    }
    index += 1
    if line.tokenEquals(index, "args") && line.tokenEquals(index + 1, "to") && line.tokenEquals(index + 2, "child") {
      return StackHeader(
        layout: .childEBPArgs, hasFrameNumbers: hasFrameNumbers, trailingTokenIndex: index + 3,
        mayContinue: false)
    }
    return StackHeader(
      layout: .childEBP, hasFrameNumbers: hasFrameNumbers, trailingTokenIndex: index, mayContinue: false)
  }

  /// `Child-SP RetAddr Call Site` or `Child-SP RetAddr : Args to Child : Call Site`.
  private static func childSPHeader(_ line: TextLine, from start: Int, hasFrameNumbers: Bool) -> StackHeader? {
    var index = start
    guard index < line.tokens.count, Bytes.equalsIgnoringCase(line.token(index), "retaddr") else { return nil }
    index += 1
    var layout = RowLayout.childSP
    if line.tokenEquals(index, ":") {
      layout = .childSPArgs
      index += 1
      if line.tokenEquals(index, "args") && line.tokenEquals(index + 1, "to") && line.tokenEquals(index + 2, "child") { index += 3 }
      if line.tokenEquals(index, ":") { index += 1 }
    }
    if line.tokenEquals(index, "call") && line.tokenEquals(index + 1, "site") { index += 2 }
    return StackHeader(layout: layout, hasFrameNumbers: hasFrameNumbers, trailingTokenIndex: index, mayContinue: false)
  }

  private static func calleeSPHeader(_ line: TextLine, from start: Int) -> StackHeader? {
    let rest = (start < line.tokens.count ? line.text(fromToken: start) : "").lowercased()
    let words = rest.split(separator: " ")
    if rest.hasPrefix("arguments to callee") {
      return StackHeader(
        layout: .calleeSPArguments, hasFrameNumbers: false,
        trailingTokenIndex: start + min(words.count, 5), mayContinue: false)
    }
    if rest.hasPrefix("return-ra") {
      return StackHeader(
        layout: .calleeSPReturnRA, hasFrameNumbers: false,
        trailingTokenIndex: start + min(words.count, 3), mayContinue: false)
    }
    if rest.hasPrefix("return -ra") || rest.contains("dll base") {
      return StackHeader(
        layout: .blueScreenRISC, hasFrameNumbers: false,
        trailingTokenIndex: start + min(words.count, 7), mayContinue: false)
    }
    return nil
  }

  private static func framePointerHeader(_ line: TextLine, from start: Int, hasFrameNumbers: Bool) -> StackHeader? {
    var index = start
    var hasFramePointer = false
    var format: StackFormat?
    var parameters = 0
    var sawFunction = false
    var sawName = false
    // Words compared as bytes, ignoring ASCII case (no word here has a letter that another
    // script lower-cases into ASCII, so this is what lower-casing the Strings decided).
    while index < line.tokens.count {
      let word = line.token(index)
      if Bytes.equalsIgnoringCase(word, "frameptr") && !hasFramePointer && format == nil {
        hasFramePointer = true
      } else if Bytes.equalsIgnoringCase(word, "returnad") && format == nil {
        format = .framePtrReturnAd
      } else if Bytes.equalsIgnoringCase(word, "retaddr") && format == nil {
        format = .framePtrRetAddr
      } else if Bytes.hasPrefix(word, "param") && isParameterNumber(word.dropFirst(5)) {
        parameters += 1
      } else if Bytes.equalsIgnoringCase(word, "function") {
        sawFunction = true
      } else if Bytes.equalsIgnoringCase(word, "name") && sawFunction {
        sawName = true
        index += 1
        break
      } else {
        break
      }
      index += 1
    }
    guard hasFramePointer || format != nil else { return nil }
    // A lone `FramePtr` or `RetAddr` in prose is not a header.
    guard sawFunction || parameters > 0 || (hasFramePointer && format != nil) else { return nil }
    let layout = RowLayout.framePointerRows(
      format: format ?? .framePtrRetAddr, hasFramePointer: hasFramePointer, hasReturnAddress: format != nil,
      parameters: parameters)
    return StackHeader(
      layout: layout, hasFrameNumbers: hasFrameNumbers, trailingTokenIndex: index,
      mayContinue: !sawName)
  }

  /// What may follow `Param`: `#` and digits (`Param#1`, `Param1`, `Params` is not).
  private static func isParameterNumber(_ rest: ByteSlice) -> Bool {
    // ASCII decides alone; other scripts' digits are numbers too (Character.isNumber).
    guard rest.allSatisfy({ $0 < 0x80 }) else {
      return String(decoding: rest, as: UTF8.self).allSatisfy { $0 == "#" || $0.isNumber }
    }
    return rest.allSatisfy { $0 == ASCII.hash || ASCII.isDigit($0) }
  }
}
