//===--- InlineRecordFields.swift - The fields of an INLINE record ----------===//
//
//   old: INLINE level call_line origin_id (address size)+
//   new: INLINE level call_line call_file_id origin_id (address size)+
// Levels, lines and ids are decimal; addresses and sizes hexadecimal. The field
// count tells the forms apart: after INLINE, an odd count is old, an even new.
//
//===----------------------------------------------------------------------===//

/// A parsed INLINE record (the cursor stands after the word `INLINE`).
struct InlineRecordFields {
  /// Ranges per record are capped so a damaged line cannot make a huge array.
  static let maximumRanges = 65_536

  var level: Int
  var callLine: Int
  var callFile: Int?
  var origin: Int
  var ranges: [(UInt64, UInt64)]

  /// Whether the fields after `INLINE` are well formed, checked without allocating
  /// (the same rules as `init?`).
  static func isValid(_ cursor: inout RecordCursor) -> Bool {
    var fields = 0
    var headerIsDecimal = (true, true, true, true)
    var previous: UInt64 = 0
    // Ranges are (3,4), (5,6)… in the old form and (4,5), (6,7)… in the new one: a
    // wrapping start + size is tracked for both, by the parity of the size's index.
    var wrapsAtEvenIndex = false
    var wrapsAtOddIndex = false
    while let field = cursor.field() {
      guard fields <= 4 + 2 * maximumRanges, let value = cursor.hex(field) else { return false }
      if fields < 4 && cursor.decimal(field) == nil {
        switch fields {
        case 0: headerIsDecimal.0 = false
        case 1: headerIsDecimal.1 = false
        case 2: headerIsDecimal.2 = false
        default: headerIsDecimal.3 = false
        }
      }
      if fields >= 4 && previous &+ value < previous {
        if fields % 2 == 0 { wrapsAtEvenIndex = true } else { wrapsAtOddIndex = true }
      }
      previous = value
      fields += 1
    }
    let isNewFormat = fields % 2 == 0
    guard fields >= (isNewFormat ? 6 : 5), headerIsDecimal.0, headerIsDecimal.1, headerIsDecimal.2 else { return false }
    return isNewFormat ? headerIsDecimal.3 && !wrapsAtOddIndex : !wrapsAtEvenIndex
  }

  /// Parses the record's fields; nil when damaged.
  init?(_ cursor: inout RecordCursor) {
    var fields: [Range<Int>] = []
    while let field = cursor.field() {
      fields.append(field)
      if fields.count > 4 + 2 * Self.maximumRanges { return nil }
    }
    let isNewFormat = fields.count % 2 == 0
    let header = isNewFormat ? 4 : 3
    guard fields.count >= header + 2 else { return nil }
    guard let level = cursor.decimal(fields[0]), let callLine = cursor.decimal(fields[1]),
      let origin = cursor.decimal(fields[header - 1])
    else { return nil }
    var callFile: Int?
    if isNewFormat {
      guard let file = cursor.decimal(fields[2]) else { return nil }
      callFile = file
    }
    var ranges: [(UInt64, UInt64)] = []
    ranges.reserveCapacity((fields.count - header) / 2)
    var index = header
    while index + 1 < fields.count {
      guard let start = cursor.hex(fields[index]), let size = cursor.hex(fields[index + 1]),
        start &+ size >= start
      else { return nil }
      ranges.append((start, size))
      index += 2
    }
    self.level = level
    self.callLine = callLine
    self.callFile = callFile
    self.origin = origin
    self.ranges = ranges
  }
}
