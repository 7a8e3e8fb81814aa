//===--- Parentheses.swift - The group that closes a text --------------------===//
//
// Symbol texts end in parenthesised groups that nest (`f(std::pair<int,
// int>(…))`, `(Renderer::draw(Frame const&, int)+48)`): the group that closes
// the text is found from its end, counting depth. Debuggers that print argument
// values (gdb) put strings and characters in them (`why=0x4a94 "paint (now)"`,
// `c=40 '('`): `groups(in:)` reads those groups from the start, outside quotes.
//
//===----------------------------------------------------------------------===//

enum Parentheses {
  /// The `(` that opens the group ending `text` (whose last character is `)`), or nil when
  /// the parentheses do not balance.
  static func openingOfLastGroup(in text: Substring) -> Substring.Index? {
    var depth = 0
    var index = text.endIndex
    while index > text.startIndex {
      index = text.index(before: index)
      if text[index] == ")" { depth += 1 }
      if text[index] == "(" {
        depth -= 1
        if depth == 0 { return index }
      }
    }
    return nil
  }

  /// The top-level parenthesised groups of `text`, each from its `(` to its `)`, reading
  /// quoted text as opaque (`forEachOutsideQuotes`). A group still open at the end is left
  /// out; `depth` tells whether one is.
  static func groups(in text: Substring) -> (groups: [ClosedRange<Substring.Index>], depth: Int) {
    var groups: [ClosedRange<Substring.Index>] = []
    var depth = 0
    var open = text.startIndex
    forEachOutsideQuotes(text) { index, character in
      switch character {
      case "(":
        if depth == 0 { open = index }
        depth += 1
      case ")" where depth > 0:
        depth -= 1
        if depth == 0 { groups.append(open...index) }
      default: break
      }
    }
    return (groups, depth)
  }

  /// Calls `body` with each character of `text` (and its index) that is outside double- and
  /// single-quoted runs (`"paint (now)"`, `'('`), whose backslash escapes are honoured.
  static func forEachOutsideQuotes(_ text: Substring, _ body: (Substring.Index, Character) -> Void) {
    var quote: Character?
    var escaped = false
    for index in text.indices {
      let character = text[index]
      if let current = quote {
        if escaped {
          escaped = false
        } else if character == "\\" {
          escaped = true
        } else if character == current {
          quote = nil
        }
        continue
      }
      if character == "\"" || character == "'" {
        quote = character
        continue
      }
      body(index, character)
    }
  }
}
