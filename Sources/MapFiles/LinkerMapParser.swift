//===--- LinkerMapParser.swift - Line-by-line reading of a linker map -------===//

import CrashCore

/// One symbol row before sorting.
struct LinkerMapRow {
  var section: Int
  var offset: UInt64
  var address: UInt64
  var name: String
  var isFunction: Bool
  var isStatic: Bool
  var object: String?
  var line: Int
}

/// Reads a map's header, section table, public and static tables.
struct LinkerMapParser {
  /// Damaged rows reported before the rest are only counted.
  static let diagnosticBudget = 100

  var moduleName: String?
  var timestamp: UInt32?
  var preferredLoadAddress: UInt64?
  var sections: [LinkerMapSection] = []
  var entryPoint: (section: Int, offset: UInt64)?
  var rows: [LinkerMapRow] = []
  var diagnostics: [Diagnostic] = []
  var sawPublicsTable = false

  private enum Table { case none, sections, publics, statics }
  private var table = Table.none
  private var lineNumber = 0
  private var damaged = 0

  mutating func parse(_ text: UnsafeRawBufferPointer) {
    let bytes = text.bindMemory(to: UInt8.self)
    var start = 0
    while start < bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      lineNumber += 1
      var lineEnd = end
      if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
      // Lines are short in a real map; a long one is damage and is cut for reading.
      let slice = UnsafeBufferPointer(rebasing: bytes[start..<min(lineEnd, start + 4096)])
      line(String(decoding: slice, as: UTF8.self))
      start = end + 1
    }
    if damaged > Self.diagnosticBudget {
      diagnostics.append(Diagnostic(.error, "\(damaged - Self.diagnosticBudget) further damaged rows not listed"))
    }
  }

  private mutating func line(_ text: String) {
    let fields = text.split(separator: " ", omittingEmptySubsequences: true)
    guard let first = fields.first else { return }
    if moduleName == nil && table == .none && fields.count == 1 && lineNumber <= 3 {
      moduleName = String(first)
      return
    }
    if text.contains("Timestamp is"), fields.count >= 3 {
      timestamp = UInt32(fields[2], radix: 16)
      return
    }
    if text.contains("Preferred load address is"), let last = fields.last {
      preferredLoadAddress = UInt64(last, radix: 16)
      return
    }
    if first == "Start" && fields.count >= 3 && fields[1] == "Length" {
      table = .sections
      return
    }
    if text.contains("Publics by Value") {
      table = .publics
      sawPublicsTable = true
      return
    }
    if first == "Static" && fields.count >= 2 && fields[1] == "symbols" {
      table = .statics
      return
    }
    if first == "entry" && fields.count >= 4 && fields[1] == "point" {
      if let (section, offset) = Self.sectionOffset(fields[3]) { entryPoint = (section, offset) }
      return
    }
    switch table {
    case .none:
      return
    case .sections:
      sectionRow(fields)
    case .publics, .statics:
      symbolRow(fields)
    }
  }

  private mutating func sectionRow(_ fields: [Substring]) {
    guard fields.count >= 3, let (section, start) = Self.sectionOffset(fields[0]) else { return }
    var length = fields[1]
    if length.hasSuffix("H") || length.hasSuffix("h") { length = length.dropLast() }
    guard let size = UInt64(length, radix: 16) else { return report("section row has no length") }
    sections.append(
      LinkerMapSection(
        section: section, start: start, length: size, name: String(fields[2]),
        className: fields.count > 3 ? String(fields[3]) : ""))
  }

  private mutating func symbolRow(_ fields: [Substring]) {
    // section:offset  name  rva+base  [f] [i]  [lib:object]
    guard let (section, offset) = Self.sectionOffset(fields[0]) else { return }
    guard fields.count >= 3, let address = UInt64(fields[2], radix: 16) else {
      return report("symbol row needs section:offset, name and Rva+Base")
    }
    var index = 3
    var isFunction = false
    while index < fields.count && (fields[index] == "f" || fields[index] == "i") {
      if fields[index] == "f" { isFunction = true }
      index += 1
    }
    let object = index < fields.count ? fields[index...].joined(separator: " ") : nil
    rows.append(
      LinkerMapRow(
        section: section, offset: offset, address: address, name: String(fields[1]), isFunction: isFunction,
        isStatic: table == .statics, object: object, line: lineNumber))
  }

  /// `0001:00000000` → (1, 0).
  static func sectionOffset(_ field: Substring) -> (Int, UInt64)? {
    guard let colon = field.firstIndex(of: ":") else { return nil }
    let sectionText = field[..<colon]
    let offsetText = field[field.index(after: colon)...]
    guard sectionText.count <= 4, offsetText.count <= 16, let section = Int(sectionText, radix: 16),
      let offset = UInt64(offsetText, radix: 16)
    else { return nil }
    return (section, offset)
  }

  private mutating func report(_ message: String) {
    damaged += 1
    if damaged <= Self.diagnosticBudget { diagnostics.append(Diagnostic(.warning, message, line: lineNumber)) }
  }
}
