//===--- StringSearch.swift - ASCII case-insensitive search without Foundation

extension StringProtocol {
  /// The first range of `needle` in the string at or after `from`, ignoring ASCII case.
  func rangeIgnoringCase(of needle: String, from start: Index? = nil) -> Range<Index>? {
    let pattern = Array(needle.utf8).map(ASCII.lowercased)
    guard !pattern.isEmpty else { return nil }
    var index = start ?? startIndex
    while index < endIndex {
      var candidate = index
      var matched = 0
      while matched < pattern.count, candidate < endIndex,
        let byte = self[candidate].asciiValue, ASCII.lowercased(byte) == pattern[matched]
      {
        candidate = self.index(after: candidate)
        matched += 1
      }
      if matched == pattern.count { return index..<candidate }
      index = self.index(after: index)
    }
    return nil
  }
}
