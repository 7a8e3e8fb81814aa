//===--- AddressSort.swift - Records in address order, file order kept -------===//
//
// Some dump_syms outputs (a Windows DLL's STACK WIN and PUBLIC records, in the
// PDB's order) are far from sorted. A least-significant-digit radix sort by the
// bytes in which the addresses differ (three passes for a DLL's RVAs) keeps the
// file order of equal addresses, as the comparison sort did, in half of its
// instructions (kernel32.sym's 5,786 records: 1.9 M before). The passes move
// 32-bit positions and 64-bit keys only; the records are then permuted in place
// (cycle by cycle), so a file of millions of records needs 24 bytes of scratch
// per record, about what the comparison sort's merge buffer took.
//
//===----------------------------------------------------------------------===//

enum AddressSort {
  /// Sorts `records` by `address`, equal addresses staying in their order.
  static func sort<Record>(_ records: inout [Record], by address: (Record) -> UInt64) {
    let count = records.count
    guard count > 1 else { return }
    guard count < Int(UInt32.max) else {
      records.sort { address($0) < address($1) }
      return
    }
    // The keys and the passes' buffers are gone before the records move.
    guard let order = sortedPositions(records.map(address)) else { return }
    permute(&records, to: order)
  }

  /// The positions of `keys` in stable ascending order, or nil when all keys are equal.
  private static func sortedPositions(_ initialKeys: [UInt64]) -> [UInt32]? {
    var keys = initialKeys
    var varying: UInt64 = 0
    for key in keys { varying |= key ^ keys[0] }
    guard varying != 0 else { return nil }
    let count = keys.count
    var order = (0..<count).map { UInt32(truncatingIfNeeded: $0) }
    var nextKeys = [UInt64](repeating: 0, count: count)
    var nextOrder = [UInt32](repeating: 0, count: count)
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
    return order
  }

  /// One counting-sort pass on the byte at `shift`: from `keys`/`order` into `nextKeys`/`nextOrder`.
  private static func pass(
    shift: UInt64, keys: UnsafeBufferPointer<UInt64>, order: UnsafeBufferPointer<UInt32>,
    into nextKeys: UnsafeMutableBufferPointer<UInt64>, _ nextOrder: UnsafeMutableBufferPointer<UInt32>,
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

  /// Puts `records[order[i]]` at `i` for every `i`, in place, following each cycle once.
  private static func permute<Record>(_ records: inout [Record], to order: [UInt32]) {
    var order = order
    let done = UInt32.max
    for start in 0..<order.count where order[start] != done {
      guard Int(order[start]) != start else {
        order[start] = done
        continue
      }
      let saved = records[start]
      var position = start
      while true {
        let source = Int(order[position])
        order[position] = done
        if source == start {
          records[position] = saved
          break
        }
        records[position] = records[source]
        position = source
      }
    }
  }
}
