//===--- PDBInfoStream.swift - Stream 1: the PDB's identity and named streams ---===//
//
//   version u32, signature (timestamp) u32, age u32, GUID 16 bytes (VC 7.0 and later:
//   version 20000404 and up; a PDB 2.00 has no GUID and is known by signature and age)
//   named stream map: string buffer size u32, the strings; a hash table: size u32,
//   capacity u32, present bit vector (word count u32, words), deleted bit vector,
//   then one (name offset u32, stream u32) pair per present bucket
// The map names "/names" (the string table), "/LinkInfo", "/src/headerblock".
//
//===----------------------------------------------------------------------===//

import ByteReading

/// The PDB info stream: the GUID and age that identify the PDB, and its named streams.
public struct PDBInfoStream: Sendable {
  /// The stream format's version (20000404 for VC 7.0 and later).
  public var version: UInt32
  /// The link time stamp.
  public var signature: UInt32
  /// How many times the PDB was written (the DBI stream's age is the one images carry).
  public var age: UInt32
  /// The GUID's 16 bytes as stored; empty before VC 7.0.
  public var guid: [UInt8]

  /// The first version with a GUID (VC 7.0).
  public static let firstVersionWithGUID: UInt32 = 20_000_404
  /// Stream numbers by name.
  public var namedStreams: [String: Int]

  /// Reads stream 1.
  public init(_ reader: ByteReader) throws(ReadError) {
    version = try reader.read(UInt32.self, at: 0, "the PDB info version")
    signature = try reader.read(UInt32.self, at: 4, "the PDB signature")
    age = try reader.read(UInt32.self, at: 8, "the PDB age")
    namedStreams = [:]
    guard version >= Self.firstVersionWithGUID else {
      // VC 2.0–6.0: the named stream map, when there is one, is of no use here.
      guid = []
      return
    }
    guid = Array(try reader.slice(at: 12, length: 16, "the PDB GUID"))
    let stringsSize = UInt64(try reader.read(UInt32.self, at: 28, "the named stream strings' size"))
    let strings = try reader.slice(at: 32, length: stringsSize, "the named stream strings")
    var cursor = 32 + stringsSize
    let size = try reader.read(UInt32.self, at: cursor, "the named stream table size")
    cursor += 8  // size, capacity
    let presentWords = UInt64(try reader.read(UInt32.self, at: cursor, "the present bit vector"))
    try reader.checkArray(count: presentWords, size: 4, at: cursor + 4, "the present bit vector")
    var present: [Int] = []
    for word in 0..<presentWords {
      let bits = try reader.read(UInt32.self, at: cursor + 4 + word * 4, "the present bit vector")
      for bit in 0..<32 where bits & (1 << bit) != 0 { present.append(Int(word) * 32 + bit) }
    }
    cursor += 4 + presentWords * 4
    let deletedWords = UInt64(try reader.read(UInt32.self, at: cursor, "the deleted bit vector"))
    try reader.checkArray(count: deletedWords, size: 4, at: cursor + 4, "the deleted bit vector")
    cursor += 4 + deletedWords * 4
    guard present.count <= Int(size) + 1 else {
      throw ReadError(.implausibleCount, at: 32 + stringsSize, reading: "the named stream table")
    }
    for _ in present {
      let nameOffset = Int(try reader.read(UInt32.self, at: cursor, "a named stream's name"))
      let stream = Int(try reader.read(UInt32.self, at: cursor + 4, "a named stream's number"))
      cursor += 8
      guard nameOffset < strings.count else { continue }
      var end = nameOffset
      while end < strings.count && strings[end] != 0 { end += 1 }
      namedStreams[String(decoding: UnsafeRawBufferPointer(rebasing: strings[nameOffset..<end]), as: UTF8.self)] = stream
    }
  }

  /// The debug identifier for `age`, as Breakpad and symbol servers print it: the GUID's
  /// fields in hex (the first three little-endian), then the age in hex; for a PDB without
  /// a GUID, the signature (8 hex digits) then the age, as an NB10 CodeView record names it.
  public func debugIdentifier(age: UInt32) -> String {
    guard guid.count == 16 else {
      let stamp = String(signature, radix: 16, uppercase: true)
      return String(repeating: "0", count: max(0, 8 - stamp.count)) + stamp + String(age, radix: 16, uppercase: true)
    }
    func hex(_ bytes: [UInt8]) -> String {
      bytes.map { (($0 < 16) ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined()
    }
    return hex(guid[0..<4].reversed()) + hex(guid[4..<6].reversed()) + hex(guid[6..<8].reversed())
      + hex(Array(guid[8..<16])) + String(age, radix: 16, uppercase: true)
  }
}
