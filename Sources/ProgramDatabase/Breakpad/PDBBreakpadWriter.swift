//===--- PDBBreakpadWriter.swift - A Breakpad .sym from a PDB 7.0 -------------===//
//
// What a PDB says about an image, in Breakpad's symbol format, laid out as
// Mozilla's dump_syms writes it for the same input:
//   MODULE windows <cpu> <debug id> <pdb name>
//   INFO CODE_ID <timestamp><SizeOfImage> <image name>   (when the image is at hand)
//   FILE <n> <path>             files in the order lines first name them
//   FUNC <rva> <size> 0 <name(arguments)>   one per procedure, then its lines:
//   <rva> <size> <line> <file>
//   PUBLIC <rva> 0 <name>       code publics no FUNC starts at, names undecorated;
//                               and one at the end of the last FUNC, so lookups
//                               past it find no function
//   STACK WIN 4 …  / STACK WIN 0 …   frame data and FPO records, by address
// With `inlines`, also INLINE_ORIGIN <n> <name(arguments)> and, after each FUNC line,
// INLINE <depth> <call line> <call file> <origin> <rva> <size>… from the S_INLINESITE
// records, and the FUNC's line rows in inlined code are the inlined function's own.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// Writes Breakpad symbol files for PDB 7.0 files.
public enum PDBBreakpadWriter {
  /// The Breakpad text for `pdb`, named `pdbName`; `image` (with its file name) adds the
  /// code id and names the end-of-code marker; `frames` stand in for frame records the PDB
  /// lacks (a PDB 2.00 whose FPO records are in its .dbg).
  public static func symbolFile(
    for pdb: ProgramDatabase, pdbName: String, image: (codeIdentifier: String, name: String)?,
    inlines: Bool = false, frames extraFrames: [FrameRecord] = [], undecorate: (String) -> String
  ) throws(PDBError) -> String {
    var text = ""
    try write(
      for: pdb, pdbName: pdbName, image: image, inlines: inlines, frames: extraFrames, undecorate: undecorate
    ) { text += $0 }
    return text
  }

