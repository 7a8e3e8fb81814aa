//===--- PEExports.swift - An image's export table ---------------------------===//
//
// The export directory (data directory 0): the address table (RVAs by
// ordinal), and the name pointer table with its parallel ordinal table. An
// RVA that points back into the export directory is a forwarder ("DLL.Name"),
// not code, and is left out.
//
//===----------------------------------------------------------------------===//

import ByteReading

/// One exported function.
public struct PEExport: Sendable, Hashable {
  /// Its RVA.
  public var rva: UInt32
  /// Its name (`OutOfProcessExceptionEventCallback`).
  public var name: String
}

extension PEImage {
  /// The named exports that are code (forwarders left out), in RVA order. Counts are capped
  /// at 65,536 and every table is checked before it is read.
  public func exports() throws(ReadError) -> [PEExport] {
    guard let directory = directory(.export) else { return [] }
    let base = directory.rva
    let functionCount = try read(UInt32.self, rva: base &+ 20, "the export address count")
    let nameCount = try read(UInt32.self, rva: base &+ 24, "the export name count")
    let functions = try read(UInt32.self, rva: base &+ 28, "the export address table")
    let names = try read(UInt32.self, rva: base &+ 32, "the export name table")
    let ordinals = try read(UInt32.self, rva: base &+ 36, "the export ordinal table")
    guard functionCount <= 65_536, nameCount <= 65_536 else {
      throw ReadError(.implausibleCount, at: UInt64(base), reading: "the export table (\(functionCount) addresses, \(nameCount) names)")
    }
    var result: [PEExport] = []
    for index in 0..<nameCount {
      let ordinal = UInt32(try read(UInt16.self, rva: ordinals &+ index &* 2, "an export ordinal"))
      guard ordinal < functionCount else { continue }
      let rva = try read(UInt32.self, rva: functions &+ ordinal &* 4, "an export address")
      let forwarder = rva >= base && rva < base &+ directory.size
      guard rva != 0, !forwarder, let name = string(rva: try read(UInt32.self, rva: names &+ index &* 4, "an export name"), limit: 1024),
        !name.isEmpty
      else { continue }
      result.append(PEExport(rva: rva, name: name))
    }
    return result.sorted { ($0.rva, $0.name) < ($1.rva, $1.name) }
  }
}
