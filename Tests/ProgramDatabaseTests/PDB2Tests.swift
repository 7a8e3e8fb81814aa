//===--- PDB2Tests.swift - PDB 2.00 (VC 4–6) and .dbg + PDB pairs ------------===//
//
// Tests/Fixtures/pdb2 holds PDB 2.00 files composed by make-pdb2.py from the
// published layouts (no public sample at hand) for the same tiny.exe as the .dbg
// fixtures: VC 6 (MODI_60, `_ST` records), VC 4.1 (MODI50, 16-bit-type records), and
// an NT 4-era pair whose PDB has no section headers or FPO, which its .dbg holds.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashTestSupport
import Foundation
import ProgramDatabase
import Symbolication
import Testing

@Suite("PDB 2.00")
struct PDB2Tests {
  static func bytes(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("pdb2/\(name)"))))
  }

  static func records(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("MODULE") && !$0.hasPrefix("INFO") }
  }

  @Test(
    "each composed PDB 2.00 (and the .dbg naming one) gives the reviewed .sym",
    arguments: [
      ("tiny-vc6.pdb", "tiny-vc6.sym"), ("tiny-vc4.pdb", "tiny-vc4.sym"), ("tiny-nt4.pdb", "tiny-nt4.sym"),
      ("tiny-nt4.dbg", "tiny-nt4.dbg.sym"), ("tiny-omap.pdb", "tiny-omap.sym"),
    ])
  func dumps(_ input: String, _ expected: String) throws {
    let text = try String(contentsOfFile: Fixtures.path("pdb2/\(expected)"), encoding: .utf8)
    #expect(try SymbolFileDumper.symbolFile(at: Fixtures.path("pdb2/\(input)")) == text)
  }

  @Test("the container, the info stream without a GUID, and the older module entries")
  func streams() throws {
    for (name, version) in [("tiny-vc6.pdb", UInt32(19_970_606)), ("tiny-vc4.pdb", 930_803)] {
      let bytes = try Self.bytes(name)
      try bytes.withUnsafeBytes { raw in
        let pdb = try ProgramDatabase(ByteReader(raw))
        #expect(pdb.file.isSmall)
        #expect(pdb.isVersion2)
        #expect(pdb.debugIdentifier == "35A6C7003")
        #expect(pdb.dbi.version == version)
        #expect(pdb.dbi.modules.map(\.name) == ["C:\\src\\tiny\\main.obj"])
        #expect(pdb.dbi.modules.first?.c13Bytes == 0)
        let symbols = try #require(try pdb.moduleSymbols(pdb.dbi.modules[0]))
        #expect(symbols.procedures.map(\.name) == ["main", "ParseRecord", "helper", "?Dispatch@Queue@@QAEXH@Z", "WorkerThread"])
        #expect(symbols.lines.namedFiles.values.sorted() == ["C:\\src\\tiny\\main.c", "C:\\src\\tiny\\parse.c"])
        #expect(try pdb.publicSymbols().map(\.name).last == "_StartQueue@0")
      }
    }
  }

  @Test("one build, three forms: the PDB 2.00s give the records the .dbg with CodeView gives")
  func agreement() throws {
    let dbg = try SymbolFileDumper.symbolFile(at: Fixtures.path("dbg/tiny-nb11.dbg"))
    let nt4 = try SymbolFileDumper.symbolFile(at: Fixtures.path("pdb2/tiny-nt4.dbg"))
    #expect(Self.records(nt4) == Self.records(dbg))
    for name in ["tiny-vc6.pdb", "tiny-vc4.pdb"] {
      let pdb = try SymbolFileDumper.symbolFile(at: Fixtures.path("pdb2/\(name)"))
      #expect(
        Self.records(pdb) == Self.records(dbg).map { $0.replacing("<unknown in tiny.exe>", with: "<unknown in \(name)>") })
    }
  }

  @Test("a PDB 2.00 without section headers and no .dbg beside it: an error that says what to add")
  func alone() throws {
    let directory = NSTemporaryDirectory() + "pdb2-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Fixtures.path("pdb2/tiny-nt4.pdb"), toPath: "\(directory)/tiny-nt4.pdb")
    #expect {
      try SymbolFileDumper.symbolFile(at: "\(directory)/tiny-nt4.pdb")
    } throws: { error in
      (error as? SymbolDumpError)?.description.contains("no section headers; put the image or the .dbg") == true
    }
    // A .dbg beside it that names another PDB does not lend its sections.
    var other = try Self.bytes("tiny-nt4.dbg")
    let at = try #require(other.indices.dropLast(4).first { other[$0..<($0 + 4)].elementsEqual(Array("NB10".utf8)) })
    other[at + 12] ^= 1  // the age
    try Data(other).write(to: URL(fileURLWithPath: "\(directory)/tiny-nt4.dbg"))
    #expect(throws: SymbolDumpError.self) { try SymbolFileDumper.symbolFile(at: "\(directory)/tiny-nt4.pdb") }
  }

  @Test("damaged small MSFs: every prefix, and sizes, counts and block numbers past the file end with an error")
  func damaged() throws {
    let bytes = try Self.bytes("tiny-vc6.pdb")
    for length in stride(from: 0, to: bytes.count, by: 7) {
      let cut = try TemporaryFile(Array(bytes.prefix(length)), suffix: ".pdb")
      _ = try? SymbolFileDumper.symbolFile(at: cut.path)
    }
    func patched(_ offset: Int, _ value: [UInt8]) -> [UInt8] {
      var copy = bytes
      copy.replaceSubrange(offset..<(offset + value.count), with: value)
      return copy
    }
    let directoryBlock = Int(bytes[60]) | Int(bytes[61]) << 8
    let cases: [(String, [UInt8], String)] = [
      ("block size", patched(44, [0x00, 0x03, 0, 0]), "block size"),
      ("block count", patched(50, [0xFF, 0xFF]), "block count"),
      ("directory size", patched(52, [0, 0, 0x10, 0]), "directory size"),
      ("directory block", patched(60, [0xFF, 0x7F]), "block 32767 past the block count"),
      ("stream size", patched(directoryBlock * 1024 + 4 + 3 * 8, [0xFF, 0xFF, 0xFF, 0x7F]), "stream size past the block count"),
    ]
    for (what, damaged, expected) in cases {
      let file = try TemporaryFile(damaged, suffix: ".pdb")
      do {
        _ = try SymbolFileDumper.symbolFile(at: file.path)
        Issue.record("\(what): no error")
      } catch {
        #expect(error.description.contains(expected), "\(what): \(error.description)")
      }
    }
  }

  @Test("OMAP: symbols, lines, publics and frame records move to the rearranged image's addresses")
  func omap() throws {
    let bytes = try Self.bytes("tiny-omap.pdb")
    try bytes.withUnsafeBytes { raw in
      let pdb = try ProgramDatabase(ByteReader(raw))
      let omap = try #require(pdb.omap)
      #expect(omap.translate(0x1000) == 0x1800)
      #expect(omap.translate(0x1075) == 0x1015)
      #expect(omap.translate(0x10A9) == nil)  // removed
      #expect(omap.translate(0x0FFF) == nil)  // before the first entry
      #expect(omap.contiguousLength(from: 0x1140, length: 0x80) == 0x20)  // WorkerThread is split
      #expect(pdb.imageRVA(section: 1, offset: 0x1D0) == 0x1510)
    }
    let source = try SymbolFileDumper.symbolSource(at: Fixtures.path("pdb2/tiny-omap.pdb"))
    #expect(source.lookup(0x1812)?.function.name == "main")
    #expect(source.lookup(0x1812)?.function.line == 11)
    #expect(source.lookup(0x1015)?.function.name == "ParseRecord")
    // WorkerThread's moved piece: its own FUNC, the row in force where the piece begins.
    #expect(pdb2Pieces(try Self.bytes("tiny-omap.pdb")) == [[0x1140, 0x1300, 0x20], [0x1160, 0x1400, 0x60]])
    #expect(source.lookup(0x1410)?.function.name == "WorkerThread")
    #expect(source.lookup(0x1410)?.function.line == 61)
    #expect(source.lookup(0x1450)?.function.line == 63)
    #expect(source.lookup(0x1460) == nil)  // past the piece: StartQueue's public is at 0x1510
  }

  /// WorkerThread's pieces: (original, image address, size).
  private func pdb2Pieces(_ bytes: [UInt8]) -> [[UInt32]] {
    bytes.withUnsafeBytes { raw in
      guard let pdb = try? ProgramDatabase(ByteReader(raw)) else { return [] }
      return pdb.imagePieces(section: 1, offset: 0x140, size: 0x80).map { [$0.original, $0.rva, $0.size] }
    }
  }
}
