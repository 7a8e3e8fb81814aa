//===--- SymbolTextParser.swift - `module!function+0xoff` and what follows --===//
//
// The text after a row's hex columns: a code location, then annotations.
//
//   location := [module] '!' (function ['+' ['0x'] hex] | '<nosymbols>' | '<No Symbol>' | '0x' hex)
//             | '0x' hex ['+0x' hex]                       (an unresolved address)
//             | function ['+' ['0x'] hex]                  (no module: Alpha disassembly, handlers)
//   annotation := '(' … ')' | '[' … ']'                    (see AnnotationParser)
//   kp / kP    := [module] '!' function '(' arguments ')' ['+' ['0x'] hex] annotation…
//                 (the offset after the argument list belongs to the location)
//
// Wraps and damage repaired here (formats.md §2.2): stray blanks inside a
// decorated C++ name (`@@PAV WMSG_BINDING@@@Z`), an offset split as `+0 xb` or
// `+ 0xdc`, and a module name split by blanks (`tn3   servr!<nosymbols>`).
// Names with legitimate blanks (`rpcrt4!operator delete`) keep one blank.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A row's symbol text taken apart.
struct ParsedSymbolText {
  /// The code location, or nil when the text held none.
  var symbol: FrameSymbol?
  /// Annotations after the location.
  var annotations: [FrameAnnotation] = []
  /// A `[ file @ line ]` annotation, when present.
  var sourceLine: SourceLine?
  /// Values of a printed argument list; nil entries for `{...}` and `...`.
  var argumentValues: [UInt64?]?
}

enum SymbolTextParser {
  /// Parses the text after a row's hex columns.
  static func parse(_ text: String) -> ParsedSymbolText { parse(Array(text.utf8)) }

  /// Parses the text after a row's hex columns, given as bytes.
  static func parse(_ input: [UInt8], names: StringInterner? = nil) -> ParsedSymbolText {
    parse(input[...], names: names)
  }

  /// Parses the text after a row's hex columns, given as a slice (indices are the slice's).
  static func parse(_ input: ArraySlice<UInt8>, names: StringInterner? = nil) -> ParsedSymbolText {
    var bytes = input
    // `store!(nosymbols)`: a no-symbol marker in parentheses.
    if let range = Bytes.firstIndex(of: "!(nosymbols)", in: bytes[...]) {
      bytes.replaceSubrange((range + 1)..<(range + 12), with: Array("<nosymbols>".utf8))
    }
    let split = annotationStart(in: bytes)
    var result = ParsedSymbolText()
    // `kp`: `module!function(type name = value, …)+0x2a [file @ line]`.
    if let arguments = kpArgumentList(bytes, at: split) {
      let location = cleanLocation(ArraySlice(Array(bytes[..<split]) + Array(bytes[arguments.offset])))
      if !location.isEmpty { result.symbol = self.location(location, names: names) }
      let (list, values) = AnnotationParser.typedArgumentList(bytes[arguments.list])
      result.annotations.append(.argumentList(list))
      result.argumentValues = values
      if arguments.offset.upperBound < bytes.endIndex {
        AnnotationParser.parse(bytes[arguments.offset.upperBound...], into: &result)
      }
      return result
    }
    let location = cleanLocation(bytes[..<split])
    if !location.isEmpty {
      result.symbol = self.location(location, names: names)
    }
    if split < bytes.endIndex {
      AnnotationParser.parse(bytes[split...], into: &result)
    }
    return result
  }

