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

/// Up to `capacity` hex words in order, without heap storage: the values inline, and
/// which words are masked or 16 digits wide as bits (104 bytes, copied with each row).
struct HexWordList {
  /// The most words a list holds.
  static let capacity = 12

  private var values = InlineArray<12, UInt64>(repeating: 0)
  /// Bit i: word i was masked (`8059XXXX`, no value).
  private var masked: UInt16 = 0
  /// Bit i: word i has 16 digits (else 8).
  private var wide: UInt16 = 0
  /// Number of words held.
  private(set) var count = 0

  /// An empty list.
  init() {}

  /// Whether the list holds no word.
  var isEmpty: Bool { count == 0 }

  /// Whether any word has 16 digits (a 64-bit column).
  var hasWideWord: Bool {
    @inline(__always) get { wide & ((1 << UInt16(count)) &- 1) != 0 }
  }

  /// Whether a row with these words is a 64-bit one (amd64, arm64): a 64-bit value, or
  /// 16-digit words with the colon after two columns that `kb` prints on 64-bit targets.
  func isSixtyFourBitRow(colonAfter: Int?) -> Bool {
    hasSixtyFourBitValue || (hasWideWord && colonAfter == 2 && count > 2)
  }

  /// Whether any 16-digit word holds a value no 32-bit address is: its high half neither 0
  /// nor the sign extension `ffffffff`.
  var hasSixtyFourBitValue: Bool {
    // Most rows are 32-bit: no 16-digit word, nothing to look at.
    guard wide & ~masked != 0 else { return false }
    for index in 0..<count where wide & (1 << UInt16(index)) != 0 && masked & (1 << UInt16(index)) == 0 {
      let high = values[index] >> 32
      if high != 0 && high != 0xFFFF_FFFF { return true }
    }
    return false
  }

  /// The word at `index` (`0..<count`).
  subscript(index: Int) -> HexWord {
    // Inlined: called on its own, the getter copied the whole inline array to read one word.
    @inline(__always) get {
      precondition(index >= 0 && index < count, "hex word index out of range")
      let bit: UInt16 = 1 << UInt16(index)
      return HexWord(value: masked & bit != 0 ? nil : values[index], digits: wide & bit != 0 ? 16 : 8)
    }
    set {
      precondition(index >= 0 && index < count, "hex word index out of range")
      store(newValue, at: index)
    }
  }

  private mutating func store(_ word: HexWord, at index: Int) {
    let bit: UInt16 = 1 << UInt16(index)
    values[index] = word.value ?? 0
    if word.value == nil { masked |= bit } else { masked &= ~bit }
    if word.digits == 16 { wide |= bit } else { wide &= ~bit }
  }

  /// Appends `word`; dropped when the list is full.
  mutating func append(_ word: HexWord) {
    guard count < Self.capacity else { return }
    count += 1
    store(word, at: count - 1)
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
    store(word, at: 0)
    for index in 1..<(count - 1) { store(self[index + 1], at: index) }
    count -= 1
  }

  /// `first` followed by `second`, as many as fit.
  static func + (first: HexWordList, second: HexWordList) -> HexWordList {
    var result = first
    result.append(contentsOf: second)
    return result
  }
}
