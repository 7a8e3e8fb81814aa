//===--- PDBTests.swift - PDB 7.0 files against Mozilla dump_syms ------------===//

import ByteReading
import CabinetFiles
import CrashTestSupport
import Foundation
import MapFiles
import ProgramDatabase
import Symbolication
import Testing

@Suite("PDB 7.0 and CAB files")
struct PDBTests {
  static let windows = "fixtures/dump_syms/windows"

  static func reference(_ name: String) throws -> [Substring] {
    try String(contentsOfFile: SharedFixtures.path("\(windows)/\(name)"), encoding: .utf8).split(separator: "\n")
  }

  @Test(
    "the CAB-compressed PDB and its DLL give basic32.sym as dump_syms wrote it, line for line",
    .enabled(if: SharedFixtures.has(windows), "needs ../shared/fixtures/dump_syms beside the checkout"))
  func compressedPDB() throws {
    let reference = try Self.reference("basic32.sym")
    for input in ["basic32.pd_", "basic32.dll"] {
      let ours = try SymbolFileDumper.symbolFile(at: SharedFixtures.path("\(Self.windows)/\(input)")).split(separator: "\n")
      #expect(ours.count == reference.count, "\(input)")
      let differing = zip(ours, reference).filter { $0 != $1 }
      for (line, expected) in differing.prefix(5) { Issue.record("\(input): ours \(line)\nreference \(expected)") }
      #expect(differing.isEmpty, "\(input)")
    }
  }

  @Test(
    "a publics-only PDB: every record equals basic32-min.sym except names dump_syms leaves mangled, which we demangle",
    .enabled(if: SharedFixtures.has(windows), "needs ../shared/fixtures/dump_syms beside the checkout"))
  func publicsOnly() throws {
    let reference = try Self.reference("basic32-min.sym")
    let ours = try SymbolFileDumper.symbolFile(at: SharedFixtures.path("\(Self.windows)/basic32-min.dll"))
      .split(separator: "\n")
    #expect(ours.count == reference.count)
    var leftMangled = 0
    for (line, expected) in zip(ours, reference) where line != expected {
      // PUBLIC <rva> <params> <name>: only the name may differ, and only where the reference kept `?…`.
      let oursFields = line.split(separator: " ", maxSplits: 3)
      let referenceFields = expected.split(separator: " ", maxSplits: 3)
      let onlyName = oursFields.count == 4 && referenceFields.count == 4 && oursFields[0...2] == referenceFields[0...2]
      if onlyName && referenceFields[3].hasPrefix("?") && !oursFields[3].hasPrefix("?") {
        leftMangled += 1
      } else {
        Issue.record("ours \(line)\nreference \(expected)")
      }
    }
    #expect(leftMangled == 22)
  }

  @Test(
    "the PDB's identity: GUID and DBI age as the image's CodeView record gives them; x86; 229 modules",
    .enabled(if: SharedFixtures.has(windows), "needs ../shared/fixtures/dump_syms beside the checkout"))
  func identity() throws {
    let file = try MappedFile(path: SharedFixtures.path("\(Self.windows)/basic32-min.pdb"))
    let pdb = try withExtendedLifetime(file) { try ProgramDatabase(ByteReader(file.bytes)) }
    #expect(pdb.debugIdentifier == "878E82E5E282481B88FCBBA2CFF8C7F12")
    #expect(pdb.cpuName == "x86")
    #expect(pdb.dbi.modules.count == 229)
    #expect(pdb.info.namedStreams["/names"] != nil)
  }

