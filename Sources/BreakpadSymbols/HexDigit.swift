//===--- HexDigit.swift - One ASCII hex digit's value ------------------------===//
//
// Shared by the readers of symbol-file fields (RecordCursor, LineRecordScanner):
// two subtractions and compares, no table, inlined into their loops.
//
//===----------------------------------------------------------------------===//

enum HexDigit {
  /// The value of the ASCII hex digit `byte` (either case), or nil when it is not one.
  @inline(__always)
  static func value(_ byte: UInt8) -> UInt8? {
    if byte &- 0x30 < 10 { return byte &- 0x30 }
    if (byte | 0x20) &- 0x61 < 6 { return (byte | 0x20) &- 0x61 &+ 10 }
    return nil
  }
}
