//===--- LineRecordScanner.swift - The fast path for line records -----------===//
//
// `address size line file` — hex, hex, decimal, decimal — checked in one pass
// that also finds the line's end, without building anything: the values are
// read again from the mapping only when a lookup lands in the function.
// Before the file's last line break no byte needs a bounds check: every loop
// stops at a line break, and one is known to follow.
//
//===----------------------------------------------------------------------===//

enum LineRecordScanner {
  /// The offset just past a well-formed line record starting at `start` (past its
  /// line break), or nil when the line is anything else or damaged. `lastLineBreak` is the
  /// offset of the file's last line break, or -1.
  @inline(__always)
  static func validRecordEnd(_ base: UnsafePointer<UInt8>, from start: Int, count: Int, lastLineBreak: Int) -> Int? {
    // A constant argument, so each copy is compiled with or without the checks.
    start < lastLineBreak
      ? validRecordEnd(base, from: start, count: count, checked: false)
      : validRecordEnd(base, from: start, count: count, checked: true)
  }

  @inline(__always)
  private static func validRecordEnd(_ base: UnsafePointer<UInt8>, from start: Int, count: Int, checked: Bool) -> Int? {
    var position = start
    guard let address = hexField(base, &position, count, checked), skipBlanks(base, &position, count, checked),
      let size = hexField(base, &position, count, checked), skipBlanks(base, &position, count, checked),
      decimalField(base, &position, count, checked), skipBlanks(base, &position, count, checked),
      decimalField(base, &position, count, checked)
    else { return nil }
    guard address &+ size >= address else { return nil }
    while (!checked || position < count) && (base[position] == 0x20 || base[position] == 0x09 || base[position] == 0x0D) {
      position += 1
    }
    if position == count { return count }
    return base[position] == 0x0A ? position + 1 : nil
  }

  @inline(__always)
  private static func skipBlanks(_ base: UnsafePointer<UInt8>, _ position: inout Int, _ count: Int, _ checked: Bool) -> Bool {
    let start = position
    while (!checked || position < count) && (base[position] == 0x20 || base[position] == 0x09) { position += 1 }
    return position > start
  }

  @inline(__always)
  private static func hexField(_ base: UnsafePointer<UInt8>, _ position: inout Int, _ count: Int, _ checked: Bool) -> UInt64? {
    var value: UInt64 = 0
    let start = position
    while !checked || position < count {
      guard let digit = HexDigit.value(base[position]) else { break }
      value = value << 4 | UInt64(digit)
      position += 1
    }
    let length = position - start
    return length > 0 && length <= 16 ? value : nil
  }

  @inline(__always)
  private static func decimalField(_ base: UnsafePointer<UInt8>, _ position: inout Int, _ count: Int, _ checked: Bool) -> Bool {
    let start = position
    while (!checked || position < count) && base[position] &- 0x30 < 10 { position += 1 }
    let length = position - start
    return length > 0 && length <= 18
  }
}
