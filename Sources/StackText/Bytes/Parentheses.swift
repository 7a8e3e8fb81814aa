//===--- Parentheses.swift - The group that closes a text --------------------===//
//
// Symbol texts end in parenthesised groups that nest (`f(std::pair<int,
// int>(…))`, `(Renderer::draw(Frame const&, int)+48)`): the group that closes
// the text is found from its end, counting depth.
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
}
