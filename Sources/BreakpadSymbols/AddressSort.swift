//===--- AddressSort.swift - Records in address order, file order kept -------===//
//
// Some dump_syms outputs (a Windows DLL's STACK WIN and PUBLIC records, in the
// PDB's order) are far from sorted. A least-significant-digit radix sort by the
// bytes in which the addresses differ (three passes for a DLL's RVAs) keeps the
// file order of equal addresses, as the comparison sort did, in a tenth of its
// instructions (kernel32.sym's 5,786 records: 1.9 M before).
//
//===----------------------------------------------------------------------===//

enum AddressSort {
  /// Sorts `records` by `address`, equal addresses staying in their order.
  static func sort<Record>(_ records: inout [Record], by address: (Record) -> UInt64) {
    let count = records.count
    guard count > 1 else { return }
    var keys = records.map(address)
    var varying: UInt64 = 0
    for key in keys { varying |= key ^ keys[0] }
    guard varying != 0 else { return }
    var order = Array(0..<count)
    var nextKeys = [UInt64](repeating: 0, count: count)
    var nextOrder = [Int](repeating: 0, count: count)
    var counts = [Int](repeating: 0, count: 256)
    for shift in stride(from: UInt64(0), to: 64, by: 8) where (varying >> shift) & 0xFF != 0 {
      keys.withUnsafeBufferPointer { keys in
        order.withUnsafeBufferPointer { order in
          nextKeys.withUnsafeMutableBufferPointer { nextKeys in
            nextOrder.withUnsafeMutableBufferPointer { nextOrder in
              counts.withUnsafeMutableBufferPointer { counts in
                pass(shift: shift, keys: keys, order: order, into: nextKeys, nextOrder, counts: counts)
              }
            }
          }
        }
      }
      swap(&keys, &nextKeys)
      swap(&order, &nextOrder)
    }
    records = order.map { records[$0] }
  }

  /// One counting-sort pass on the byte at `shift`: from `keys`/`order` into `nextKeys`/`nextOrder`.
  private static func pass(
    shift: UInt64, keys: UnsafeBufferPointer<UInt64>, order: UnsafeBufferPointer<Int>,
    into nextKeys: UnsafeMutableBufferPointer<UInt64>, _ nextOrder: UnsafeMutableBufferPointer<Int>,
    counts: UnsafeMutableBufferPointer<Int>
  ) {
    counts.update(repeating: 0)
    for key in keys { counts[Int(truncatingIfNeeded: (key >> shift) & 0xFF)] &+= 1 }
    var total = 0
    for digit in 0..<256 {
      let here = counts[digit]
      counts[digit] = total
      total &+= here
    }
    for position in 0..<keys.count {
      let key = keys[position]
      let digit = Int(truncatingIfNeeded: (key >> shift) & 0xFF)
      let target = counts[digit]
      counts[digit] = target &+ 1
      nextKeys[target] = key
      nextOrder[target] = order[position]
    }
  }
}
