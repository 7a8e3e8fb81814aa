//===--- AddressRange.swift - Functions by address, while a .sym is written ---===//
//
// Both Breakpad writers place line rows and publics by the function whose range
// holds an address: a binary search over functions sorted by start.
//
//===----------------------------------------------------------------------===//

/// Something that starts at `rva` and runs `size` bytes.
protocol AddressRange {
  var rva: UInt32 { get }
  var size: UInt32 { get }
}

extension Array where Element: AddressRange {
  /// The element whose range holds `rva`, the array being sorted by start; when
  /// `emptyHoldsStart`, an element of size 0 holds its own start.
  func index(containing rva: UInt32, emptyHoldsStart: Bool = false) -> Int? {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      if self[middle].rva <= rva { low = middle + 1 } else { high = middle }
    }
    guard low > 0 else { return nil }
    let candidate = self[low - 1]
    let size = emptyHoldsStart ? Swift.max(candidate.size, 1) : candidate.size
    return rva &- candidate.rva < size ? low - 1 : nil
  }
}