  /// The same text, handed to `sink` in pieces of about a megabyte as it is made (a large
  /// PDB's `.sym` is never held whole).
  public static func write(
    for pdb: ProgramDatabase, pdbName: String, image: (codeIdentifier: String, name: String)?,
    inlines: Bool = false, frames extraFrames: [FrameRecord] = [], undecorate: (String) -> String,
    to sink: (String) -> Void
  ) throws(PDBError) {
    var output = "MODULE windows \(pdb.cpuName) \(pdb.debugIdentifier) \(pdbName)\n"
    if let image { output += "INFO CODE_ID \(image.codeIdentifier) \(image.name)\n" }

    let names = pdb.typeNames()
    // Each function's text goes out of memory as soon as its module is read.
    let spool = FunctionSpool()
    // Files are numbered module by module.
    var fileNumbers: [String: Int] = [:]
    var fileOrder: [String] = []
    let origins = InlineOriginTable()
    for module in pdb.dbi.modules {
      guard let symbols = try pdb.moduleSymbols(module) else { continue }
      let (procedures, tables) = (symbols.procedures, symbols.lines)
      var moduleFunctions: [Function] = []
      // A function the image's rearranging split (OMAP) is written as one FUNC per piece, as
      // Breakpad's dump_syms writes it; a piece that starts inside a line row gets that row's
      // line at its start (`pieceStarts`, filled from the rows in original addresses).
      var pieceStarts: [(original: UInt32, rva: UInt32, procedureStart: UInt32)] = []
      var originalRows: [(original: UInt32, line: UInt32, file: Int)] = []
      for procedure in procedures {
        let pieces = pdb.imagePieces(section: procedure.section, offset: procedure.offset, size: procedure.codeSize)
        guard let first = pieces.first else { continue }
        // PDB 2.00 procedures may carry decorated names.
        let spelled = pdb.isVersion2 && procedure.name.hasPrefix("?") ? undecorate(procedure.name) : procedure.name
        let name = names.functionName(
          anonymousNamespaceSpelled(spelled), typeIndex: procedure.typeIndex, isID: procedure.typeIsID)
        let order = moduleFunctions.count
        for (position, piece) in pieces.enumerated() {
          moduleFunctions.append(
            Function(
              rva: piece.rva, size: piece.size, name: name, lines: [], order: order,
              recordOffset: procedure.recordOffset, parameterRVA: first.rva))
          if position > 0 { pieceStarts.append((piece.original, piece.rva, first.original)) }
        }
      }
      moduleFunctions.sort { $0.rva < $1.rva }
      // Lines first hold the file's checksum offset, replaced by the file's number below.
      for block in tables.blocks {
        // 0xF00F00 and 0xFEEFEE mark compiler-made code with no source line: the line
        // before runs on over it. Each row is placed on its own (with OMAP rows move apart).
        for line in block.lines where line.line != 0xF0_0F00 && line.line != 0xFE_EFEE {
          if !pieceStarts.isEmpty, let original = pdb.originalRVA(section: block.section, offset: block.offset &+ line.offset) {
            originalRows.append((original, line.line, Int(block.fileChecksumOffset)))
          }
          guard let rva = pdb.imageRVA(section: block.section, offset: block.offset &+ line.offset),
            let owner = moduleFunctions.index(containing: rva) else { continue }
          moduleFunctions[owner].lines.append(Line(rva: rva, size: 0, line: line.line, file: Int(block.fileChecksumOffset)))
        }
      }
      if !pieceStarts.isEmpty {
        originalRows.sort { $0.original < $1.original }
        for piece in pieceStarts {
          // The row in force at the piece's original start, if it belongs to the same procedure.
          var low = 0
          var high = originalRows.count
          while low < high {
            let middle = (low + high) / 2
            if originalRows[middle].original <= piece.original { low = middle + 1 } else { high = middle }
          }
          guard low > 0, originalRows[low - 1].original >= piece.procedureStart,
            let owner = moduleFunctions.index(containing: piece.rva),
            !moduleFunctions[owner].lines.contains(where: { $0.rva == piece.rva })
          else { continue }
          let row = originalRows[low - 1]
          moduleFunctions[owner].lines.append(Line(rva: piece.rva, size: 0, line: row.line, file: row.file))
        }
      }
      for index in moduleFunctions.indices { moduleFunctions[index].settleLines() }
      if inlines && !symbols.inlineSites.isEmpty {
        Self.placeInlineSites(
          symbols, in: &moduleFunctions, pdb: pdb, names: names, origins: origins)
      }
      // The module's files are numbered as its procedures, in symbol order, first name them.
      var numbers: [UInt32: Int] = [:]
      for index in moduleFunctions.indices.sorted(by: { moduleFunctions[$0].order < moduleFunctions[$1].order }) {
        for checksum in moduleFunctions[index].lines.map({ UInt32($0.file) })
          + moduleFunctions[index].inlines.map({ UInt32($0.callFile) })
        {
          guard numbers[checksum] == nil else { continue }
          let fileName = tables.fileName(checksum, strings: pdb.strings) ?? "<unknown>"
          if let known = fileNumbers[fileName] {
            numbers[checksum] = known
          } else {
            numbers[checksum] = fileOrder.count
            fileNumbers[fileName] = fileOrder.count
            fileOrder.append(fileName)
          }
        }
      }
      // Each function's text after `FUNC <rva> <size> <parameters> ` (the parameter size
      // comes from the publics, read at the end): its name, INLINE records, line rows.
      for function in moduleFunctions {
        var text = function.name + "\n"
        for site in function.inlines.sorted(by: { ($0.depth, $0.ranges.first?.0 ?? 0) < ($1.depth, $1.ranges.first?.0 ?? 0) }) {
          text += "INLINE \(site.depth) \(site.callLine) \(numbers[UInt32(site.callFile)] ?? 0) \(site.origin)"
          for (start, end) in site.ranges { text += " \(hex(start)) \(hex(end - start))" }
          text += "\n"
        }
        for line in function.lines {
          text += "\(hex(line.rva)) \(hex(line.size)) \(line.line) \(numbers[UInt32(line.file)] ?? 0)\n"
        }
        spool.append(rva: function.rva, size: function.size, parameterRVA: function.parameterRVA, text: text)
      }
    }
    spool.sortByAddress()
    let functions = spool.entries

    // Code publics; several at one address: the first in the stream, marked `m`.
    var publicsByAddress: [UInt32: (name: String, count: Int)] = [:]
    var publicOrder: [UInt32] = []
    for symbol in try pdb.publicSymbols() where symbol.isFunction || pdb.sections.isCode(section: symbol.section) {
      guard let rva = pdb.imageRVA(section: symbol.section, offset: symbol.offset) else { continue }
      if let known = publicsByAddress[rva] {
        publicsByAddress[rva] = (known.name, known.count + 1)
      } else {
        publicsByAddress[rva] = (symbol.name, 1)
        publicOrder.append(rva)
      }
    }

    // Function starts and the end of code first; then the text, written once in address
    // order (functions and publics merged), never held twice.
    var functionStarts = Set<UInt32>()
    var lastEnd: UInt32 = 0
    var distinct: [Int] = []
    for (index, function) in functions.enumerated() where functionStarts.insert(function.rva).inserted {
      distinct.append(index)
      lastEnd = max(lastEnd, function.rva &+ function.size)
    }
    var publicRecords: [(rva: UInt32, text: String)] = []
    var publicStarts = Set<UInt32>()
    // Publics inside a function's range are its labels (`_NLG_Return`), not functions.
    for rva in publicOrder where functions.index(containing: rva) == nil && !functionStarts.contains(rva) {
      guard let (name, count) = publicsByAddress[rva] else { continue }
      publicStarts.insert(rva)
      let parameters = hex(parameterSize(of: name))
      publicRecords.append((rva, "PUBLIC \(count > 1 ? "m " : "")\(hex(rva)) \(parameters) \(undecorate(name))\n"))
    }
    if lastEnd > 0, !publicStarts.contains(lastEnd), !functionStarts.contains(lastEnd) {
      publicRecords.append((lastEnd, "PUBLIC \(hex(lastEnd)) 0 <unknown in \(image?.name ?? pdbName)>\n"))
    }
    publicRecords.sort { $0.rva < $1.rva }
    for (number, file) in fileOrder.enumerated() { output += "FILE \(number) \(file)\n" }
    origins.forEachPiece { lines in
      output += lines
      if output.utf8.count >= 1 << 20 {
        sink(output)
        output = ""
      }
    }
    var nextPublic = 0
    var buffer: [UInt8] = []
    for index in distinct {
      let function = functions[index]
      while nextPublic < publicRecords.count, publicRecords[nextPublic].rva < function.rva {
        output += publicRecords[nextPublic].text
        nextPublic += 1
      }
      let parameters = publicsByAddress[function.parameterRVA].map { parameterSize(of: $0.name) } ?? 0
      output += "FUNC \(hex(function.rva)) \(hex(function.size)) \(hex(parameters)) "
      output += spool.text(of: function, buffer: &buffer)
      if output.utf8.count >= 1 << 20 {
        sink(output)
        output = ""
      }
    }
    for record in publicRecords[nextPublic...] { output += record.text }

    let own = try pdb.frameRecords()
    let frames = own.isEmpty ? extraFrames : own
    let frameDataStarts = Set(frames.lazy.filter { $0.type == 4 }.map(\.rva))
    let kept = frames.filter { $0.type == 4 || !frameDataStarts.contains($0.rva) }
    for frame in kept.sorted(by: { ($0.rva, $0.type) < ($1.rva, $1.type) }) { output += frame.breakpadLine }
    sink(output)
  }

