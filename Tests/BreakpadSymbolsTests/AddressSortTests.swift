//===--- AddressSortTests.swift - The radix sort keeps file order -------------===//
//
// AddressSort must give what a stable sort by address gives: the records in
// address order, equal addresses in their original order, for 32- and 64-bit
// addresses, many duplicates, and the sizes of real files.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Testing

@testable import BreakpadSymbols

@Suite("Records sorted by address")
struct AddressSortTests {
  struct Record: Equatable {
    var address: UInt64
    var position: Int
  }

  @Test("equal to a stable sort", arguments: [(0, 0xFF), (1, 0xFFFF), (2, 0xFFFF_FFFF), (3, UInt64.max), (4, 7)])
  func stable(seed: Int, mask: UInt64) {
    var generator = SplitMix(seed: UInt64(seed) &+ 0xA5D)
    for count in [0, 1, 2, 5, 100, 3_703] {
      let records = (0..<count).map { Record(address: generator.next() & mask, position: $0) }
      var sorted = records
      AddressSort.sort(&sorted) { $0.address }
      let expected = records.sorted { ($0.address, $0.position) < ($1.address, $1.position) }
      #expect(sorted == expected, "count \(count), mask \(mask)")
    }
  }

  @Test("mostly sorted runs, as dump_syms writes a DLL's STACK WIN records")
  func runs() {
    var generator = SplitMix(seed: 42)
    var records: [Record] = []
    for run in 0..<50 {
      var address = UInt64(run % 7) << 16
      for _ in 0..<80 {
        address += generator.next() % 64
        records.append(Record(address: address, position: records.count))
      }
    }
    var sorted = records
    AddressSort.sort(&sorted) { $0.address }
    #expect(sorted == records.sorted { ($0.address, $0.position) < ($1.address, $1.position) })
  }
}
