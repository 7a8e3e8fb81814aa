//===--- DebugSubsections.swift - A module's C13 debug subsections, walked ---===//
//
// After a module's symbols (and any C11 lines) come C13 debug subsections: kind u32,
// length u32, the data, padded to 4 bytes. LineTables reads DEBUG_S_LINES (0xF2) and
// DEBUG_S_FILECHKSMS (0xF4) from them, InlineeLines DEBUG_S_INLINEELINES (0xF6).
//
//===----------------------------------------------------------------------===//

import ByteReading

/// Walks C13 debug subsections.
enum DebugSubsections {
  /// Calls `visit(kind, bodyStart, bodyEnd)` for each subsection between `start` and `end`;
  /// a subsection running past `end` is an error.
  static func forEach(
    in reader: ByteReader, from start: UInt64, to end: UInt64,
    _ visit: (UInt32, UInt64, UInt64) throws(ReadError) -> Void
  ) throws(ReadError) {
    var cursor = start
    while cursor + 8 <= end {
      let kind = try reader.read(UInt32.self, at: cursor, "a debug subsection's kind")
      let length = UInt64(try reader.read(UInt32.self, at: cursor + 4, "a debug subsection's length"))
      let body = cursor + 8
      guard body + length <= end else { throw ReadError(.outOfBounds, at: cursor, reading: "a debug subsection") }
      try visit(kind, body, body + length)
      cursor = (body + length + 3) & ~3
    }
  }
}
