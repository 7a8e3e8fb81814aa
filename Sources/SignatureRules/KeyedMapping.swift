//===--- KeyedMapping.swift - A YAML mapping looked up by its keys' text -----===//
//
// Rule files' keys are plain words, matched by their text. The keys' texts are
// read once, so a lookup compares strings and never walks the nodes again.
//
//===----------------------------------------------------------------------===//

/// A YAML mapping's entries with their keys as text, in file order.
struct KeyedMapping {
  /// Each key's text (nil for a key that is not a scalar).
  let texts: [String?]
  /// The key nodes (for the lines of messages).
  let keys: [YAMLNode]
  /// The value nodes.
  let values: [YAMLNode]

  /// The entries of a mapping's `pairs`.
  init(_ pairs: [(key: YAMLNode, value: YAMLNode)]) {
    texts = pairs.map(\.key.string)
    keys = pairs.map(\.key)
    values = pairs.map(\.value)
  }

  /// The value whose key's text is `key` (the first, if several).
  subscript(key key: String) -> YAMLNode? {
    var index = 0
    while index < texts.count {
      if texts[index] == key { return values[index] }
      index += 1
    }
    return nil
  }
}
