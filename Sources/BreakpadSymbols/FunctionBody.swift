//===--- FunctionBody.swift - The line and INLINE records of one FUNC -------===//
//
// Read when a lookup lands in a function: the line record that holds the
// address and the INLINE records, one per nesting level, whose ranges hold it.
// Records that do not parse were reported when the file was indexed and are
// skipped here.
//
//===----------------------------------------------------------------------===//

/// A line record: `address size line file_number`.
struct LineRecord {
  var address: UInt64
  var size: UInt64
  var line: Int
  var file: Int
}

/// An INLINE record that holds the address being looked up.
struct InlineCall {
  var level: Int
  var callLine: Int
  /// The call site's file (new format only).
  var callFile: Int?
  var origin: Int
}

/// The search of one FUNC record's body for an address, fed the body's lines a piece at a time
/// (a piece holds whole lines; the file is read with `pread`, or through its mapping).
struct FunctionBody {
  /// The module-relative address looked up.
  let address: UInt64
  /// The first line record holding the address.
  private(set) var line: LineRecord?
  private var calls: [InlineCall] = []

  /// A search for `address`.
  init(address: UInt64) { self.address = address }

  /// The chain of inlined calls (outermost first) holding the address, from the pieces read.
  var inlines: [InlineCall] { Self.chain(calls) }

  /// Reads one piece of whole lines (the last may lack its line break).
  mutating func read(_ lines: UnsafeBufferPointer<UInt8>) {
    guard let base = lines.baseAddress else { return }
    let end = lines.count
    var position = 0
    while position < end {
      var lineEnd = position
      while lineEnd < end && base[lineEnd] != 0x0A { lineEnd += 1 }
      var contentEnd = lineEnd
      if contentEnd > position && base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
      var cursor = RecordCursor(base: base, start: position, end: contentEnd)
      if cursor.take("INLINE") {
        if let call = Self.inlineCall(&cursor, holding: address) { calls.append(call) }
      } else if line == nil, let record = Self.lineRecord(&cursor),
        address >= record.address, address - record.address < record.size
      {
        line = record
      }
      position = lineEnd + 1
    }
  }

  /// Parses a line record; nil when damaged.
  static func lineRecord(_ cursor: inout RecordCursor) -> LineRecord? {
    guard let address = cursor.hex(), let size = cursor.hex(), let line = cursor.decimal(),
      let file = cursor.decimal(), cursor.atEnd(), address &+ size >= address
    else { return nil }
    return LineRecord(address: address, size: size, line: line, file: file)
  }

  /// Parses the fields after `INLINE`; the call when one of its ranges holds `address`.
  static func inlineCall(_ cursor: inout RecordCursor, holding address: UInt64) -> InlineCall? {
    guard let record = InlineRecordFields(&cursor) else { return nil }
    for (start, size) in record.ranges where address >= start && address - start < size {
      return InlineCall(level: record.level, callLine: record.callLine, callFile: record.callFile, origin: record.origin)
    }
    return nil
  }

  /// Keeps one call per nesting level, levels 0, 1, 2… without gaps (outermost first).
  static func chain(_ calls: [InlineCall]) -> [InlineCall] {
    var result: [InlineCall] = []
    for level in 0..<calls.count {
      guard let call = calls.first(where: { $0.level == level }) else { break }
      result.append(call)
    }
    return result
  }
}
