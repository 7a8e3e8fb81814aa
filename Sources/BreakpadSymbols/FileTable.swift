//===--- FileTable.swift - A symbol file's FILE records, by number -----------===//
//
// `FILE number name` records come first in a .sym file, numbered 0, 1, 2… in order as
// dump_syms writes them (6,661 of them in a Windows application's file). While the numbers
// run on by one, only the names are kept and a lookup is an index; numbers out of
// order or repeated (a hand-made or damaged file) are sorted once when reading ends and
// found by binary search, the last record of a number winning as it would in a
// dictionary. A dictionary here cost a dump's walk 3.5 million instructions in hashing
// and regrowth for one file.
//
//===----------------------------------------------------------------------===//

/// The FILE records of one symbol file.
struct FileTable {
  /// The number of the first record: while numbering is dense, record `i` has number
  /// `first + i` and no number is stored (6,661 words saved in that Windows application's file).
  private var first = 0
  /// Each record's number, kept from the first record whose number is not the next one.
  private var numbers: [Int] = []
  private var names: [TextSpan] = []
  /// Whether every number so far was the one before plus one (`numbers` then stays empty).
  private var isDense = true
  /// Whether every number so far was greater than the one before.
  private var isIncreasing = true

  /// Records `FILE number name`.
  mutating func add(_ number: Int, _ name: TextSpan) {
    if names.isEmpty { first = number }
    if isDense {
      let (distance, overflow) = number.subtractingReportingOverflow(first)
      if !overflow && distance == names.count {
        names.append(name)
        return
      }
      // The numbers so far, first, first + 1, …, cannot overflow: the last was a record's.
      isDense = false
      numbers.reserveCapacity(names.count + 1)
      for index in 0..<names.count { numbers.append(first + index) }
    }
    if let last = numbers.last, number <= last { isIncreasing = false }
    numbers.append(number)
    names.append(name)
  }

  /// Sorts records that came out of order and keeps the last of each number.
  mutating func finish() {
    guard !isDense, !isIncreasing else { return }
    // Stable by number, so that among equal numbers the later record stays later.
    let order = numbers.indices.sorted { (numbers[$0], $0) < (numbers[$1], $1) }
    var keptNumbers: [Int] = []
    var keptNames: [TextSpan] = []
    keptNumbers.reserveCapacity(order.count)
    keptNames.reserveCapacity(order.count)
    for index in order {
      if keptNumbers.last == numbers[index] {
        keptNames[keptNames.count - 1] = names[index]
      } else {
        keptNumbers.append(numbers[index])
        keptNames.append(names[index])
      }
    }
    numbers = keptNumbers
    names = keptNames
    isIncreasing = true
  }

  /// The name's span of file `number`, if there is such a record.
  subscript(number: Int) -> TextSpan? {
    if isDense {
      let (position, overflow) = number.subtractingReportingOverflow(first)
      return !overflow && position >= 0 && position < names.count ? names[position] : nil
    }
    guard let first = numbers.first else { return nil }
    // Dense numbering (0, 1, 2…): the position is the number's distance from the first.
    let (position, overflow) = number.subtractingReportingOverflow(first)
    if !overflow, position >= 0, position < numbers.count, numbers[position] == number { return names[position] }
    var low = 0
    var high = numbers.count
    while low < high {
      let middle = (low + high) / 2
      if numbers[middle] < number { low = middle + 1 } else { high = middle }
    }
    return low < numbers.count && numbers[low] == number ? names[low] : nil
  }
}
