//===--- LinkerMapFile.swift - An MSVC linker map (LINK /MAP) ----------------===//
//
// The text LINK.EXE (and lld-link /map) writes:
//
//    EMSMTA
//
//    Timestamp is 35a6d4c6 (Fri Jul 10 22:32:38 1998)
//
//    Preferred load address is 00400000
//
//    Start         Length     Name                   Class
//    0001:00000000 000c1b54H .text                   CODE
//
//     Address         Publics by Value              Rva+Base     Lib:Object
//
//    0001:00000000       _otpmralt@12               00401000 f   otpmr.obj
//
//    entry point at        0001:000a1234
//
//    Static symbols
//
//    0001:000a0000       _static_fn                 004a1000 f   bar.obj
//
// Addresses in lookups are RVAs (Rva+Base minus the preferred load address).
// A map gives no function sizes: a symbol covers up to the next symbol of its
// section, and never past the section's end from the section table.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore
import Demangling

/// Why a map file could not be read at all (damage inside it is a diagnostic instead).
public enum LinkerMapError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be opened or mapped.
  case cannotRead(MappedFileError)
  /// The file has no `Publics by Value` table: not a linker map.
  case notALinkerMap(path: String)

  /// One sentence naming the file.
  public var description: String {
    switch self {
    case .cannotRead(let error): error.description
    case .notALinkerMap(let path): "\(path): not an MSVC linker map (no \"Publics by Value\" table)"
    }
  }
}

/// One symbol of a map's public or static table.
public struct LinkerMapSymbol: Sendable, Hashable {
  /// The section number (`0001`).
  public var section: Int
  /// The offset in the section.
  public var offset: UInt64
  /// Rva+Base minus the preferred load address.
  public var relativeAddress: UInt64
  /// The name as the linker printed it (`_otpmralt@12`, `?push@Queue@mta@@QAEHH@Z`).
  public var decoratedName: String
  /// The name for display (`otpmralt`, `mta::Queue::push`).
  public var name: String
  /// Whether the map flags it as a function (`f`).
  public var isFunction: Bool
  /// Whether it comes from the `Static symbols` table.
  public var isStatic: Bool
  /// The `Lib:Object` column.
  public var object: String?
  /// The 1-based line in the map.
  public var line: Int
}

/// One row of the map's section table.
public struct LinkerMapSection: Sendable, Hashable {
  /// The section number.
  public var section: Int
  /// Start offset of this group in the section.
  public var start: UInt64
  /// Length in bytes.
  public var length: UInt64
  /// Group name (`.text`, `.text$mn`).
  public var name: String
  /// Class (`CODE`, `DATA`).
  public var className: String
}

/// An MSVC linker map, parsed and sorted for lookups.
public final class LinkerMapFile: SymbolSource, @unchecked Sendable {
  // Sendable: immutable after init.

  /// Where the symbols came from.
  public let origin: SymbolSourceOrigin
  /// The module name on the map's first line.
  public let moduleName: String?
  /// The link timestamp (`Timestamp is …`): the PE header's TimeDateStamp.
  public let timestamp: UInt32?
  /// The preferred load address.
  public let preferredLoadAddress: UInt64
  /// The section table.
  public let sections: [LinkerMapSection]
  /// The entry point as section and offset.
  public let entryPoint: (section: Int, offset: UInt64)?
  /// Public and static symbols, sorted by relative address.
  public let symbols: [LinkerMapSymbol]
  /// Damaged rows, with line numbers.
  public let diagnostics: [Diagnostic]

  /// Where each section's code ends, as an RVA (from symbols and the section table).
  private let sectionEnds: [Int: UInt64]

  /// Reads the map at `path`.
  public convenience init(path: String, maximumFileSize: Int = 1 << 30) throws(LinkerMapError) {
    let mapped: MappedFile
    do {
      mapped = try MappedFile(path: path, limit: maximumFileSize)
    } catch {
      throw .cannotRead(error)
    }
    try self.init(text: mapped.bytes, path: path)
  }

  /// Parses map text held in memory; `path` names it in messages.
  public init(text: UnsafeRawBufferPointer, path: String) throws(LinkerMapError) {
    var parser = LinkerMapParser()
    parser.parse(text)
    guard parser.sawPublicsTable else { throw .notALinkerMap(path: path) }
    origin = SymbolSourceOrigin(format: .linkerMap, path: path)
    moduleName = parser.moduleName
    timestamp = parser.timestamp
    preferredLoadAddress = parser.preferredLoadAddress ?? 0
    sections = parser.sections
    entryPoint = parser.entryPoint
    diagnostics = parser.diagnostics
    let base = parser.preferredLoadAddress ?? 0
    var symbols: [LinkerMapSymbol] = []
    symbols.reserveCapacity(parser.rows.count)
    for row in parser.rows where row.address >= base {
      symbols.append(
        LinkerMapSymbol(
          section: row.section, offset: row.offset, relativeAddress: row.address - base,
          decoratedName: row.name, name: Demangling.MSVCUndecorator.undecorate(row.name),
          isFunction: row.isFunction, isStatic: row.isStatic, object: row.object, line: row.line))
    }
    symbols.sort { ($0.relativeAddress, $0.isStatic ? 1 : 0) < ($1.relativeAddress, $1.isStatic ? 1 : 0) }
    self.symbols = symbols
    // Section base RVA = symbol RVA − symbol offset; section end = base + the largest group end.
    var ends: [Int: UInt64] = [:]
    var bases: [Int: UInt64] = [:]
    for symbol in symbols where bases[symbol.section] == nil && symbol.relativeAddress >= symbol.offset {
      bases[symbol.section] = symbol.relativeAddress - symbol.offset
    }
    for group in parser.sections {
      guard let sectionBase = bases[group.section] else { continue }
      let (end, overflow) = sectionBase.addingReportingOverflow(group.start &+ group.length)
      if !overflow { ends[group.section] = max(ends[group.section] ?? 0, end) }
    }
    sectionEnds = ends
  }

  /// Whether section `number` holds code (class CODE in the section table, or unknown).
  public func isCodeSection(_ number: Int) -> Bool {
    let groups = sections.filter { $0.section == number }
    return groups.isEmpty || groups.contains { $0.className.uppercased() == "CODE" }
  }

  /// The symbol at or below a relative address, within its section.
  public func lookup(_ address: UInt64) -> SymbolLookup? {
    guard let found = SortedSearch.lastIndex(atOrBelow: address, count: symbols.count, key: { symbols[$0].relativeAddress })
    else { return nil }
    let low = found + 1
    let symbol = symbols[found]
    if let end = sectionEnds[symbol.section], address >= end { return nil }
    // The next symbol in the same section bounds this one.
    var size: UInt64?
    var next = low
    while next < symbols.count && symbols[next].relativeAddress == symbol.relativeAddress { next += 1 }
    if next < symbols.count, symbols[next].section == symbol.section {
      size = symbols[next].relativeAddress - symbol.relativeAddress
    } else if let end = sectionEnds[symbol.section] {
      size = end - symbol.relativeAddress
    }
    return SymbolLookup(
      frames: [SymbolizedFunction(name: symbol.name)], functionStart: symbol.relativeAddress,
      functionSize: size, kind: .publicSymbol, origin: origin)
  }
}