  /// When the `(` at `split` opens a `kp` argument list (glued to a function name and closed
  /// before a `+0x…` offset), the list's range and the offset's.
  private static func kpArgumentList(_ bytes: ArraySlice<UInt8>, at split: Int)
    -> (list: Range<Int>, offset: Range<Int>)?
  {
    guard split < bytes.endIndex, bytes[split] == ASCII.openParen, split > bytes.startIndex,
      bytes[split - 1] != ASCII.space, bytes[bytes.startIndex..<split].contains(ASCII.bang)
    else { return nil }
    var depth = 0
    var close: Int?
    for index in split..<bytes.endIndex {
      if bytes[index] == ASCII.openParen { depth += 1 }
      if bytes[index] == ASCII.closeParen {
        depth -= 1
        if depth == 0 {
          close = index
          break
        }
      }
    }
    guard let close else { return nil }
    var end = close + 1
    guard end < bytes.endIndex, bytes[end] == ASCII.plus else { return nil }
    while end < bytes.endIndex, bytes[end] != ASCII.space, bytes[end] != ASCII.openBracket { end += 1 }
    return (split..<(close + 1), (close + 1)..<end)
  }

  /// Index where annotations begin: the first `(` or `[` that does not belong to
  /// the name (`operator()` and `operator[]` do).
  static func annotationStart(in bytes: [UInt8]) -> Int { annotationStart(in: bytes[...]) }

  /// Index where annotations begin in a slice (the slice's own indices; `endIndex` when none).
  static func annotationStart(in bytes: ArraySlice<UInt8>) -> Int {
    var index = bytes.startIndex
    while index < bytes.endIndex {
      let byte = bytes[index]
      if byte == ASCII.openParen || byte == ASCII.openBracket {
        let closing = byte == ASCII.openParen ? ASCII.closeParen : ASCII.closeBracket
        if index + 1 < bytes.endIndex && bytes[index + 1] == closing && index > bytes.startIndex
          && bytes[index - 1] != ASCII.space
        {
          index += 2
          continue
        }
        return index
      }
      index += 1
    }
    return bytes.endIndex
  }

  /// Trims the location text and repairs blanks inside it.
  static func cleanLocation(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    let trimmed = Bytes.trimmingBlanks(bytes)
    // Fast path: one word, as almost every row prints it (no copy).
    guard trimmed.contains(ASCII.space) else { return trimmed }
    let words = trimmed.split(separator: ASCII.space)
    let isDecorated =
      (trimmed.contains(ASCII.question) && trimmed.contains(ASCII.at)) || Bytes.contains(trimmed, "@@")
    if isDecorated {
      // Decorated names never contain blanks: any blank is damage.
      return ArraySlice(words.joined())
    }
    var pieces: [ArraySlice<UInt8>] = []
    for word in words {
      // `userinit! <nosymbols>`: a blank after the module's `!`.
      if let last = pieces.last, last.last == ASCII.bang {
        pieces[pieces.count - 1] = ArraySlice(Array(last) + word)
      } else {
        pieces.append(word)
      }
    }
    // `tn3   servr!<nosymbols>`: a bare word, then the rest of the module name.
    if pieces.count >= 2, !pieces[0].contains(ASCII.bang), pieces[1].contains(ASCII.bang),
      pieces[0].allSatisfy(ASCII.isIdentifier)
    {
      pieces[0] = ArraySlice(Array(pieces[0]) + pieces[1])
      pieces.remove(at: 1)
    }
    // `+ 0xdc`, `+0 xb`: an offset split by a blank.
    var merged: [[UInt8]] = []
    for piece in pieces {
      if let last = merged.last,
        last.last == ASCII.plus || (Bytes.hasPrefix(piece, "x") && last.suffix(2) == [ASCII.plus, ASCII.zero])
      {
        merged[merged.count - 1] += piece
      } else {
        merged.append(Array(piece))
      }
    }
    return ArraySlice(merged.joined(separator: [ASCII.space]))
  }

  /// Parses a cleaned location.
  static func location(_ text: String) -> FrameSymbol { location(Array(text.utf8)[...]) }

  /// Parses a cleaned location given as bytes.
  static func location(_ bytes: ArraySlice<UInt8>, names: StringInterner? = nil) -> FrameSymbol {
    var symbol = parts(of: bytes, names: names)
    // The printed text is stored only when the parts do not render it back exactly.
    if isPrintedAsParts(bytes, symbol) {
      symbol.markPrintedTextAsLocation()
    } else {
      symbol.printedText = String(decoding: bytes, as: UTF8.self)
    }
    return symbol
  }

