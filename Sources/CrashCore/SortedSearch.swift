//===--- SortedSearch.swift - Binary search over sorted keys ----------------===//
//
// Every address index in the library (symbol records, line rows, memory
// ranges, modules) answers "the last entry that starts at or below this
// address" by binary search over keys sorted ascending. One implementation.
//
//===----------------------------------------------------------------------===//

/// Binary searches over collections sorted by a key.
public enum SortedSearch {
  /// The index of the last element whose key is ≤ `value`, or nil when none is.
  /// `key(i)` must be non-decreasing in `i` over `0..<count`.
  @inlinable
  public static func lastIndex(atOrBelow value: UInt64, count: Int, key: (Int) -> UInt64) -> Int? {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) >> 1
      if key(middle) <= value { low = middle + 1 } else { high = middle }
    }
    return low > 0 ? low - 1 : nil
  }

  /// The index of the first element whose key is ≥ `value` (`count` when none is).
  @inlinable
  public static func firstIndex(atOrAbove value: UInt64, count: Int, key: (Int) -> UInt64) -> Int {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) >> 1
      if key(middle) < value { low = middle + 1 } else { high = middle }
    }
    return low
  }
}
