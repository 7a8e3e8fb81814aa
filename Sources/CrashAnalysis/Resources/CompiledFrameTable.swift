//===--- CompiledFrameTable.swift - A compiled frame catalog, read in place ---===//
//
// The shipped frame catalogs hold hundreds of names, and a run asks a few dozen
// of them. Their compiled form (CompiledRules, catalog format 4) is three
// strings the lookups read where they lie, without building an entry a name:
//
//   table     every entry's six fields (module or nothing, function, 1 for a
//             prefix pattern else 0, role, the index of its file among the
//             sources, its line), each after its length in 3 hex digits (no
//             separator to escape in JSON or to keep out of names), in the
//             order the YAML adds them;
//   index     for each entry that is no pattern, 16 hex digits of its function's
//             name hash (FrameCatalog.foldedNameHash) and 6 of its row's offset
//             in the table, sorted by hash, then offset: a binary search finds
//             a name's rows;
//   patterns  the pattern rows' offsets, 6 hex digits each, longest pattern
//             first, then in the order added.
//
// Only the patterns are read at start-up. A row that does not read back is no
// entry (the file is a cache the install wrote; a damaged one is refused whole
// by CompiledRules.catalogEntries, which reads every row).
//
//===----------------------------------------------------------------------===//

import Signatures

/// A compiled frame catalog's entries, read a row at a time when a lookup asks.
final class CompiledFrameTable: FrameCatalogTable {
  /// Hex digits of a field's length.
  static let lengthDigits = 3
  /// The longest field.
  static let maximumFieldLength = 0xFFF
  /// Bytes of one index record: 16 hex digits of hash, 6 of offset.
  static let indexRecord = 22
  /// Bytes of one pattern record: 6 hex digits of offset.
  static let patternRecord = 6
  /// The table's largest size: offsets have 6 hex digits.
  static let maximumTableSize = 1 << 24

  private let table: [UInt8]
  private let index: [UInt8]
  private let originFiles: [String]
  let patternEntries: [FrameCatalog.Entry]

  var isEmpty: Bool { table.isEmpty }

  /// The table of a compiled catalog, or nil when its index or patterns do not read.
  init?(table: [UInt8], index: [UInt8], patterns: [UInt8], originFiles: [String]) {
    guard table.count < Self.maximumTableSize, index.count % Self.indexRecord == 0, patterns.count % Self.patternRecord == 0
    else { return nil }
    self.table = table
    self.index = index
    self.originFiles = originFiles
    var patternEntries: [FrameCatalog.Entry] = []
    var position = 0
    while position < patterns.count {
      guard let offset = Self.hex(patterns, position, Self.patternRecord),
        let (entry, _) = Self.row(in: table, at: Int(offset), originFiles: originFiles), entry.isPrefixPattern
      else { return nil }
      patternEntries.append(entry)
      position += Self.patternRecord
    }
    self.patternEntries = patternEntries
  }