  @Test(
    "a cabinet: the stored name and bytes; a limit below the size refuses; a cut cabinet is damaged, not a crash",
    .enabled(if: SharedFixtures.has(windows), "needs ../shared/fixtures/dump_syms beside the checkout"))
  func cabinets() throws {
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: SharedFixtures.path("\(Self.windows)/basic32.pd_"))))
    let (name, bytes) = try data.withUnsafeBytes { try CabinetFile.extractFirst(from: $0, limit: 64 << 20) }
    #expect(name == "basic32.pdb")
    #expect(bytes.count == 6_590_464)
    #expect(bytes.withUnsafeBytes { MSFFile.isMSF($0) })
    #expect(throws: CabinetError.tooLarge(limit: 100_000)) {
      try data.withUnsafeBytes { _ = try CabinetFile.extractFirst(from: $0, limit: 100_000) }
    }
    for cut in [10, 60, 200, data.count / 2] {
      let prefix = Array(data.prefix(cut))
      #expect(throws: CabinetError.self) { try prefix.withUnsafeBytes { _ = try CabinetFile.extractFirst(from: $0, limit: 64 << 20) } }
    }
    var flipped = data
    for index in stride(from: 200, to: flipped.count, by: 997) { flipped[index] ^= 0x5A }
    #expect(throws: CabinetError.self) { try flipped.withUnsafeBytes { _ = try CabinetFile.extractFirst(from: $0, limit: 64 << 20) } }
    #expect(throws: CabinetError.notACabinet) { try [UInt8](repeating: 0, count: 64).withUnsafeBytes { _ = try CabinetFile.extractFirst(from: $0, limit: 10) } }
  }

  // MARK: Hostile containers

  static func open(_ bytes: [UInt8]) throws(PDBError) -> MSFFile {
    let file = MappedFile(copying: bytes, name: "hostile.pdb")
    return try withExtendedLifetime(file) { () throws(PDBError) -> MSFFile in try MSFFile(ByteReader(file.bytes)) }
  }

  @Test("a composed MSF file reads back stream for stream")
  func composed() throws {
    let streams: [[UInt8]?] = [[], Array(0..<200), nil, [UInt8](repeating: 7, count: 1300)]
    let bytes = MSFBuilder.build(streams).bytes
    let file = MappedFile(copying: bytes, name: "composed.pdb")
    try withExtendedLifetime(file) {
      let msf = try MSFFile(ByteReader(file.bytes))
      #expect(msf.streamCount == 4)
      #expect(try msf.stream(2) == nil)
      let stream = try #require(try msf.stream(3))
      #expect(stream.withReader { Array($0.bytes) } == [UInt8](repeating: 7, count: 1300))
      #expect(try #require(try msf.stream(1)).withReader { Array($0.bytes) } == Array(0..<200))
    }
  }

  @Test("hostile containers end with an error naming the field: bad magic, block size, block count, directory, stream sizes")
  func hostile() throws {
    let good = MSFBuilder.build([[], Array(0..<200)])
    var magic = good.bytes
    magic[0] = 0x4E
    #expect(throws: PDBError.notAPDB(offset: 0)) { _ = try Self.open(magic) }

    var blockSize = good.bytes
    MSFBuilder.put(UInt32(1000), at: 32, in: &blockSize)
    #expect(throws: PDBError.self) { _ = try Self.open(blockSize) }

    var blockCount = good.bytes
    MSFBuilder.put(UInt32(0xFFFF_FFF0), at: 40, in: &blockCount)
    #expect(throws: PDBError.self) { _ = try Self.open(blockCount) }

    var directorySize = good.bytes
    MSFBuilder.put(UInt32(0xFFFF_FFFF), at: 44, in: &directorySize)
    #expect(throws: PDBError.self) { _ = try Self.open(directorySize) }

    var mapBlock = good.bytes
    MSFBuilder.put(UInt32(0x7FFF_FFFF), at: 52, in: &mapBlock)
    #expect(throws: PDBError.self) { _ = try Self.open(mapBlock) }

    // A stream claiming 4 GiB, and a stream count of 2^32 - 1.
    var hugeStream = good.bytes
    MSFBuilder.put(UInt32(0xFFFF_FFFE), at: good.directoryBlock * MSFBuilder.blockSize + 8, in: &hugeStream)
    #expect(throws: PDBError.self) { _ = try Self.open(hugeStream) }
    var hugeCount = good.bytes
    MSFBuilder.put(UInt32(0xFFFF_FFFF), at: good.directoryBlock * MSFBuilder.blockSize, in: &hugeCount)
    #expect(throws: PDBError.self) { _ = try Self.open(hugeCount) }

    // A stream whose block list names a block past the file: the directory reads, the stream does not.
    var pastEnd = good.bytes
    let listOffset = good.directoryBlock * MSFBuilder.blockSize + 4 + 2 * 4
    MSFBuilder.put(UInt32(900), at: listOffset, in: &pastEnd)
    let msf = try Self.open(pastEnd)
    #expect(throws: PDBError.self) { _ = try msf.stream(1) }

    // A stream made of the directory's own block (a cycle in the map) reads as bytes, no loop.
    var cyclic = good.bytes
    MSFBuilder.put(UInt32(good.directoryBlock), at: listOffset, in: &cyclic)
    #expect(try Self.open(cyclic).stream(1)?.count == 200)

    // Every truncation of the file.
    for cut in stride(from: 0, to: good.bytes.count, by: 61) {
      let prefix = Array(good.bytes.prefix(cut))
      _ = try? Self.open(prefix).stream(1)
    }
  }

  @Test("a PDB whose DBI, section headers or symbol records are damaged ends with an error, not a crash")
  func hostileStreams() throws {
    var info: [UInt8] = []
    for value: UInt32 in [20_000_404, 1, 1] { MSFBuilder.append(value, to: &info) }
    info += [UInt8](repeating: 0xAB, count: 16)
    for value: UInt32 in [0, 0, 0, 0, 0] { MSFBuilder.append(value, to: &info) }
    var dbi = [UInt8](repeating: 0, count: 64)
    MSFBuilder.put(UInt32(0xFFFF_FFFF), at: 0, in: &dbi)
    MSFBuilder.put(UInt32(1), at: 8, in: &dbi)
    MSFBuilder.put(UInt16(5), at: 20, in: &dbi)  // symbol records: stream 5
    MSFBuilder.put(UInt32(22), at: 48, in: &dbi)  // debug header
    var header = [UInt8](repeating: 0xFF, count: 22)
    MSFBuilder.put(UInt16(6), at: 10, in: &header)  // section headers: stream 6
    dbi += header
    var section = [UInt8](repeating: 0, count: 40)
    MSFBuilder.put(UInt32(0x1000), at: 12, in: &section)
    var records: [UInt8] = []
    // An S_PUB32 that claims 0xFFFF bytes.
    MSFBuilder.append(UInt16(0xFFFF), to: &records)
    MSFBuilder.append(UInt16(0x110E), to: &records)
    records += [UInt8](repeating: 0, count: 20)
    let bytes = MSFBuilder.build([[], info, [], dbi, [], records, section]).bytes
    let file = MappedFile(copying: bytes, name: "hostile.pdb")
    try withExtendedLifetime(file) {
      let pdb = try ProgramDatabase(ByteReader(file.bytes))
      #expect(pdb.debugIdentifier == "ABABABABABABABABABABABABABABABAB1")
      #expect(throws: PDBError.self) { _ = try pdb.publicSymbols() }
    }
    // The DBI's substream sizes past the stream.
    var badDBI = dbi
    MSFBuilder.put(UInt32(0x7000_0000), at: 24, in: &badDBI)
    let damaged = MappedFile(copying: MSFBuilder.build([[], info, [], badDBI, [], records, section]).bytes, name: "d.pdb")
    #expect(throws: PDBError.self) { _ = try withExtendedLifetime(damaged) { try ProgramDatabase(ByteReader(damaged.bytes)) } }
  }
}
