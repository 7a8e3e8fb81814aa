//===--- Node+Key.swift - A YAML mapping's value by its key's text ----------===//
//
// Yams looks a mapping's value up by a node, whose equality resolves both keys'
// tags with its default resolver: a set of regular expressions compiled through
// Foundation (ICU) on first use, which costs every run megabytes and milliseconds.
// Rule files' keys are plain words, so they are matched by their text.
//
//===----------------------------------------------------------------------===//

import Yams

extension Node.Mapping {
  /// The value whose key's text is `key` (the first, if several).
  subscript(key key: String) -> Node? {
    first { $0.key.string == key }?.value
  }
}
