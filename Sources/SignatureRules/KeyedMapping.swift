//===--- KeyedMapping.swift - A YAML mapping looked up by its keys' text -----===//
//
// Yams looks a mapping's value up by a node, whose equality resolves both keys'
// tags with its default resolver: a set of regular expressions compiled through
// Foundation (ICU) on first use, which costs every run megabytes and milliseconds.
// Rule files' keys are plain words, so they are matched by their text. The keys
// are read once: walking a `Node.Mapping` copies every key and value node (an
// indirect enum, a retain per field), about 8,000 instructions a lookup when
// each lookup walked the pairs again.
//
//===----------------------------------------------------------------------===//

import Yams

/// A YAML mapping's entries with their keys as text, in file order.
struct KeyedMapping {
  /// Each key's text (nil for a key that is not a scalar).
  let texts: [String?]
  /// The key nodes (for the lines of messages).
  let keys: [Node]
  /// The value nodes.
  let values: [Node]

  /// The entries of `mapping`.
  init(_ mapping: Node.Mapping) {
    var texts: [String?] = []
    var keys: [Node] = []
    var values: [Node] = []
    texts.reserveCapacity(mapping.count)
    keys.reserveCapacity(mapping.count)
    values.reserveCapacity(mapping.count)
    for (key, value) in mapping {
      let text: String? = if case .scalar(let scalar) = key { scalar.string } else { nil }
      texts.append(text)
      keys.append(key)
      values.append(value)
    }
    self.texts = texts
    self.keys = keys
    self.values = values
  }

  /// The value whose key's text is `key` (the first, if several).
  subscript(key key: String) -> Node? {
    var index = 0
    while index < texts.count {
      if texts[index] == key { return values[index] }
      index += 1
    }
    return nil
  }
}