  /// The most row rewrites inline overlays may cost one function (tens of milliseconds).
  static let overlayBudget = 20_000_000

  private struct InlineRecord {
    var depth: Int
    var callLine: UInt32
    var callFile: Int
    var origin: Int
    var ranges: [(UInt32, UInt32)]
  }

  /// Turns a module's inline sites into INLINE records on their functions, and lays the
  /// inlined functions' rows over the callers' lines (shallower sites first).
  private static func placeInlineSites(
    _ symbols: ModuleSymbols, in functions: inout [Function], pdb: ProgramDatabase, names: TypeNameFormatter,
    origins: InlineOriginTable
  ) {
    var sitesByOffset: [UInt64: InlineSite] = [:]
    for site in symbols.inlineSites { sitesByOffset[site.recordOffset] = site }
    var functionByRecord: [UInt64: Int] = [:]
    // A split function's inline sites go with its first piece.
    for (index, function) in functions.enumerated() where function.rva == function.parameterRVA {
      functionByRecord[function.recordOffset] = index
    }
    // (function, depth, site, rows as absolute (start, end, line, file)), by depth.
    var placed: [(function: Int, depth: Int, site: InlineSite, ranges: [(UInt32, UInt32)], rows: [(UInt32, UInt32, UInt32, UInt32)])] = []
    var rowsBySite: [UInt64: [(UInt32, UInt32, UInt32, UInt32)]] = [:]
    for site in symbols.inlineSites {
      var depth = 0
      var parent = UInt64(site.parent)
      while let enclosing = sitesByOffset[parent], depth < 64 {
        depth += 1
        parent = UInt64(enclosing.parent)
      }
      guard let owner = functionByRecord[parent] else { continue }
      let base = functions[owner].rva
      let start = symbols.inlineeLines.starts[site.inlinee] ?? (file: 0, line: 0)
      let (ranges, rows) = site.decode(startLine: start.line, startFile: start.file)
      let absolute = ranges.map { (base &+ $0.start, base &+ $0.end) }.filter { $0.1 > $0.0 }
      guard !absolute.isEmpty else { continue }
      // Each row runs to the next row or to the end of the range holding it.
      var spans: [(UInt32, UInt32, UInt32, UInt32)] = []
      for (position, row) in rows.enumerated() {
        let rowStart = base &+ row.offset
        guard let range = absolute.first(where: { $0.0 <= rowStart && rowStart < $0.1 }) else { continue }
        let next = position + 1 < rows.count ? base &+ rows[position + 1].offset : range.1
        let end = min(range.1, next > rowStart ? next : range.1)
        spans.append((rowStart, end, row.line, row.file))
      }
      rowsBySite[site.recordOffset] = spans
      placed.append((owner, depth, site, absolute, spans))
    }
    placed.sort { $0.depth < $1.depth }
    for entry in placed {
      let name = pdb.inlineeName(entry.site.inlinee, names: names) ?? "<inlinee 0x\(String(entry.site.inlinee, radix: 16))>"
      let origin = origins.number(for: name)
      // The call site: the enclosing level's row at the site's first address.
      let first = entry.ranges[0].0
      var callLine: UInt32 = 0
      var callFile = 0
      if entry.depth == 0 {
        if let line = functions[entry.function].lines.last(where: { $0.rva <= first }) {
          (callLine, callFile) = (line.line, line.file)
        }
      } else if let parentRows = rowsBySite[UInt64(entry.site.parent)],
        let row = parentRows.last(where: { $0.0 <= first })
      {
        (callLine, callFile) = (row.2, Int(row.3))
      }
      functions[entry.function].inlines.append(
        InlineRecord(depth: entry.depth, callLine: callLine, callFile: callFile, origin: origin, ranges: entry.ranges))
      // Each overlay rewrites the function's rows: a budget keeps a hostile PDB (a function
      // with huge line tables and thousands of inline rows) from taking quadratic time; past it
      // the caller's rows stay and the INLINE records still say what was inlined.
      for (start, end, line, file) in entry.rows {
        guard functions[entry.function].overlayWork + functions[entry.function].lines.count <= Self.overlayBudget
        else { break }
        functions[entry.function].overlayWork += functions[entry.function].lines.count
        functions[entry.function].overlay(Line(rva: start, size: end - start, line: line, file: Int(file)))
      }
    }
  }

