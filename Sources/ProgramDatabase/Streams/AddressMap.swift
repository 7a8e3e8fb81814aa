//===--- AddressMap.swift - OMAP: addresses before and after the image was rearranged ===//
//
// Images rewritten after linking (Windows system binaries laid out by BBT / Vulcan)
// keep their symbols at the addresses the linker gave them; the PDB's OMAP streams
// translate between the two layouts (the DBI debug header's "OMAP from source" and
// "OMAP to source" slots): entries of 8 bytes, (address u32, translated address u32),
// sorted by address. An address maps through the last entry at or below it, keeping its
// distance from that entry's start; an entry translating to 0 marks code that was
// removed. With OMAP the symbols' section offsets refer to the original section
// headers (the "original section headers" slot). Layout: LLVM's DbiStream
// documentation and microsoft-pdb's dbi.h (OMAP_DATA).
//
//===----------------------------------------------------------------------===//

import ByteReading

/// An OMAP table: original image addresses to rearranged ones (or back).
public struct AddressMap: Sendable {
  /// (address, translated address), sorted by address.
  public private(set) var entries: [(from: UInt32, to: UInt32)]

  /// Reads an OMAP stream.
  public init(_ reader: ByteReader) throws(ReadError) {
    let count = UInt64(reader.count / 8)
    try reader.checkArray(count: count, size: 8, at: 0, "the OMAP table")
    entries = []
    entries.reserveCapacity(Int(count))
    for index in 0..<count {
      entries.append(
        (
          try reader.read(UInt32.self, at: index * 8, "an OMAP entry"),
          try reader.read(UInt32.self, at: index * 8 + 4, "an OMAP entry")
        ))
    }
    // Written sorted; a damaged table is sorted here rather than searched wrongly.
    if !zip(entries, entries.dropFirst()).allSatisfy({ $0.0.from <= $0.1.from }) {
      entries.sort { $0.from < $1.from }
    }
  }

  /// The entry index that covers `address`, if any.
  private func entry(covering address: UInt32) -> Int? {
    var low = 0
    var high = entries.count
    while low < high {
      let middle = (low + high) / 2
      if entries[middle].from <= address { low = middle + 1 } else { high = middle }
    }
    return low > 0 ? low - 1 : nil
  }

  /// `address` translated, or nil when it lies before the first entry or in removed code.
  public func translate(_ address: UInt32) -> UInt32? {
    guard let index = entry(covering: address), entries[index].to != 0 else { return nil }
    let (sum, overflow) = entries[index].to.addingReportingOverflow(address - entries[index].from)
    return overflow ? nil : sum
  }

  /// How many of the `length` bytes from `address` stay together when translated: up to
  /// the next entry's start.
  public func contiguousLength(from address: UInt32, length: UInt32) -> UInt32 {
    guard let index = entry(covering: address) else { return 0 }
    guard index + 1 < entries.count else { return length }
    return min(length, entries[index + 1].from &- address)
  }

  /// The `length` bytes from `address` as the pieces the image holds them in: each run that
  /// stays together, its original start, its image address and size; removed runs are left
  /// out (as Breakpad maps an original range, `omap.cc`). At most `limit` pieces.
  public func pieces(from address: UInt32, length: UInt32, limit: Int = 4_096) -> [(original: UInt32, rva: UInt32, size: UInt32)] {
    var found: [(original: UInt32, rva: UInt32, size: UInt32)] = []
    let end = UInt64(address) + UInt64(length)
    var cursor = UInt64(address)
    guard var index = entry(covering: address) else { return [] }
    while cursor < end, index < entries.count, found.count < limit {
      let next = index + 1 < entries.count ? UInt64(entries[index + 1].from) : end
      let runEnd = min(end, max(next, cursor))
      if runEnd > cursor, entries[index].to != 0 {
        let (rva, overflow) = entries[index].to.addingReportingOverflow(UInt32(cursor) - entries[index].from)
        if !overflow { found.append((UInt32(cursor), rva, UInt32(runEnd - cursor))) }
      }
      cursor = runEnd
      index += 1
    }
    return found
  }
}
