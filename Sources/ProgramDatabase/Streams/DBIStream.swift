//===--- DBIStream.swift - Stream 3: modules, sections and where the rest is -===//
//
// The 64-byte header: signature (-1), version, age, global symbols stream u16, build
// number, public symbols stream u16, DLL version, symbol record stream u16, rebuild,
// then the sizes of the substreams that follow in this order: module info, section
// contributions, section map, source info, type server map (MFC index between),
// optional debug header, EC; flags u16, machine u16, padding.
//   module info    per object file: 64 bytes (its first section contribution, flags, the
//                  module's symbol stream u16, symbol bytes, C11 and C13 line bytes, …)
//                  then its name and object file name, aligned to 4
//   debug header   u16 stream numbers: FPO, exception, fixup, OMAP to source, OMAP from
//                  source, section headers, token map, xdata, pdata, new FPO (frame
//                  data), original section headers (0xFFFF: none)
// Layout: LLVM's "The DBI Stream" (llvm.org/docs/PDB/DbiStream.html).
// Older PDBs (microsoft-pdb's dbi.h):
//   versions before VC 6.0 (19970606): module entries are MODI50, 48 bytes: first section
//     contribution of 20 bytes, flags u16, symbol stream u16 (offset 26), symbol bytes,
//     C11 line bytes, (unused) FPO bytes, file count u16, pad, file offsets u32; then names
//   VC 2.0 / 4.0 (no -1 signature, DBIHdr): global, public and symbol record streams u16,
//     pad u16, module info size, section contributions size, section map size, file info
//     size (i32 each); MODI50 entries from offset 24; no debug header
//
//===----------------------------------------------------------------------===//

import ByteReading

/// One object file's entry in the DBI stream.
public struct PDBModule: Sendable, Hashable {
  /// The module's name (usually its object file's path).
  public var name: String
  /// The object or library it came from.
  public var objectName: String
  /// The stream holding its symbols and line tables, `nil` when it has none.
  public var symbolStream: Int?
  /// Bytes of CodeView symbols (including the 4-byte signature) at the stream's start.
  public var symbolBytes: UInt32
  /// Bytes of C11 line tables after the symbols.
  public var c11Bytes: UInt32
  /// Bytes of C13 debug subsections after those.
  public var c13Bytes: UInt32
}

/// The DBI stream's header, modules and optional debug streams.
public struct DBIStream: Sendable {
  /// The age images carry in their CodeView record.
  public var age: UInt32
  /// The header's version (19970606 VC 6.0, 19990903 VC 7.0, …); 0 for the VC 2.0/4.0 header.
  public var version: UInt32
  /// The stream of global symbol references.
  public var globalSymbolStream: Int?
  /// The stream of the public symbols' hash.
  public var publicSymbolStream: Int?
  /// The stream holding every global and public symbol record.
  public var symbolRecordStream: Int?
  /// The IMAGE_FILE_MACHINE value.
  public var machine: UInt16
  /// The object files.
  public var modules: [PDBModule]
  /// Optional debug streams by role.
  public var debugStreams: [DebugStream: Int]

  /// The optional debug streams' slots in the debug header.
  public enum DebugStream: Int, Sendable, CaseIterable {
    case fpo = 0, exception, fixup, omapToSource, omapFromSource, sectionHeaders, tokenRIDMap, xdata, pdata
    case frameData, originalSectionHeaders
  }

