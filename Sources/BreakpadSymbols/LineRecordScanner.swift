//===--- LineRecordScanner.swift - The fast path for line records -----------===//
//
// `address size line file` — hex, hex, decimal, decimal — checked in one pass
// that also finds the line's end, without building anything: the values are
// read again from the mapping only when a lookup lands in the function.
//
//===----------------------------------------------------------------------===//

enum LineRecordScanner {
  /// The offset just past a well-formed line record starting at `start` (past its
  /// line break), or nil when the line is anything else or damaged.
  @inline(__always)
  static func validRecordEnd(_ base: UnsafePointer<UInt8>, from start: Int, count: Int) -> Int? {
    var position = start
    guard let address = hexField(base, &position, count), skipBlanks(base, &position, count),
      let size = hexField(base, &position, count), skipBlanks(base, &position, count),
      decimalField(base, &position, count), skipBlanks(base, &position, count),
      decimalField(base, &position, count)
    else { return nil }
    guard address &+ size >= address else { return nil }
    while position < count && (base[position] == 0x20 || base[position] == 0x09 || base[position] == 0x0D) {
      position += 1
    }
    if position == count { return count }
    return base[position] == 0x0A ? position + 1 : nil
  }

  @inline(__always)
  private static func skipBlanks(_ base: UnsafePointer<UInt8>, _ position: inout Int, _ count: Int) -> Bool {
    let start = position
    while position < count && (base[position] == 0x20 || base[position] == 0x09) { position += 1 }
    return position > start
  }

  @inline(__always)
  private static func hexField(_ base: UnsafePointer<UInt8>, _ position: inout Int, _ count: Int) -> UInt64? {
    var value: UInt64 = 0
    let start = position
    while position < count {
      let byte = base[position]
      let digit: UInt8
      if byte &- 0x30 < 10 {
        digit = byte &- 0x30
      } else if (byte | 0x20) &- 0x61 < 6 {
        digit = (byte | 0x20) &- 0x61 &+ 10
      } else {
        break
      }
      value = value << 4 | UInt64(digit)
      position += 1
    }
    let length = position - start
    return length > 0 && length <= 16 ? value : nil
  }

  @inline(__always)
  private static func decimalField(_ base: UnsafePointer<UInt8>, _ position: inout Int, _ count: Int) -> Bool {
    let start = position
    while position < count && base[position] &- 0x30 < 10 { position += 1 }
    let length = position - start
    return length > 0 && length <= 18
  }
}
