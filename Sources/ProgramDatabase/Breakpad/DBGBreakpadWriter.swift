//===--- DBGBreakpadWriter.swift - A Breakpad .sym from an NT 4 .dbg ----------===//
//
// What a separate debug file says, in Breakpad's symbol format:
//   MODULE windows <cpu> <time stamp><image size> <name.dbg>    (symstore's id for a .dbg)
//   INFO CODE_ID <time stamp><image size> [<image name from the misc record>]
//   FILE <n> <path>            files in the order the functions' lines first name them
//   FUNC <rva> <size> <parameters> <name>   CodeView procedures (NB09/NB11), then lines
//   PUBLIC <rva> <parameters> <name>   CodeView publics, then COFF function symbols, where
//                              no FUNC covers the address; names undecorated
//   PUBLIC <end> 0 <unknown in IMAGE>   at the end of the last FUNC, as dump_syms marks it
//   STACK WIN 0 …              the FPO records
// Parameter sizes come from a `@N` stdcall suffix of the public at the same address.
// A CodeView entry that only points at a PDB (NB10, RSDS) adds nothing here: the dumper
// reads that PDB with this file's sections and FPO records instead (SymbolFileDumper).
//
//===----------------------------------------------------------------------===//

import ByteReading

/// Writes Breakpad symbol files for NT 4 `.dbg` files.
public enum DBGBreakpadWriter {
  /// The Breakpad text for `file` (read from `reader`), named `name`.
  public static func symbolFile(
    for file: SeparateDebugFile, reader: ByteReader, name: String, undecorate: (String) -> String
  ) throws(PDBError) -> String {
    do throws(ReadError) {
      return try write(file, reader: reader, name: name, undecorate: undecorate)
    } catch {
      throw .read(error)
    }
  }

  private struct Function: AddressRange {
    var rva: UInt32
    var size: UInt32
    var name: String
    var lines: [(rva: UInt32, line: UInt32, file: String)] = []
  }

  private static func write(
    _ file: SeparateDebugFile, reader: ByteReader, name: String, undecorate: (String) -> String
  ) throws(ReadError) -> String {
    var output = "MODULE windows \(file.cpuName) \(file.identifier) \(name)\n"
    output += "INFO CODE_ID \(file.identifier)\(file.imageName(reader).map { " " + $0 } ?? "")\n"

    var functions: [Function] = []
    var publics: [(rva: UInt32, name: String)] = []
    var blocks: [SourceModuleLines.Block] = []
    var segmentMap: [(section: UInt16, offset: UInt32)]?
    if let codeView = file.data(ofType: 2), codeView.size >= 8,
      let magic = try? reader.slice(at: codeView.offset, length: 4, "the CodeView signature"),
      ["NB09", "NB11"].contains(String(decoding: magic, as: UTF8.self))
    {
      let subsections = try CodeViewSubsections(reader, at: codeView.offset, size: codeView.size)
      segmentMap = try subsections.segmentMap()
      for procedure in try subsections.procedures() {
        guard
          let rva = file.sections.rva(
            segment: procedure.section, offset: procedure.offset, map: segmentMap)
        else {
          continue
        }
        let shown = procedure.name.hasPrefix("?") ? undecorate(procedure.name) : procedure.name
        functions.append(Function(rva: rva, size: procedure.codeSize, name: shown))
      }
      for symbol in try subsections.publics() {
        guard
          let rva = file.sections.rva(
            segment: symbol.section, offset: symbol.offset, map: segmentMap)
        else { continue }
        publics.append((rva, symbol.name))
      }
      blocks = try subsections.lines()
    }
    if let coff = file.data(ofType: 1) {
      for symbol in try COFFSymbolTable.functions(
        in: reader, at: coff.offset, size: coff.size, sections: file.sections)
      {
        guard let rva = file.sections.rva(section: symbol.section, offset: symbol.offset) else {
          continue
        }
        publics.append((rva, symbol.name))
      }
    }

    // Functions by address, one per start; lines to the function holding them.
    functions.sort { $0.rva < $1.rva }
    var starts = Set<UInt32>()
    functions = functions.filter { starts.insert($0.rva).inserted }
    for block in blocks {
      for (offset, line) in block.lines {
        guard let rva = file.sections.rva(segment: block.segment, offset: offset, map: segmentMap),
          let owner = functions.index(containing: rva, emptyHoldsStart: true)
        else { continue }
        functions[owner].lines.append((rva, line, block.file))
      }
    }

    var publicNames: [UInt32: String] = [:]
    var publicOrder: [UInt32] = []
    for (rva, name) in publics where publicNames[rva] == nil {
      publicNames[rva] = name
      publicOrder.append(rva)
    }

    var fileNumbers: [String: Int] = [:]
    var fileOrder: [String] = []
    var body = ""
    var records: [(rva: UInt32, text: String)] = []
    var lastEnd: UInt32 = 0
    for function in functions {
      lastEnd = max(lastEnd, function.rva &+ function.size)
      let parameters =
        publicNames[function.rva].map { PDBBreakpadWriter.parameterSize(of: $0) } ?? 0
      var text =
        "FUNC \(hex(function.rva)) \(hex(function.size)) \(hex(parameters)) \(function.name)\n"
      let lines = function.lines.sorted { $0.rva < $1.rva }
      let end = function.rva &+ function.size
      var seen = Set<UInt32>()
      let distinct = lines.filter { seen.insert($0.rva).inserted }
      for (index, line) in distinct.enumerated() {
        let next = index + 1 < distinct.count ? distinct[index + 1].rva : end
        guard next > line.rva else { continue }
        let number: Int
        if let known = fileNumbers[line.file] {
          number = known
        } else {
          number = fileOrder.count
          fileNumbers[line.file] = number
          fileOrder.append(line.file)
        }
        text += "\(hex(line.rva)) \(hex(next - line.rva)) \(line.line) \(number)\n"
      }
      records.append((function.rva, text))
    }
    for rva in publicOrder
    where !starts.contains(rva) && functions.index(containing: rva, emptyHoldsStart: true) == nil {
      guard let name = publicNames[rva] else { continue }
      records.append(
        (
          rva,
          "PUBLIC \(hex(rva)) \(hex(PDBBreakpadWriter.parameterSize(of: name))) \(undecorate(name))\n"
        ))
    }
    // As dump_syms does: a marker at the end of the last function, so lookups past it find none.
    if lastEnd > 0, !starts.contains(lastEnd), publicNames[lastEnd] == nil {
      records.append((lastEnd, "PUBLIC \(hex(lastEnd)) 0 <unknown in \(file.imageName(reader) ?? name)>\n"))
    }
    records.sort { $0.rva < $1.rva }
    for (number, path) in fileOrder.enumerated() { output += "FILE \(number) \(path)\n" }
    for record in records { body += record.text }
    output += body

    if let fpo = file.data(ofType: 3) {
      let frames = try FrameRecord.fpoData(
        ByteReader(try reader.slice(at: fpo.offset, length: fpo.size, "the FPO data")))
      for frame in frames.sorted(by: { $0.rva < $1.rva }) { output += frame.breakpadLine }
    }
    return output
  }

  private static func hex(_ value: UInt32) -> String { String(value, radix: 16) }
}