  /// Reads stream 3.
  public init(_ reader: ByteReader) throws(ReadError) {
    func stream(_ offset: UInt64, _ what: String) throws(ReadError) -> Int? {
      let value = try reader.read(UInt16.self, at: offset, what)
      return value == 0xFFFF ? nil : Int(value)
    }
    let signature = try reader.read(UInt32.self, at: 0, "the DBI signature")
    guard signature == 0xFFFF_FFFF else {
      // The VC 2.0 / 4.0 header.
      age = 0
      version = 0
      machine = 0
      debugStreams = [:]
      globalSymbolStream = try stream(0, "the global symbol stream")
      publicSymbolStream = try stream(2, "the public symbol stream")
      symbolRecordStream = try stream(4, "the symbol record stream")
      let moduleInfoSize = UInt64(try reader.read(UInt32.self, at: 8, "the module list size"))
      guard moduleInfoSize < 0x8000_0000 else { throw ReadError(.invalidValue, at: 8, reading: "the module list size") }
      try reader.check(offset: 24, length: moduleInfoSize, "the module list")
      modules = try Self.modules(reader, from: 24, size: moduleInfoSize, layout: .modi50)
      return
    }
    version = try reader.read(UInt32.self, at: 4, "the DBI version")
    age = try reader.read(UInt32.self, at: 8, "the DBI age")
    globalSymbolStream = try stream(12, "the global symbol stream")
    publicSymbolStream = try stream(16, "the public symbol stream")
    symbolRecordStream = try stream(20, "the symbol record stream")
    var sizes: [UInt64] = []
    for (index, offset) in [24, 28, 32, 36, 40, 48, 52].enumerated() {
      let size = try reader.read(UInt32.self, at: UInt64(offset), "a DBI substream size")
      guard size < 0x8000_0000 else {
        throw ReadError(.invalidValue, at: UInt64(offset), reading: "DBI substream \(index)'s size")
      }
      sizes.append(UInt64(size))
    }
    machine = try reader.read(UInt16.self, at: 58, "the DBI machine")
    let moduleInfo = 64 as UInt64
    let (moduleInfoSize, contributions, sectionMap, sourceInfo, typeServerMap, debugHeaderSize, ecSize) =
      (sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], sizes[5], sizes[6])
    try reader.check(offset: moduleInfo, length: moduleInfoSize, "the module list")
    modules = try Self.modules(reader, from: moduleInfo, size: moduleInfoSize, layout: version < 19_970_606 ? .modi50 : .modi60)
    let debugHeader = moduleInfo + moduleInfoSize + contributions + sectionMap + sourceInfo + typeServerMap + ecSize
    debugStreams = [:]
    if debugHeaderSize > 0 {
      try reader.check(offset: debugHeader, length: debugHeaderSize, "the optional debug header")
      for slot in DebugStream.allCases where UInt64(slot.rawValue * 2 + 2) <= debugHeaderSize {
        if let index = try stream(debugHeader + UInt64(slot.rawValue) * 2, "the optional debug header") {
          debugStreams[slot] = index
        }
      }
    }
  }

  /// How module entries are laid out: MODI50 (before VC 6.0) or MODI_60_Persist.
  enum ModuleLayout {
    case modi50, modi60

    /// The fixed part's size and the offset of the symbol stream number.
    var fixedSizeAndStreamOffset: (UInt64, UInt64) {
      switch self {
      case .modi50: (48, 26)
      case .modi60: (64, 34)
      }
    }
  }

  private static func modules(_ reader: ByteReader, from start: UInt64, size: UInt64, layout: ModuleLayout)
    throws(ReadError) -> [PDBModule]
  {
    var modules: [PDBModule] = []
    var cursor = start
    let end = start + size
    let (fixedSize, streamOffset) = layout.fixedSizeAndStreamOffset
    while cursor + fixedSize <= end {
      let streamNumber = try reader.read(UInt16.self, at: cursor + streamOffset, "a module's symbol stream")
      let symbolBytes = try reader.read(UInt32.self, at: cursor + streamOffset + 2, "a module's symbol size")
      let c11Bytes = try reader.read(UInt32.self, at: cursor + streamOffset + 6, "a module's C11 line size")
      // MODI50's third size counted FPO bytes, never used; only MODI_60 has C13 lines.
      let c13Bytes = layout == .modi60 ? try reader.read(UInt32.self, at: cursor + 44, "a module's C13 line size") : 0
      var offset = cursor + fixedSize
      let name = try cString(reader, at: &offset, end: end, "a module name")
      let objectName = try cString(reader, at: &offset, end: end, "a module's object name")
      modules.append(
        PDBModule(
          name: name, objectName: objectName, symbolStream: streamNumber == 0xFFFF ? nil : Int(streamNumber),
          symbolBytes: symbolBytes, c11Bytes: c11Bytes, c13Bytes: c13Bytes))
      cursor = (offset + 3) & ~3
    }
    return modules
  }

  /// A NUL-terminated string at `offset` before `end`; moves `offset` past its NUL.
  static func cString(_ reader: ByteReader, at offset: inout UInt64, end: UInt64, _ what: String) throws(ReadError)
    -> String
  {
    let start = offset
    while true {
      guard offset < end else { throw ReadError(.outOfBounds, at: start, reading: what) }
      if try reader.read(UInt8.self, at: offset, what) == 0 { break }
      offset += 1
    }
    defer { offset += 1 }
    return String(decoding: try reader.slice(at: start, length: offset - start, what), as: UTF8.self)
  }
}