  func exactEntries(named name: String) -> [FrameCatalog.Entry] {
    let hash = FrameCatalog.foldedNameHash(name)
    let count = index.count / Self.indexRecord
    // The first record whose hash is not below the name's.
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      guard let value = Self.hex(index, middle * Self.indexRecord, 16) else { return [] }
      if value < hash { low = middle + 1 } else { high = middle }
    }
    var entries: [FrameCatalog.Entry] = []
    var record = low
    while record < count, Self.hex(index, record * Self.indexRecord, 16) == hash {
      if let offset = Self.hex(index, record * Self.indexRecord + 16, 6),
        let (entry, _) = Self.row(in: table, at: Int(offset), originFiles: originFiles), !entry.isPrefixPattern,
        FrameView.equalsIgnoringCase(entry.function, name)
      {
        entries.append(entry)
      }
      record += 1
    }
    return entries
  }

  func allEntries() -> [FrameCatalog.Entry] {
    var entries: [FrameCatalog.Entry] = []
    var offset = 0
    while offset < table.count, let (entry, next) = Self.row(in: table, at: offset, originFiles: originFiles) {
      entries.append(entry)
      offset = next
    }
    return entries
  }

  /// The entry whose row starts at `offset`, and where the next row starts; nil when the row
  /// does not read back.
  static func row(in table: [UInt8], at offset: Int, originFiles: [String]) -> (FrameCatalog.Entry, Int)? {
    guard offset >= 0, offset < table.count else { return nil }
    var fields: [Range<Int>] = []
    fields.reserveCapacity(6)
    var position = offset
    while fields.count < 6 {
      guard let length = hex(table, position, lengthDigits) else { return nil }
      let start = position + lengthDigits
      guard start + Int(length) <= table.count else { return nil }
      fields.append(start..<(start + Int(length)))
      position = start + Int(length)
    }
    func text(_ range: Range<Int>) -> String { String(decoding: table[range], as: UTF8.self) }
    func number(_ range: Range<Int>) -> Int? {
      guard !range.isEmpty, range.count <= 9 else { return nil }
      var value = 0
      for index in range {
        guard table[index] >= 0x30, table[index] <= 0x39 else { return nil }
        value = value * 10 + Int(table[index] - 0x30)
      }
      return value
    }
    guard !fields[1].isEmpty, fields[2].count == 1, let role = role(table, fields[3]), let file = number(fields[4]),
      originFiles.indices.contains(file), let line = number(fields[5]), line > 0
    else { return nil }
    let flag = table[fields[2].lowerBound]
    guard flag == UInt8(ascii: "0") || flag == UInt8(ascii: "1") else { return nil }
    let entry = FrameCatalog.Entry(
      module: fields[0].isEmpty ? nil : text(fields[0]), function: text(fields[1]), isPrefixPattern: flag == UInt8(ascii: "1"),
      role: role, file: originFiles[file], line: line)
    return (entry, position)
  }

  /// The role a field names (`FrameRole(rawValue:)` would make a string of it first).
  private static func role(_ table: [UInt8], _ range: Range<Int>) -> FrameRole? {
    func spells(_ name: StaticString) -> Bool {
      guard range.count == name.utf8CodeUnitCount else { return false }
      for offset in 0..<range.count where table[range.lowerBound + offset] != name.utf8Start[offset] { return false }
      return true
    }
    if spells("common") { return .common }
    if spells("prefix") { return .prefix }
    if spells("irrelevant") { return .irrelevant }
    if spells("handler-entry") { return .handlerEntry }
    if spells("specific") { return .specific }
    return nil
  }

  /// `digits` lower-case hex digits at `start` of `bytes`, or nil.
  private static func hex(_ bytes: [UInt8], _ start: Int, _ digits: Int) -> UInt64? {
    guard start >= 0, start + digits <= bytes.count else { return nil }
    var value: UInt64 = 0
    for index in start..<(start + digits) {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case 0x30...0x39: digit = byte - 0x30
      case 0x61...0x66: digit = byte - 0x61 + 10
      default: return nil
      }
      value = value << 4 | UInt64(digit)
    }
    return value
  }

  // MARK: - Writing

  /// The three strings of `entries` (in the order added), each entry's file given by its
  /// index among the sources; nil when a name is longer than 4,095 bytes, or the table would
  /// pass 16 MiB.
  static func strings(of entries: [(entry: FrameCatalog.Entry, file: Int, line: Int)]) -> (
    table: String, index: String, patterns: String
  )? {
    var table: [UInt8] = []
    var exact: [(hash: UInt64, offset: Int)] = []
    var patterns: [(length: Int, offset: Int)] = []
    for (entry, file, line) in entries {
      let offset = table.count
      let fields = [
        entry.module ?? "", entry.function, entry.isPrefixPattern ? "1" : "0", entry.role.rawValue, String(file), String(line),
      ]
      for field in fields {
        guard field.utf8.count <= maximumFieldLength else { return nil }
        table += hex(UInt64(field.utf8.count), lengthDigits).utf8
        table += field.utf8
      }
      if entry.isPrefixPattern {
        patterns.append((entry.function.utf8.count, offset))
      } else {
        exact.append((FrameCatalog.foldedNameHash(entry.function), offset))
      }
    }
    guard table.count < maximumTableSize else { return nil }
    exact.sort { ($0.hash, $0.offset) < ($1.hash, $1.offset) }
    patterns.sort { ($1.length, $0.offset) < ($0.length, $1.offset) }
    let index = exact.map { hex($0.hash, 16) + hex(UInt64($0.offset), 6) }.joined()
    let patternText = patterns.map { hex(UInt64($0.offset), 6) }.joined()
    return (String(decoding: table, as: UTF8.self), index, patternText)
  }

  /// `value` in `digits` lower-case hex digits.
  private static func hex(_ value: UInt64, _ digits: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, digits - text.utf8.count)) + text
  }
}
