//===--- SymbolTextParser.swift - `module!function+0xoff` and what follows --===//
//
// The text after a row's hex columns: a code location, then annotations.
//
//   location := [module] '!' (function ['+' ['0x'] hex] | '<nosymbols>' | '<No Symbol>' | '0x' hex)
//             | '0x' hex ['+0x' hex]                       (an unresolved address)
//             | function ['+' ['0x'] hex]                  (no module: Alpha disassembly, handlers)
//   annotation := '(' … ')' | '[' … ']'                    (see AnnotationParser)
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
  static func parse(_ text: String) -> ParsedSymbolText {
    var bytes = Array(text.utf8)
    // `store!(nosymbols)`: a no-symbol marker in parentheses.
    if let range = Bytes.firstIndex(of: "!(nosymbols)", in: bytes[...]) {
      bytes.replaceSubrange((range + 1)..<(range + 12), with: Array("<nosymbols>".utf8))
    }
    let split = annotationStart(in: bytes)
    var result = ParsedSymbolText()
    let locationText = cleanLocation(Array(bytes[..<split]))
    if !locationText.isEmpty {
      result.symbol = location(locationText)
    }
    if split < bytes.count {
      AnnotationParser.parse(Array(bytes[split...]), into: &result)
    }
    return result
  }

  /// Index where annotations begin: the first `(` or `[` that does not belong to
  /// the name (`operator()` and `operator[]` do).
  static func annotationStart(in bytes: [UInt8]) -> Int {
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == ASCII.openParen || byte == ASCII.openBracket {
        let closing = byte == ASCII.openParen ? ASCII.closeParen : ASCII.closeBracket
        if index + 1 < bytes.count && bytes[index + 1] == closing && index > 0 && bytes[index - 1] != ASCII.space {
          index += 2
          continue
        }
        return index
      }
      index += 1
    }
    return bytes.count
  }

  /// Trims the location text and repairs blanks inside it.
  static func cleanLocation(_ bytes: [UInt8]) -> String {
    let words = bytes.split(separator: ASCII.space).map { Array($0) }
    guard !words.isEmpty else { return "" }
    if words.count == 1 { return String(decoding: words[0], as: UTF8.self) }
    let joined = words.joined(separator: [ASCII.space])
    let isDecorated =
      joined.contains(ASCII.question) && joined.contains(ASCII.at)
      || Bytes.contains(ArraySlice(joined), "@@")
    if isDecorated {
      // Decorated names never contain blanks: any blank is damage.
      return String(decoding: Array(words.joined()) as [UInt8], as: UTF8.self)
    }
    var pieces: [[UInt8]] = []
    // `userinit! <nosymbols>`: a blank after the module's `!`.
    for word in words {
      if let last = pieces.last, last.last == ASCII.bang {
        pieces[pieces.count - 1] += word
      } else {
        pieces.append(word)
      }
    }
    // `tn3   servr!<nosymbols>`: a bare word, then the rest of the module name.
    if pieces.count >= 2, !pieces[0].contains(ASCII.bang), pieces[1].contains(ASCII.bang),
      pieces[0].allSatisfy(ASCII.isIdentifier)
    {
      pieces[0] += pieces[1]
      pieces.remove(at: 1)
    }
    // `+ 0xdc`, `+0 xb`: an offset split by a blank.
    var merged: [[UInt8]] = []
    for piece in pieces {
      if let last = merged.last,
        last.last == ASCII.plus || (Bytes.hasPrefix(ArraySlice(piece), "x") && last.suffix(2) == [ASCII.plus, ASCII.zero])
      {
        merged[merged.count - 1] += piece
      } else {
        merged.append(piece)
      }
    }
    return String(decoding: Array(merged.joined(separator: [ASCII.space])) as [UInt8], as: UTF8.self)
  }

  /// Parses a cleaned location.
  static func location(_ text: String) -> FrameSymbol {
    var symbol = FrameSymbol(printedText: text)
    var rest = Substring(text)
    // kd prints an unresolved return site as `+0x5024648c`.
    if rest.hasPrefix("+0x") || rest.hasPrefix("+0X"), let value = HexNumber.prefixed(ArraySlice(rest.dropFirst().utf8)) {
      symbol.address = Address(value)
      return symbol
    }
    if let bang = rest.firstIndex(of: "!") {
      let module = rest[..<bang]
      symbol.module = module.isEmpty ? nil : String(module)
      rest = rest[rest.index(after: bang)...]
      if module.isEmpty { symbol.module = nil }
    }
    rest = rest.trimmingBlanks()
    if isNoSymbolMarker(rest) || rest.lowercased() == "nosymbols" {
      symbol.isUnresolved = true
      return symbol
    }
    let (base, offset) = splitOffset(rest)
    if let address = HexNumber.prefixed(ArraySlice(base.utf8)) {
      symbol.address = Address(address)
      symbol.offset = offset
      return symbol
    }
    if base.isEmpty {
      symbol.isUnresolved = true
      return symbol
    }
    symbol.function = String(base)
    symbol.offset = offset
    return symbol
  }

  /// `<nosymbols>`, `<No Symbol>`, `<no symbols>`.
  static func isNoSymbolMarker(_ text: Substring) -> Bool {
    guard text.hasPrefix("<"), text.hasSuffix(">") else { return false }
    let letters = text.lowercased().filter { $0.isLetter }
    return letters == "nosymbols" || letters == "nosymbol"
  }

  /// Splits `name+0x25` (or `name+25`) into the name and the offset.
  static func splitOffset(_ text: Substring) -> (Substring, UInt64?) {
    guard let plus = text.lastIndex(of: "+") else { return (text, nil) }
    let digits = text[text.index(after: plus)...]
    let value = HexNumber.prefixed(ArraySlice(digits.utf8)) ?? HexNumber.digits(ArraySlice(digits.utf8))
    guard let value, plus != text.startIndex else { return (text, nil) }
    return (text[..<plus], value)
  }
}
