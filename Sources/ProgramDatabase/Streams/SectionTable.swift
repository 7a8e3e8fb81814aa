//===--- SectionTable.swift - Section offsets to image addresses -----------===//
//
// Symbols name code by (1-based section, offset). The DBI's section header stream
// holds the image's IMAGE_SECTION_HEADERs (40 bytes: name, virtual size, virtual
// address, …), so an address is the section's virtual address plus the offset.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// The image's sections, as the PDB recorded them.
public struct SectionTable: Sendable {
  /// Each section's virtual address, virtual size and characteristics, in section order.
  public var sections: [(address: UInt32, size: UInt32, characteristics: UInt32)]

  /// Reads a section header stream.
  public init(_ reader: ByteReader) throws(ReadError) {
    let count = UInt64(reader.count / 40)
    try reader.checkArray(count: count, size: 40, at: 0, "the section headers")
    sections = []
    for index in 0..<count {
      let size = try reader.read(UInt32.self, at: index * 40 + 8, "a section's size")
      let address = try reader.read(UInt32.self, at: index * 40 + 12, "a section's address")
      let characteristics = try reader.read(UInt32.self, at: index * 40 + 36, "a section's characteristics")
      sections.append((address, size, characteristics))
    }
  }

  /// Whether 1-based `section` holds code (IMAGE_SCN_CNT_CODE or IMAGE_SCN_MEM_EXECUTE).
  public func isCode(section: UInt16) -> Bool {
    guard section >= 1, Int(section) <= sections.count else { return false }
    return sections[Int(section) - 1].characteristics & 0x2000_0020 != 0
  }

  /// The image-relative address of `offset` in 1-based `section`, `nil` when there is no such
  /// section or the sum overflows.
  public func rva(section: UInt16, offset: UInt32) -> UInt32? {
    guard section >= 1, Int(section) <= sections.count else { return nil }
    let (sum, overflow) = sections[Int(section) - 1].address.addingReportingOverflow(offset)
    return overflow ? nil : sum
  }
}