  private struct Line {
    var rva: UInt32
    var size: UInt32
    var line: UInt32
    var file: Int
  }

  private struct Function: AddressRange {
    var rva: UInt32
    var size: UInt32
    var name: String
    var lines: [Line]
    /// The procedure's position in its module's symbols.
    var order: Int
    /// The procedure record's offset in its module stream.
    var recordOffset: UInt64 = 0
    /// Where the public that states the parameter size is: the function's first piece.
    var parameterRVA: UInt32 = 0
    /// Inlined calls: depth, call line, call file (checksum offset, then number), origin, ranges.
    var inlines: [InlineRecord] = []
    /// Rows rewritten so far by inline overlays (bounded by `overlayBudget`).
    var overlayWork = 0

    /// Orders the lines by address and sizes each up to the next (the last up to the
    /// function's end); a line left with no bytes (two at one address) is dropped, and a
    /// line continuing the one before it (same line, same file) joins it.
    /// Puts `line` over whatever rows it covers, cutting them.
    mutating func overlay(_ line: Line) {
      let end = line.rva &+ line.size
      var result: [Line] = []
      result.reserveCapacity(lines.count + 2)
      for existing in lines {
        let existingEnd = existing.rva &+ existing.size
        if existingEnd <= line.rva || existing.rva >= end {
          result.append(existing)
          continue
        }
        if existing.rva < line.rva {
          result.append(Line(rva: existing.rva, size: line.rva - existing.rva, line: existing.line, file: existing.file))
        }
        if existingEnd > end {
          result.append(Line(rva: end, size: existingEnd - end, line: existing.line, file: existing.file))
        }
      }
      result.append(line)
      result.sort { $0.rva < $1.rva }
      lines = result
    }

