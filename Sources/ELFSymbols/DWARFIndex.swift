//===--- DWARFIndex.swift - Functions, inlined calls and line rows, flattened ===//
//
// Built once per file, in one walk over every unit's DIE tree, so that a lookup
// is array work only: a binary search for the function range, a scan of that
// function's inlined-call ranges, a binary search of the line rows. Strings
// (function names, file names) are interned once.
//
// elfutils 0.188 finds compilation units only through `.debug_aranges`, which
// clang and swiftc do not emit; walking every unit here works for all of them,
// and also finds subprograms that swiftc nests inside modules, types and other
// functions. Depth and sibling counts are capped against damaged input.
//
//===----------------------------------------------------------------------===//

import CLibDW
import CrashCore
import Demangling

/// One address range of a concrete subprogram.
struct FunctionRange {
  var low: UInt64
  var high: UInt64
  /// Index into `DWARFIndex.functions`.
  var function: Int32
}

/// A concrete subprogram: its name and its inlined calls.
struct FunctionInfo {
  /// Index into `DWARFIndex.strings`.
  var name: Int32
  /// DW_AT_low_pc (the entry), when the subprogram has one.
  var entry: UInt64?
  /// The function's inlined-call ranges: `inlines[inlineStart ..< inlineStart + inlineCount]`.
  var inlineStart: Int32 = 0
  var inlineCount: Int32 = 0
}

/// One address range of an inlined call inside a function.
struct InlineRange {
  var low: UInt64
  var high: UInt64
  /// 1 for a call inlined directly into the function, 2 inside that, …
  var depth: Int32
  /// Index into `DWARFIndex.strings`: the inlined function's name.
  var name: Int32
  /// Index into `DWARFIndex.strings`, or −1: the call site's file.
  var callFile: Int32
  var callLine: Int32
  var callColumn: Int32
  /// Index into `DWARFIndex.functions`.
  var function: Int32
}

/// One row of a line table.
struct LineRow {
  var address: UInt64
  /// Index into `DWARFIndex.strings`.
  var file: Int32
  var line: Int32
  var column: Int32
  var isEndOfSequence: Bool
  /// Position in the unit's table, so rows at one address keep their order when sorted.
  var order: Int32
}

/// Function ranges, inlined calls and line rows of every compilation unit, sorted by address.
struct DWARFIndex {
  /// DIE trees deeper than this are not followed (damaged or hostile input).
  static let maximumDepth = 256

