//===--- StringSearch.swift - ASCII case-insensitive search without Foundation

extension StringProtocol {
  /// The first range of `needle` in the string at or after `from`, ignoring ASCII case.
  /// Works on the UTF-8 view: no Character is formed.
  func rangeIgnoringCase(of needle: String, from start: Index? = nil) -> Range<Index>? {
    let pattern = Array(needle.utf8)
    guard let head = pattern.first.map(ASCII.lowercased) else { return nil }
    let view = utf8
    var index = start ?? view.startIndex
    while index < view.endIndex {
      if ASCII.lowercased(view[index]) == head {
        var candidate = view.index(after: index)
        var matched = 1
        while matched < pattern.count, candidate < view.endIndex,
          ASCII.lowercased(view[candidate]) == ASCII.lowercased(pattern[matched])
        {
          candidate = view.index(after: candidate)
          matched += 1
        }
        if matched == pattern.count { return index..<candidate }
      }
      index = view.index(after: index)
    }
    return nil
  }
}
