//===--- SeparateDebugFile.swift - An NT 4 .DBG file --------------------------===//
//
// What `rebase -x` / `splitsym` split out of an NT-era image (winnt.h,
// IMAGE_SEPARATE_DEBUG_HEADER, and the PE/COFF specification's debug directory):
//   header (48 bytes): signature 'DI' (0x4944) u16, flags u16, machine u16,
//     characteristics u16, time stamp u32, checksum u32, image base u32, image size u32,
//     section count u32, exported names size u32, debug directory size u32,
//     section alignment u32, reserved u32 × 2
//   IMAGE_SECTION_HEADER × section count (40 bytes each: name[8], virtual size,
//     virtual address, raw size, raw pointer, relocations, line numbers, counts, flags)
//   exported names: NUL-terminated names, `exported names size` bytes
//   IMAGE_DEBUG_DIRECTORY × (debug directory size / 28): characteristics u32, time stamp u32,
//     major u16, minor u16, type u32, size u32, address u32, file pointer u32
// The directory's entries point (by file pointer) at the debug data: COFF symbols (type 1),
// CodeView (2, NB09/NB11 here), FPO (3), the misc record naming the image (4), OMAP (7, 8).
//
//===----------------------------------------------------------------------===//

import ByteReading

/// An NT 4 separate debug file (`.dbg`).
public struct SeparateDebugFile: Sendable {
  /// A debug directory entry's kind and bytes.
  public struct DebugData: Sendable, Hashable {
    /// IMAGE_DEBUG_TYPE_*: 1 COFF, 2 CodeView, 3 FPO, 4 misc, 7/8 OMAP.
    public var type: UInt32
    /// Where the data lies in the file.
    public var offset: UInt64
    /// Its length.
    public var size: UInt64
  }

  /// IMAGE_FILE_MACHINE_* (0x14C x86, 0x184 Alpha).
  public let machine: UInt16
  /// The image's link time stamp.
  public let timestamp: UInt32
  /// The image's checksum.
  public let checksum: UInt32
  /// The image's preferred base.
  public let imageBase: UInt32
  /// The image's size in memory.
  public let imageSize: UInt32
  /// The image's sections (names and addresses).
  public let sections: SectionTable
  /// The names the image exports.
  public let exportedNames: [String]
  /// The debug directory.
  public let debugData: [DebugData]

  /// 'DI', little-endian.
  public static let signature: UInt16 = 0x4944

  /// Whether `bytes` start like a separate debug file: 'DI', then a machine this knows.
  public static func isSeparateDebugFile(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard bytes.count >= 48, bytes[0] == 0x44, bytes[1] == 0x49 else { return false }
    let machine = UInt16(bytes[4]) | UInt16(bytes[5]) << 8
    return [0x14C, 0x184, 0x8664, 0x1C0, 0x1C4, 0xAA64, 0x200].contains(machine)
  }

  /// Reads the header, sections, exported names and debug directory of the file in `reader`.
  public init(_ reader: ByteReader) throws(PDBError) {
    do throws(ReadError) {
      guard try reader.read(UInt16.self, at: 0, "the .dbg signature") == Self.signature else {
        throw ReadError(.invalidValue, at: 0, reading: "the .dbg signature (not 'DI')")
      }
      machine = try reader.read(UInt16.self, at: 4, "the .dbg header")
      timestamp = try reader.read(UInt32.self, at: 8, "the .dbg header")
      checksum = try reader.read(UInt32.self, at: 12, "the .dbg header")
      imageBase = try reader.read(UInt32.self, at: 16, "the .dbg header")
      imageSize = try reader.read(UInt32.self, at: 20, "the .dbg header")
      let sectionCount = UInt64(try reader.read(UInt32.self, at: 24, "the .dbg header"))
      let namesSize = UInt64(try reader.read(UInt32.self, at: 28, "the .dbg header"))
      let directorySize = UInt64(try reader.read(UInt32.self, at: 32, "the .dbg header"))
      try reader.checkArray(count: sectionCount, size: 40, at: 48, "the section headers")
      sections = try SectionTable(
        ByteReader(try reader.slice(at: 48, length: sectionCount * 40, "the section headers")))
      let namesStart = 48 + sectionCount * 40
      let names = try reader.slice(at: namesStart, length: namesSize, "the exported names")
      exportedNames = names.split(separator: 0).prefix(1_000_000).map {
        String(decoding: $0, as: UTF8.self)
      }
      let directoryStart = namesStart + namesSize
      let count = directorySize / 28
      try reader.checkArray(count: count, size: 28, at: directoryStart, "the debug directory")
      var entries: [DebugData] = []
      for index in 0..<count {
        let at = directoryStart + index * 28
        let entry = DebugData(
          type: try reader.read(UInt32.self, at: at + 12, "a debug directory entry"),
          offset: UInt64(try reader.read(UInt32.self, at: at + 24, "a debug directory entry")),
          size: UInt64(try reader.read(UInt32.self, at: at + 16, "a debug directory entry")))
        try reader.check(
          offset: entry.offset, length: entry.size, "the debug data of type \(entry.type)")
        entries.append(entry)
      }
      debugData = entries
    } catch {
      throw .read(error)
    }
  }

  /// The first entry of `type` in the debug directory.
  public func data(ofType type: UInt32) -> DebugData? {
    debugData.first { $0.type == type }
  }

  /// The debug identifier a symbol store files a `.dbg` under: time stamp (8 hex digits,
  /// upper case) and image size (hex, lower case), as symstore and Breakpad's code id write it.
  public var identifier: String {
    let stamp = String(timestamp, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 8 - stamp.count)) + stamp
      + String(imageSize, radix: 16)
  }

  /// Breakpad's CPU name for the machine.
  public var cpuName: String {
    switch machine {
    case 0x14C: "x86"
    case 0x184: "alpha"
    case 0x8664: "x86_64"
    default: "unknown"
    }
  }

  /// The PDB the CodeView entry points at (NB10 or RSDS): its file name (last component) and
  /// debug identifier; nil when the entry holds CodeView itself (NB09/NB11) or is absent.
  public func pdbReference(_ reader: ByteReader) -> (pdb: String, identifier: String)? {
    guard let codeView = data(ofType: 2),
      let (path, identifier) = try? CodeViewRecord.read(reader, at: codeView.offset, length: codeView.size),
      let path, let identifier
    else { return nil }
    let name = path.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init) ?? path
    return name.isEmpty ? nil : (name, identifier)
  }

  /// The FPO records (STACK WIN 0), when the file has them.
  public func frameRecords(_ reader: ByteReader) throws(ReadError) -> [FrameRecord] {
    guard let fpo = data(ofType: 3) else { return [] }
    return try FrameRecord.fpoData(ByteReader(try reader.slice(at: fpo.offset, length: fpo.size, "the FPO data")))
  }

  /// The image's file name from the misc record (IMAGE_DEBUG_MISC, type 1 = EXENAME), if any.
  public func imageName(_ reader: ByteReader) -> String? {
    guard let misc = data(ofType: 4), misc.size > 12,
      let dataType = try? reader.read(UInt32.self, at: misc.offset, "the misc record"),
      dataType == 1,
      let length = try? reader.read(UInt32.self, at: misc.offset + 4, "the misc record"), length > 12,
      let unicode = try? reader.read(UInt8.self, at: misc.offset + 8, "the misc record"),
      unicode == 0,
      let bytes = try? reader.slice(
        at: misc.offset + 12, length: min(UInt64(length), misc.size) - 12, "the misc record")
    else { return nil }
    let name = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    let last = name.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init)
    return last?.isEmpty == false ? last : nil
  }
}
