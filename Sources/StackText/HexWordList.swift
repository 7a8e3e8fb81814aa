//===--- HexWordList.swift - A row's hex columns, stored inline -------------===//
//
// Every row of every listing carries its hex columns from the line to the
// frame. Held in an `Array`, they cost an allocation and a release per row and
// per line a listing is offered; held inline they cost neither. A row has at
// most `capacity` columns: `RowLayout` caps a header's parameter columns and
// `RowStart.parse` reads at most two words past the layout, so appends beyond
// the capacity (which only a bug could ask for) are dropped, never trapped on.
//
//===----------------------------------------------------------------------===//

/// Up to `capacity` hex words in order, without heap storage.
struct HexWordList {
  /// The most words a list holds.
  static let capacity = 12

  private var storage = InlineArray<12, HexWord>(repeating: HexWord(value: nil, digits: 0))
  /// Number of words held.
  private(set) var count = 0

  /// An empty list.
  init() {}

  /// Whether the list holds no word.
  var isEmpty: Bool { count == 0 }

  /// The word at `index` (`0..<count`).
  subscript(index: Int) -> HexWord {
    get {
      precondition(index >= 0 && index < count, "hex word index out of range")
      return storage[index]
    }
    set {
      precondition(index >= 0 && index < count, "hex word index out of range")
      storage[index] = newValue
    }
  }

  /// Appends `word`; dropped when the list is full.
  mutating func append(_ word: HexWord) {
    guard count < Self.capacity else { return }
    storage[count] = word
    count += 1
  }

  /// Appends the words of `other`, as many as fit.
  mutating func append(contentsOf other: HexWordList) {
    for index in 0..<other.count { append(other[index]) }
  }

  /// Removes the last `k` words.
  mutating func removeLast(_ k: Int) {
    count -= min(max(k, 0), count)
  }

  /// Replaces the first two words with `word` (`count >= 2`).
  mutating func mergeFirstTwo(into word: HexWord) {
    guard count >= 2 else { return }
    storage[0] = word
    for index in 1..<(count - 1) { storage[index] = storage[index + 1] }
    count -= 1
  }

  /// `first` followed by `second`, as many as fit.
  static func + (first: HexWordList, second: HexWordList) -> HexWordList {
    var result = first
    result.append(contentsOf: second)
    return result
  }
}
