//===--- ARM64FrameRecords.swift - A chain of ARM64 frame records on a stack -===//

extension StackSection {
  /// ARM64 frame records from here on, one per return address: each {the next record, or 0
  /// for the last; the return address into its caller}, labelled `record1`, `record2`…, with
  /// `locals` bytes after each.
  public mutating func arm64FrameRecords(returning returns: [UInt64], locals: Int = 16) {
    for (index, returnAddress) in returns.enumerated() {
      mark("record\(index + 1)")
      if index + 1 < returns.count { d64(label: "record\(index + 2)") } else { d64(0) }
      d64(returnAddress)
      fill(locals)
    }
  }
}