    mutating func settleLines() {
      let sorted = lines.enumerated().sorted { ($0.element.rva, $0.offset) < ($1.element.rva, $1.offset) }.map(\.element)
      let end = rva &+ size
      var settled: [Line] = []
      settled.reserveCapacity(sorted.count)
      for (position, line) in sorted.enumerated() {
        let next = position + 1 < sorted.count ? sorted[position + 1].rva : end
        guard next > line.rva else { continue }
        if var last = settled.last, last.line == line.line, last.file == line.file, last.rva &+ last.size == line.rva {
          last.size = next - last.rva
          settled[settled.count - 1] = last
        } else {
          settled.append(Line(rva: line.rva, size: next - line.rva, line: line.line, file: line.file))
        }
      }
      lines = settled
    }
  }

  /// Bytes of stack arguments a C name's decoration states: `_name@12` (stdcall) and
  /// `@name@8` (fastcall) give 12 and 8; other names give 0.
  static func parameterSize(of decorated: String) -> UInt32 {
    guard let first = decorated.utf8.first, first == UInt8(ascii: "_") || first == UInt8(ascii: "@"),
      let at = decorated.utf8.lastIndex(of: UInt8(ascii: "@")), at != decorated.utf8.startIndex
    else { return 0 }
    let digits = decorated.utf8[decorated.utf8.index(after: at)...]
    guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return 0 }
    return UInt32(String(decoding: digits, as: UTF8.self)) ?? 0
  }

  /// Procedure names as Mozilla's dump_syms writes them: MSVC's `` `anonymous namespace' ``
  /// becomes `(anonymous namespace)`.
  static func anonymousNamespaceSpelled(_ name: String) -> String {
    name.contains("`anonymous namespace'")
      ? name.replacing("`anonymous namespace'", with: "(anonymous namespace)") : name
  }

  private static func hex(_ value: UInt32) -> String { String(value, radix: 16) }
}

extension String {
  /// The string without leading and trailing spaces, tabs and line breaks.
  var trimmingWhitespace: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
    return String(self[first...last])
  }
}

extension FunctionSpool.Entry: AddressRange {}
