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

  /// The STACK CFI records of the image's `.pdata` functions (x64 unwind data), without
  /// newlines; empty for images without them.
  public static func stackCFILines(for image: PEImage) throws(ReadError) -> [String] {
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

  private static func hex(_ value: UInt32) -> String { String(value, radix: 16) }
}
