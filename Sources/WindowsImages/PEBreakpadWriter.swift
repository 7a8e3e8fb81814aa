//===--- PEBreakpadWriter.swift - A Breakpad .sym from a PE image alone ------===//
//
// What an image without its PDB can say, in Breakpad's symbol format, laid
// out as Mozilla's dump_syms writes it for the same input:
//   MODULE windows <cpu> <debug id> <pdb name>     (from the CodeView record)
//   INFO CODE_ID <timestamp><SizeOfImage> <image name>
//   FUNC <rva> <size> 0 <name>    one per .pdata function; named by the export at its start,
//                                 else `<unknown in IMAGE>`
//   PUBLIC <rva> 0 <name>         exports no FUNC starts at; and one at the end of the last
//                                 FUNC, so lookups past it find no function
//   STACK CFI INIT <rva> <size> .cfa: $rsp 8 + .ra: .cfa 8 - ^
//   STACK CFI <rva> .cfa: $rsp <8 + prolog allocation> +
// For ARM64 images, STACK CFI from the unwind data, one row per prolog
// instruction that changes the frame, in the register names Breakpad's dump_syms
// writes for aarch64:
//   STACK CFI INIT <rva> <size> .cfa: sp 0 + .ra: x30
//   STACK CFI <rva + 4n> .cfa: sp <bytes> + .ra: .cfa -<n> + ^ x19: .cfa -<n> + ^ …
//   (`.cfa: x29 <bytes> +` once the prolog has set x29)
// FUNC and PUBLIC lines in address order, then the STACK CFI records. An x64 image with
// its PDB gets the same STACK CFI records after the PDB's (SymbolFileDumper), as dump_syms
// writes them: the PDB holds no x64 unwind data.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// Writes Breakpad symbol files for PE images.
public enum PEBreakpadWriter {
  /// The Breakpad text for `image`, read from the file named `fileName`.
  public static func symbolFile(for image: PEImage, fileName: String) throws(ReadError) -> String {
    let imageName = fileName.split(separator: "/").last.map(String.init) ?? fileName
    let codeView = image.codeView()
    let pdbPath = codeView?.pdb ?? imageName
    let pdbName = pdbPath.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init) ?? pdbPath
    var lines = ["MODULE windows \(image.cpuName) \(codeView?.identifier ?? "000000000000000000000000000000000") \(pdbName)"]
    lines.append("INFO CODE_ID \(image.codeIdentifier) \(imageName)")

    let functions = try image.runtimeFunctions()
    let exports = try image.exports()
    var namesByStart: [UInt32: String] = [:]
    for export in exports where namesByStart[export.rva] == nil { namesByStart[export.rva] = export.name }
    let unknown = "<unknown in \(imageName)>"
    var records: [(rva: UInt32, order: Int, text: String)] = []
    var starts = Set<UInt32>()
    var lastEnd: UInt32 = 0
    for function in functions where starts.insert(function.begin).inserted {
      let name = namesByStart[function.begin] ?? unknown
      records.append((function.begin, 0, "FUNC \(hex(function.begin)) \(hex(function.end - function.begin)) 0 \(name)"))
      lastEnd = max(lastEnd, function.end)
    }
    for export in exports where !starts.contains(export.rva) {
      records.append((export.rva, 1, "PUBLIC \(hex(export.rva)) 0 \(export.name)"))
    }
    if lastEnd > 0 { records.append((lastEnd, 1, "PUBLIC \(hex(lastEnd)) 0 \(unknown)")) }
    records.sort { ($0.rva, $0.order) < ($1.rva, $1.order) }
    lines += records.map(\.text)

    lines += try stackCFILines(for: image)
    return lines.joined(separator: "\n") + "\n"
  }

  /// The STACK CFI records of the image's `.pdata` functions (x64 and ARM64 unwind data),
  /// without newlines; empty for images without them.
  public static func stackCFILines(for image: PEImage) throws(ReadError) -> [String] {
    if image.machine == 0xAA64 { return try arm64StackCFILines(for: image) }
    var lines: [String] = []
    var seen = Set<UInt32>()
    for function in try image.runtimeFunctions() where seen.insert(function.begin).inserted {
      let size = function.end - function.begin
      lines.append("STACK CFI INIT \(hex(function.begin)) \(hex(size)) .cfa: $rsp 8 + .ra: .cfa 8 - ^")
      let allocation = (try? image.stackAllocation(of: function)) ?? 0
      lines.append("STACK CFI \(hex(function.begin)) .cfa: $rsp \(allocation + 8) +")
    }
    return lines
  }

  /// ARM64: the INIT row at each function's start, then a row after each prolog instruction
  /// that changes where the CFA is or saves a register the walk restores. A function whose
  /// unwind data describes no ordinary frame gets no rows.
  static func arm64StackCFILines(for image: PEImage) throws(ReadError) -> [String] {
    var lines: [String] = []
    var seen = Set<UInt32>()
    for function in try image.runtimeFunctions() where seen.insert(function.begin).inserted {
      guard let prolog = try? image.arm64Prolog(of: function), let entry = prolog.states.first else { continue }
      let returnAddress = entry.savedRegisters[30] == nil ? " .ra: x30" : ""
      let range = "\(hex(function.begin)) \(hex(function.end - function.begin))"
      lines.append("STACK CFI INIT \(range) \(rules(entry, since: nil))\(returnAddress)")
      var previous = entry
      for (index, state) in prolog.states.enumerated().dropFirst() where state != previous {
        let address = UInt64(function.begin) + UInt64(index) * 4
        guard address < UInt64(function.end) else { break }
        lines.append("STACK CFI \(String(address, radix: 16)) \(rules(state, since: previous))")
        previous = state
      }
    }
    return lines
  }

  /// The rules of `state` that differ from `previous` (all of them when there is none): the
  /// CFA's, then each saved register's (lr as `.ra`), in register order.
  private static func rules(_ state: ARM64FrameState, since previous: ARM64FrameState?) -> String {
    var parts: [String] = []
    if previous?.cfaFromFramePointer != state.cfaFromFramePointer || previous?.cfaOffset != state.cfaOffset {
      parts.append(".cfa: \(state.cfaFromFramePointer ? "x29" : "sp") \(state.cfaOffset) +")
    }
    for (register, offset) in state.savedRegisters.sorted(by: { $0.key < $1.key })
    where previous?.savedRegisters[register] != offset {
      parts.append("\(register == 30 ? ".ra" : "x\(register)"): .cfa \(offset) + ^")
    }
    return parts.joined(separator: " ")
  }

  private static func hex(_ value: UInt32) -> String { String(value, radix: 16) }
}