  /// Whether `bytes` is exactly `module!function` or `module!function+0x…` with the offset in
  /// lower-case hex without leading zeros: what `FrameSymbol` renders from the parts.
  private static func isPrintedAsParts(_ bytes: ArraySlice<UInt8>, _ symbol: FrameSymbol) -> Bool {
    guard symbol.module != nil, symbol.function != nil, symbol.address == nil, symbol.moduleOffset == nil,
      !symbol.isUnresolved, let bang = bytes.firstIndex(of: ASCII.bang), bang > bytes.startIndex,
      bang + 1 < bytes.endIndex, bytes[bang + 1] != ASCII.space
    else { return false }
    guard let offset = symbol.offset else { return true }
    guard let plus = bytes.lastIndex(of: ASCII.plus) else { return false }
    let digits = bytes[(plus + 1)...]
    guard digits.count >= 3, digits[digits.startIndex] == ASCII.zero, digits[digits.startIndex + 1] == ASCII.lowerX else {
      return false
    }
    let hex = digits.dropFirst(2)
    guard hex.count == 1 || hex.first != ASCII.zero else { return false }
    var value: UInt64 = 0
    for byte in hex {
      // Lower-case digits only: `+0xAB` is printed otherwise than the parts render it.
      guard (byte >= ASCII.zero && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) else { return false }
      value = value &<< 4 | UInt64(ASCII.hexValue(byte) ?? 0)
    }
    return hex.count <= 16 && value == offset
  }

  /// The parts of a cleaned location, without its printed text.
  private static func parts(of bytes: ArraySlice<UInt8>, names: StringInterner?) -> FrameSymbol {
    var symbol = FrameSymbol()
    var rest = bytes
    // kd prints an unresolved return site as `+0x5024648c`.
    if rest.first == ASCII.plus, let value = HexNumber.prefixed(rest.dropFirst()) {
      symbol.address = Address(value)
      return symbol
    }
    if let bang = rest.firstIndex(of: ASCII.bang) {
      let module = rest[..<bang]
      if !module.isEmpty { symbol.module = names?.string(module) ?? String(decoding: module, as: UTF8.self) }
      rest = rest[(bang + 1)...]
    }
    while rest.first == ASCII.space { rest = rest.dropFirst() }
    if isNoSymbolMarker(rest) || Bytes.equalsIgnoringCase(rest, "nosymbols") {
      symbol.isUnresolved = true
      return symbol
    }
    let (base, offset) = splitOffset(rest)
    if let address = HexNumber.prefixed(base) {
      symbol.address = Address(address)
      symbol.offset = offset
      return symbol
    }
    if base.isEmpty {
      symbol.isUnresolved = true
      return symbol
    }
    symbol.function = names?.string(base) ?? String(decoding: base, as: UTF8.self)
    symbol.offset = offset
    return symbol
  }

  /// `<nosymbols>`, `<No Symbol>`, `<no symbols>`.
  static func isNoSymbolMarker(_ text: ArraySlice<UInt8>) -> Bool {
    guard text.first == ASCII.lessThan, text.last == ASCII.greaterThan else { return false }
    let letters = text.filter(ASCII.isLetter).map(ASCII.lowercased)
    return letters == Array("nosymbols".utf8) || letters == Array("nosymbol".utf8)
  }

  /// Splits `name+0x25` (or `name+25`) into the name and the offset.
  static func splitOffset(_ text: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, UInt64?) {
    guard let plus = text.lastIndex(of: ASCII.plus), plus != text.startIndex else { return (text, nil) }
    let digits = text[(plus + 1)...]
    guard let value = HexNumber.prefixed(digits) ?? HexNumber.digits(digits) else { return (text, nil) }
    return (text[..<plus], value)
  }
}