  private(set) var ranges: [FunctionRange] = []
  private(set) var functions: [FunctionInfo] = []
  private(set) var inlines: [InlineRange] = []
  private(set) var rows: [LineRow] = []
  /// `rows[i].address`, kept apart so the binary search touches dense memory.
  private var rowAddresses: [UInt64] = []
  /// Every 64th row address: the first level of a two-level search that stays in cache.
  private var rowBlocks: [UInt64] = []
  /// `ranges[i].low`, likewise.
  private var rangeStarts: [UInt64] = []
  private(set) var strings: [String] = []
  private var stringNumbers: [String: Int32] = [:]
  private var originNames: [Dwarf_Off: Int32] = [:]
  /// Calls and tail calls (DWARFCallSites), resolved once every unit is walked.
  private(set) var callSites = DWARFCallSites()
  /// While walking: the call sites found, concrete functions by DIE and by name, each
  /// function's entry (by its index in `functions`), the names of called DIEs.
  private var callRecords: [DWARFCallSites.Record] = []
  private var entriesByDIE = CandidateTable<UInt64>()
  private var entriesByName = CandidateTable<Int32>()
  private var functionEntries: [UInt64] = []
  private var calleeNames: [Dwarf_Off: Int32] = [:]
  /// Function names as DWARF spells them (linkage names not demangled), numbered: call sites
  /// and concrete functions are matched on these, without demangling either; kept for the
  /// calls of other modules' functions (`externalCallee`, `entries(named:)`).
  private var rawNames: [String] = []
  private var rawNameNumbers: [String: Int32] = [:]

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
      var context = UnitContext(unitDIE: &unitDIE)
      walk(&unitDIE, &context)
      collectRows(&unitDIE, &context)
    }
    ranges.sort { ($0.low, $0.high) < ($1.low, $1.high) }
    // Group each function's inlined calls together, in walk order (outer calls first).
    var order = Array(inlines.indices)
    order.sort { (inlines[$0].function, $0) < (inlines[$1].function, $1) }
    inlines = order.map { inlines[$0] }
    var index = 0
    while index < inlines.count {
      let function = Int(inlines[index].function)
      var end = index
      while end < inlines.count && Int(inlines[end].function) == function { end += 1 }
      functions[function].inlineStart = Int32(index)
      functions[function].inlineCount = Int32(end - index)
      index = end
    }
    // Among rows at one address the last in table order wins, as in llvm-symbolizer;
    // end-of-sequence rows sort before a row at the same address that starts the next sequence.
    rows.sort {
      ($0.address, $0.isEndOfSequence ? 0 : 1, $0.order) < ($1.address, $1.isEndOfSequence ? 0 : 1, $1.order)
    }
    rowAddresses = rows.map(\.address)
    rowBlocks = stride(from: 0, to: rowAddresses.count, by: Self.blockSize).map { rowAddresses[$0] }
    rangeStarts = ranges.map(\.low)
    callSites = DWARFCallSites(records: callRecords, entriesByDIE: entriesByDIE, entriesByName: entriesByName)
    callRecords = []
    entriesByDIE = CandidateTable()
    entriesByName = CandidateTable()
    functionEntries = []
    calleeNames = [:]
  }

  // MARK: - Walking the DIE tree

  /// Per-unit caches.
  private struct UnitContext {
    var unitDIE: Dwarf_Die
    var directory: String?
    var files: OpaquePointer?
    var fileCount = 0
    var fileNumbers: [Int: Int32] = [:]
    var rowFileNumbers: [UnsafeRawPointer: Int32] = [:]

    init(unitDIE: inout Dwarf_Die) {
      self.unitDIE = unitDIE
      directory = DWARFIndex.compilationDirectory(&unitDIE)
      var files: OpaquePointer? = nil
      var count = 0
      if dwarf_getsrcfiles(&unitDIE, &files, &count) == 0 {
        self.files = files
        fileCount = count
      }
    }
  }

  /// A DIE waiting to be visited, with the function and inline depth it sits in.
  private struct Pending {
    var die: Dwarf_Die
    var depth: Int
    var function: Int32
    var inlineDepth: Int32
  }

  private mutating func walk(_ unitDIE: inout Dwarf_Die, _ context: inout UnitContext) {
    var stack: [Pending] = []
    var child = Dwarf_Die()
    if dwarf_child(&unitDIE, &child) == 0 { stack.append(Pending(die: child, depth: 1, function: -1, inlineDepth: 0)) }
    var visited = 0
    while var pending = stack.popLast(), visited < 50_000_000 {
      visited += 1
      // Queue the sibling first: it shares the parent's function and inline depth.
      var sibling = Dwarf_Die()
      if dwarf_siblingof(&pending.die, &sibling) == 0 {
        stack.append(Pending(die: sibling, depth: pending.depth, function: pending.function, inlineDepth: pending.inlineDepth))
      }
      let tag = dwarf_tag(&pending.die)
      var function = pending.function
      var inlineDepth = pending.inlineDepth
      if tag == Int32(DW_TAG_subprogram) {
        let found = addRanges(of: &pending.die) { low, high in
          ranges.append(FunctionRange(low: low, high: high, function: Int32(functions.count)))
        }
        if found {
          var entry: Dwarf_Addr = 0
          let name = functionName(&pending.die)
          functions.append(FunctionInfo(name: name, entry: dwarf_lowpc(&pending.die, &entry) == 0 ? entry : nil))
          function = Int32(functions.count - 1)
          inlineDepth = 0
          noteConcreteFunction(&pending.die, name: name)
        }
      } else if tag == Int32(DW_TAG_inlined_subroutine) && function >= 0 {
        let name = functionName(&pending.die)
        let call = callSite(&pending.die, &context)
        let depth = inlineDepth + 1
        _ = addRanges(of: &pending.die) { low, high in
          inlines.append(
            InlineRange(
              low: low, high: high, depth: depth, name: name, callFile: call.file, callLine: call.line,
              callColumn: call.column, function: function))
        }
        inlineDepth = depth
      } else if (tag == Self.callSiteTag || tag == Self.gnuCallSiteTag) && function >= 0 {
        recordCallSite(&pending.die, isGNU: tag == Self.gnuCallSiteTag, caller: functionEntries[Int(function)])
      }
      guard pending.depth < Self.maximumDepth else { continue }
      var first = Dwarf_Die()
      if dwarf_child(&pending.die, &first) == 0 {
        stack.append(Pending(die: first, depth: pending.depth + 1, function: function, inlineDepth: inlineDepth))
      }
    }
  }

  // MARK: - Call sites

  /// DW_TAG_call_site (DWARF 5) and DW_TAG_GNU_call_site, and their attributes in both forms.
  private static let callSiteTag: Int32 = 0x48
  private static let gnuCallSiteTag: Int32 = 0x4109
  private static let callReturnPC: UInt32 = 0x7D
  private static let callOrigin: UInt32 = 0x7F
  private static let callTailCall: UInt32 = 0x82
  private static let gnuTailCall: UInt32 = 0x2115
  /// Call sites kept at most (damaged or hostile input).
  static let maximumCallSites = 4_000_000

  /// Records the concrete function just appended to `functions`: its entry, under its own DIE,
  /// its abstract origin's and its specification's (what call sites name), and under its
  /// linkage name and its plain name (another unit declares a C function by the plain one).
  private mutating func noteConcreteFunction(_ die: inout Dwarf_Die, name: Int32) {
    var entry: Dwarf_Addr = 0
    guard dwarf_entrypc(&die, &entry) == 0 else {
      functionEntries.append(.max)
      return
    }
    functionEntries.append(entry)
    entriesByDIE.add(entry, for: dwarf_dieoffset(&die))
    var attribute = Dwarf_Attribute()
    var other = Dwarf_Die()
    for code in [DW_AT_abstract_origin, DW_AT_specification] {
      guard dwarf_attr(&die, UInt32(code), &attribute) != nil, dwarf_formref_die(&attribute, &other) != nil else { continue }
      entriesByDIE.add(entry, for: dwarf_dieoffset(&other))
      // An abstract C++ member's own specification: its declaration in the class.
      var declaration = Dwarf_Die()
      if dwarf_attr(&other, UInt32(DW_AT_specification), &attribute) != nil, dwarf_formref_die(&attribute, &declaration) != nil {
        entriesByDIE.add(entry, for: dwarf_dieoffset(&declaration))
      }
    }
    for code in [DW_AT_linkage_name, DW_AT_name] {
      if let raw = rawName(&die, code) { entriesByName.add(entry, for: raw) }
    }
  }

  /// The DIE's name attribute `code` (following abstract origins and specifications), numbered
  /// among the raw names; nil when it has none.
  private mutating func rawName(_ die: inout Dwarf_Die, _ code: Int) -> Int32? {
    var attribute = Dwarf_Attribute()
    guard dwarf_attr_integrate(&die, UInt32(code), &attribute) != nil, let text = dwarf_formstring(&attribute) else {
      return nil
    }
    let name = TextLimits.capped(cString: text)
    if let number = rawNameNumbers[name] { return number }
    let number = Int32(rawNames.count)
    rawNames.append(name)
    rawNameNumbers[name] = number
    return number
  }

  /// The entries of the concrete functions named `name` (a C function's plain name, or a linkage
  /// name as DWARF spells it).
  func entries(named name: String) -> [UInt64] {
    guard let number = rawNameNumbers[name] else { return [] }
    return callSites.entriesByName[number]
  }

  /// The name of the function the call returning to `returnAddress` reaches, when no concrete
  /// function here is it (it is another module's), as DWARF spells it (a C++ linkage name mangled).
  func externalCallee(returnAddress: UInt64) -> String? {
    guard let number = callSites.externalTarget(ofCallReturningTo: returnAddress), number >= 0,
      Int(number) < rawNames.count
    else { return nil }
    return rawNames[Int(number)]
  }

  /// Records a call site (DWARF 5's, or with `isGNU` GCC's DWARF 4 form) inside the concrete
  /// function entered at `caller`.
  private mutating func recordCallSite(_ die: inout Dwarf_Die, isGNU: Bool, caller: UInt64) {
    guard caller != .max, callRecords.count < Self.maximumCallSites else { return }
    var attribute = Dwarf_Attribute()
    var returnAddress: Dwarf_Addr = 0
    var origin = Dwarf_Die()
    guard dwarf_attr(&die, isGNU ? UInt32(DW_AT_low_pc) : Self.callReturnPC, &attribute) != nil,
      dwarf_formaddr(&attribute, &returnAddress) == 0,
      dwarf_attr(&die, isGNU ? UInt32(DW_AT_abstract_origin) : Self.callOrigin, &attribute) != nil,
      dwarf_formref_die(&attribute, &origin) != nil
    else { return }
    let offset = dwarf_dieoffset(&origin)
    let name: Int32
    if let known = calleeNames[offset] {
      name = known
    } else {
      name = rawName(&origin, DW_AT_linkage_name) ?? rawName(&origin, DW_AT_name) ?? -1
      calleeNames[offset] = name
    }
    var isTail = false
    if dwarf_attr(&die, isGNU ? Self.gnuTailCall : Self.callTailCall, &attribute) != nil {
      _ = dwarf_formflag(&attribute, &isTail)
    }
    callRecords.append(
      DWARFCallSites.Record(returnAddress: returnAddress, origin: offset, originName: name, isTail: isTail, caller: caller))
  }

  /// Calls `add` for each non-empty range of the DIE; whether there was one.
  private func addRanges(of die: inout Dwarf_Die, _ add: (UInt64, UInt64) -> Void) -> Bool {
    var base: Dwarf_Addr = 0
    var start: Dwarf_Addr = 0
    var end: Dwarf_Addr = 0
    var offset = 0
    var found = false
    for _ in 0..<4096 {
      offset = dwarf_ranges(&die, offset, &base, &start, &end)
      guard offset > 0 else { break }
      if end > start {
        add(start, end)
        found = true
      }
    }
    return found
  }

  /// The linkage name, else the name, following abstract origins and specifications; interned.
  private mutating func functionName(_ die: inout Dwarf_Die) -> Int32 {
    var attribute = Dwarf_Attribute()
    var origin = Dwarf_Die()
    var key: Dwarf_Off?
    if dwarf_attr(&die, UInt32(DW_AT_abstract_origin), &attribute) != nil,
      dwarf_formref_die(&attribute, &origin) != nil
    {
      key = dwarf_dieoffset(&origin)
      if let key, let known = originNames[key] { return known }
    }
    var name = "??"
    for code in [DW_AT_linkage_name, DW_AT_MIPS_linkage_name, DW_AT_name] {
      if dwarf_attr_integrate(&die, UInt32(code), &attribute) != nil, let text = dwarf_formstring(&attribute) {
        name = SymbolDemangler.readable(TextLimits.capped(cString: text))
        break
      }
    }
    let number = intern(name)
    if let key { originNames[key] = number }
    return number
  }

  private mutating func callSite(_ die: inout Dwarf_Die, _ context: inout UnitContext) -> (
    file: Int32, line: Int32, column: Int32
  ) {
    var attribute = Dwarf_Attribute()
    var value: Dwarf_Word = 0
    var result: (file: Int32, line: Int32, column: Int32) = (-1, 0, 0)
    if dwarf_attr(&die, UInt32(DW_AT_call_line), &attribute) != nil, dwarf_formudata(&attribute, &value) == 0 {
      result.line = Int32(truncatingIfNeeded: value)
    }
    if dwarf_attr(&die, UInt32(DW_AT_call_column), &attribute) != nil, dwarf_formudata(&attribute, &value) == 0 {
      result.column = Int32(truncatingIfNeeded: value)
    }
    if dwarf_attr(&die, UInt32(DW_AT_call_file), &attribute) != nil, dwarf_formudata(&attribute, &value) == 0,
      value < UInt64(context.fileCount)
    {
      let index = Int(value)
      if let known = context.fileNumbers[index] {
        result.file = known
      } else if let files = context.files, let name = dwarf_filesrc(files, index, nil, nil) {
        let number = intern(Self.absolute(TextLimits.capped(cString: name), in: context.directory))
        context.fileNumbers[index] = number
        result.file = number
      }
    }
    return result
  }

  private mutating func collectRows(_ unitDIE: inout Dwarf_Die, _ context: inout UnitContext) {
    var lines: OpaquePointer? = nil
    var count = 0
    guard dwarf_getsrclines(&unitDIE, &lines, &count) == 0, let lines else { return }
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
      // The file name pointer is shared by the rows of one file: intern once per pointer.
      var file: Int32 = -1
      if let name = dwarf_linesrc(line, nil, nil) {
        let key = UnsafeRawPointer(name)
        if let known = context.rowFileNumbers[key] {
          file = known
        } else {
          file = intern(Self.absolute(TextLimits.capped(cString: name), in: context.directory))
          context.rowFileNumbers[key] = file
        }
      }
      rows.append(
        LineRow(
          address: address, file: file, line: number, column: column, isEndOfSequence: endOfSequence,
          order: Int32(truncatingIfNeeded: rows.count)))
    }
  }

  private mutating func intern(_ text: String) -> Int32 {
    if let number = stringNumbers[text] { return number }
    let number = Int32(strings.count)
    strings.append(text)
    stringNumbers[text] = number
    return number
  }

  /// The unit's DW_AT_comp_dir, when it has one.
  static func compilationDirectory(_ unitDIE: inout Dwarf_Die) -> String? {
    var attribute = Dwarf_Attribute()
    guard dwarf_attr(&unitDIE, UInt32(DW_AT_comp_dir), &attribute) != nil, let text = dwarf_formstring(&attribute)
    else { return nil }
    return TextLimits.capped(cString: text)
  }

  /// A relative file name joined to the compilation directory, as llvm-symbolizer prints it.
  static func absolute(_ name: String, in directory: String?) -> String {
    guard !name.hasPrefix("/"), let directory, !directory.isEmpty else { return name }
    return directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  // MARK: - Searching

  /// The innermost function range that holds `address` (ranges may nest in Swift DWARF).
  func function(at address: UInt64) -> FunctionRange? {
    var index = Self.lastIndex(atOrBelow: address, in: rangeStarts)
    var steps = 0
    while let current = index, steps < 64 {
      let range = ranges[current]
      if address < range.high { return range }
      index = current > 0 ? current - 1 : nil
      steps += 1
    }
    return nil
  }

  /// The inlined calls of `function` that hold `address`, outermost first.
  func inlinedCalls(in function: Int32, at address: UInt64) -> [InlineRange] {
    let info = functions[Int(function)]
    guard info.inlineCount > 0 else { return [] }
    var found: [InlineRange] = []
    for index in Int(info.inlineStart)..<Int(info.inlineStart + info.inlineCount) {
      let range = inlines[index]
      if address >= range.low && address < range.high { found.append(range) }
    }
    // One call per depth, depths 1, 2, 3… without gaps.
    found.sort { $0.depth < $1.depth }
    var chain: [InlineRange] = []
    for range in found where range.depth == Int32(chain.count + 1) { chain.append(range) }
    return chain
  }

  /// The line row in force at `address`, or nil past the end of a sequence.
  func row(at address: UInt64) -> LineRow? {
    guard let block = Self.lastIndex(atOrBelow: address, in: rowBlocks) else { return nil }
    let index = rowAddresses.withUnsafeBufferPointer { buffer in
      var low = block * Self.blockSize
      var high = min(low + Self.blockSize, buffer.count)
      while low < high {
        let middle = (low + high) >> 1
        if buffer[middle] <= address { low = middle + 1 } else { high = middle }
      }
      return low - 1
    }
    let row = rows[index]
    return row.isEndOfSequence ? nil : row
  }

  private static let blockSize = 64

  /// Breakpad line records for `[low, high)`: (start, size, line, file) for each address a
  /// row starts at (the last row at an address wins), running to the next row or `high`;
  /// rows without a line number are left out.
  func lineRecords(from low: UInt64, to high: UInt64) -> [(UInt64, UInt64, Int32, Int32)] {
    guard var index = Self.lastIndex(atOrBelow: low, in: rowAddresses) ?? (rowAddresses.isEmpty ? nil : 0) else {
      return []
    }
    if rowAddresses[index] < low { index += 1 }
    var records: [(UInt64, UInt64, Int32, Int32)] = []
    while index < rows.count, rows[index].address < high {
      var last = index
      while last + 1 < rows.count, rows[last + 1].address == rows[index].address { last += 1 }
      let row = rows[last]
      let next = last + 1 < rows.count ? min(rows[last + 1].address, high) : high
      if !row.isEndOfSequence, row.line > 0, next > row.address {
        records.append((row.address, next - row.address, row.line, row.file))
      }
      index = last + 1
    }
    return records
  }

  /// The index of the last element ≤ `value` in a sorted array.
  private static func lastIndex(atOrBelow value: UInt64, in sorted: [UInt64]) -> Int? {
    sorted.withUnsafeBufferPointer { buffer in
      SortedSearch.lastIndex(atOrBelow: value, count: buffer.count) { buffer[$0] }
    }
  }
}
