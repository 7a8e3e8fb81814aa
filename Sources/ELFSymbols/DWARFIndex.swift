//===--- DWARFIndex.swift - Sorted ranges of functions and line rows --------===//
//
// Built once per file, so a lookup is two binary searches and a walk down one
// function's DIE subtree. elfutils 0.188 finds compilation units only through
// `.debug_aranges`, which clang and swiftc do not emit; walking every unit's
// DIE tree here works for all of them, and also finds subprograms that swiftc
// nests inside modules, types and other functions.
//
//===----------------------------------------------------------------------===//

import CLibDW

/// One address range of a concrete subprogram.
struct FunctionRange {
  var low: UInt64
  var high: UInt64
  /// The subprogram DIE's offset in `.debug_info`.
  var dieOffset: Dwarf_Off
}

/// One row of a line table.
struct LineRow {
  var address: UInt64
  /// Index into `DWARFIndex.files`.
  var file: Int32
  var line: Int32
  var column: Int32
  var isEndOfSequence: Bool
  /// Position in the unit's table, so rows at one address keep their order when sorted.
  var order: Int32
}

/// Function ranges and line rows of every compilation unit, sorted by address.
struct DWARFIndex {
  /// DIE trees deeper than this are not followed (damaged or hostile input).
  static let maximumDepth = 256

  private(set) var functions: [FunctionRange] = []
  private(set) var rows: [LineRow] = []
  private(set) var files: [String] = []
  private var fileNumbers: [String: Int32] = [:]

  init(dwarf: OpaquePointer) {
    var unit: OpaquePointer? = nil
    var next: OpaquePointer? = nil
    var version: Dwarf_Half = 0
    var unitType: UInt8 = 0
    var unitDIE = Dwarf_Die()
    var subDIE = Dwarf_Die()
    while dwarf_get_units(dwarf, unit, &next, &version, &unitType, &unitDIE, &subDIE) == 0 {
      unit = next
      guard unitType == UInt8(DW_UT_compile) || unitType == UInt8(DW_UT_partial)
        || unitType == UInt8(DW_UT_skeleton)
      else { continue }
      collectFunctions(under: &unitDIE)
      collectRows(of: &unitDIE)
    }
    functions.sort { ($0.low, $0.high) < ($1.low, $1.high) }
    // End-of-sequence rows sort before a row at the same address that starts the next sequence.
    // Among rows at one address the last in table order wins, as in llvm-symbolizer.
    rows.sort {
      ($0.address, $0.isEndOfSequence ? 0 : 1, $0.order) < ($1.address, $1.isEndOfSequence ? 0 : 1, $1.order)
    }
  }

  // MARK: - Building

  private mutating func collectFunctions(under unitDIE: inout Dwarf_Die) {
    // Iterative depth-first walk: (die, depth) on an explicit stack.
    var stack: [(Dwarf_Die, Int)] = []
    var child = Dwarf_Die()
    if dwarf_child(&unitDIE, &child) == 0 { stack.append((child, 1)) }
    while let (popped, depth) = stack.popLast() {
      var die = popped
      // Queue the sibling first so that the walk stays in file order.
      var sibling = Dwarf_Die()
      if dwarf_siblingof(&die, &sibling) == 0 { stack.append((sibling, depth)) }
      let tag = dwarf_tag(&die)
      if tag == Int32(DW_TAG_subprogram) {
        addRanges(of: &die)
      }
      // Descend into everything that can hold a subprogram; inlined copies are read at lookup.
      guard depth < Self.maximumDepth, tag != Int32(DW_TAG_inlined_subroutine) else { continue }
      var first = Dwarf_Die()
      if dwarf_child(&die, &first) == 0 { stack.append((first, depth + 1)) }
    }
  }

  private mutating func addRanges(of die: inout Dwarf_Die) {
    var base: Dwarf_Addr = 0
    var start: Dwarf_Addr = 0
    var end: Dwarf_Addr = 0
    var offset: Int = 0
    let dieOffset = dwarf_dieoffset(&die)
    var count = 0
    while count < 4096 {
      offset = dwarf_ranges(&die, offset, &base, &start, &end)
      guard offset > 0 else { break }
      if end > start { functions.append(FunctionRange(low: start, high: end, dieOffset: dieOffset)) }
      count += 1
    }
  }

  private mutating func collectRows(of unitDIE: inout Dwarf_Die) {
    var lines: OpaquePointer? = nil
    var count = 0
    guard dwarf_getsrclines(&unitDIE, &lines, &count) == 0, let lines else { return }
    let directory = Self.compilationDirectory(&unitDIE)
    rows.reserveCapacity(rows.count + count)
    for index in 0..<count {
      guard let line = dwarf_onesrcline(lines, index) else { continue }
      var address: Dwarf_Addr = 0
      var number: Int32 = 0
      var column: Int32 = 0
      var endOfSequence = false
      guard dwarf_lineaddr(line, &address) == 0 else { continue }
      _ = dwarf_lineno(line, &number)
      _ = dwarf_linecol(line, &column)
      _ = dwarf_lineendsequence(line, &endOfSequence)
      let name = dwarf_linesrc(line, nil, nil).map { Self.absolute(String(cString: $0), in: directory) } ?? "??"
      rows.append(
        LineRow(
          address: address, file: fileNumber(name), line: number, column: column, isEndOfSequence: endOfSequence,
          order: Int32(truncatingIfNeeded: rows.count)))
    }
  }

  /// The unit's DW_AT_comp_dir, when it has one.
  static func compilationDirectory(_ unitDIE: inout Dwarf_Die) -> String? {
    var attribute = Dwarf_Attribute()
    guard dwarf_attr(&unitDIE, UInt32(DW_AT_comp_dir), &attribute) != nil, let text = dwarf_formstring(&attribute)
    else { return nil }
    return String(cString: text)
  }

  /// A relative file name joined to the compilation directory, as llvm-symbolizer prints it.
  static func absolute(_ name: String, in directory: String?) -> String {
    guard !name.hasPrefix("/"), let directory, !directory.isEmpty else { return name }
    return directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  private mutating func fileNumber(_ name: String) -> Int32 {
    if let number = fileNumbers[name] { return number }
    let number = Int32(files.count)
    files.append(name)
    fileNumbers[name] = number
    return number
  }

  // MARK: - Searching

  /// The innermost function range that holds `address` (ranges may nest in Swift DWARF).
  func function(at address: UInt64) -> FunctionRange? {
    var index = lastIndex(atOrBelow: address, count: functions.count) { functions[$0].low }
    // A nested range starts later, so the last start at or below wins; walk back past
    // ranges that end before the address (at most a few).
    var steps = 0
    while let current = index, steps < 64 {
      let range = functions[current]
      if address < range.high { return range }
      index = current > 0 ? current - 1 : nil
      steps += 1
    }
    return nil
  }

  /// The line row in force at `address`, or nil past the end of a sequence.
  func row(at address: UInt64) -> LineRow? {
    guard let index = lastIndex(atOrBelow: address, count: rows.count, key: { rows[$0].address }) else {
      return nil
    }
    let row = rows[index]
    return row.isEndOfSequence ? nil : row
  }

  private func lastIndex(atOrBelow value: UInt64, count: Int, key: (Int) -> UInt64) -> Int? {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      if key(middle) <= value { low = middle + 1 } else { high = middle }
    }
    return low > 0 ? low - 1 : nil
  }
}
