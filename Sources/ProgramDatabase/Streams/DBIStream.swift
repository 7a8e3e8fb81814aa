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
    let signature = try reader.read(UInt32.self, at: 0, "the DBI signature")
    guard signature == 0xFFFF_FFFF else { throw ReadError(.invalidValue, at: 0, reading: "the DBI signature") }
    age = try reader.read(UInt32.self, at: 8, "the DBI age")
    func stream(_ offset: UInt64, _ what: String) throws(ReadError) -> Int? {
      let value = try reader.read(UInt16.self, at: offset, what)
      return value == 0xFFFF ? nil : Int(value)
    }
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
    modules = try Self.modules(reader, from: moduleInfo, size: moduleInfoSize)
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

  private static func modules(_ reader: ByteReader, from start: UInt64, size: UInt64) throws(ReadError) -> [PDBModule] {
    var modules: [PDBModule] = []
    var cursor = start
    let end = start + size
    while cursor + 64 <= end {
      let streamNumber = try reader.read(UInt16.self, at: cursor + 34, "a module's symbol stream")
      let symbolBytes = try reader.read(UInt32.self, at: cursor + 36, "a module's symbol size")
      let c11Bytes = try reader.read(UInt32.self, at: cursor + 40, "a module's C11 line size")
      let c13Bytes = try reader.read(UInt32.self, at: cursor + 44, "a module's C13 line size")
      var offset = cursor + 64
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
