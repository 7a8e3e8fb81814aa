//===--- SeparateDebugFileTests.swift - NT 4 .dbg files -----------------------===//
//
// Tests/Fixtures/dbg holds .dbg files composed by make-dbg.py from the published
// layouts (no public sample exists at hand) and the .sym each must give, reviewed by
// hand: CodeView NB09 (16-bit type records), NB11 (the VC 5 `_ST` records), and COFF
// symbols alone; each with FPO records and the misc record naming the image.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashTestSupport
import Foundation
import ProgramDatabase
import Symbolication
import Testing

@Suite("NT 4 .dbg files")
struct SeparateDebugFileTests {
  static let names = ["tiny-nb09", "tiny-nb11", "tiny-coff"]

  static func bytes(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("dbg/\(name).dbg"))))
  }

  @Test("each composed .dbg gives the reviewed .sym, record for record", arguments: names)
  func dumps(_ name: String) throws {
    let expected = try String(contentsOfFile: Fixtures.path("dbg/\(name).sym"), encoding: .utf8)
    #expect(try SymbolFileDumper.symbolFile(at: Fixtures.path("dbg/\(name).dbg")) == expected)
    #expect(SymbolFileDumper.reads(Fixtures.path("dbg/\(name).dbg")))
  }

  @Test("the header: machine, time stamp, image size, sections, exported names, the image's name")
  func header() throws {
    let bytes = try Self.bytes("tiny-nb09")
    try bytes.withUnsafeBytes { raw in
      let file = try SeparateDebugFile(ByteReader(raw))
      #expect(file.cpuName == "x86")
      #expect(file.identifier == "35A6C6D09000")
      #expect(file.imageBase == 0x40_0000)
      #expect(file.sections.sections.map(\.address) == [0x1000, 0x4000, 0x5000])
      #expect(file.exportedNames == ["ParseRecord", "StartQueue", "WorkerThread"])
      #expect(file.imageName(ByteReader(raw)) == "tiny.exe")
      #expect(file.debugData.map(\.type) == [4, 2, 3])
    }
  }

  @Test("lookups through a store: a .dbg filed under NAME/ID/ answers names, lines and parameters")
  func lookups() throws {
    let root = NSTemporaryDirectory() + "dbg-store-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let directory = "\(root)/tiny.dbg/35A6C6D09000"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: Fixtures.path("dbg/tiny-nb11.dbg"), toPath: "\(directory)/tiny.dbg")
    let store = SymbolStore(roots: [root])
    let entry = try #require(
      try store.entry(debugFile: "tiny.dbg", debugIdentifier: "35A6C6D09000"))
    #expect(entry.format == .windows)
    #expect(store.entries(forModule: "TINY").map(\.path) == [entry.path])
    guard case .success(let loaded) = store.load(entry) else {
      Issue.record("the .dbg did not load")
      return
    }
    let inParse = try #require(loaded.source.lookup(0x1075))
    #expect(inParse.function.name == "ParseRecord")
    #expect(inParse.function.line == 7)
    #expect(inParse.function.file == "C:\\src\\tiny\\parse.c")
    #expect(loaded.source.lookup(0x11d4)?.function.name == "StartQueue")
  }

  @Test(
    "damaged files: every prefix, and counts and offsets past the file, end with an error naming the offset"
  )
  func damaged() throws {
    for name in Self.names {
      let bytes = try Self.bytes(name)
      // Every prefix: an error or a (shorter) answer, never a crash.
      for length in stride(from: 0, to: bytes.count, by: 3) {
        let cut = try TemporaryFile(Array(bytes.prefix(length)), suffix: ".dbg")
        _ = try? SymbolFileDumper.symbolFile(at: cut.path)
      }
    }
    let bytes = try Self.bytes("tiny-nb09")
    func patched(_ offset: Int, _ value: UInt32) -> [UInt8] {
      var copy = bytes
      for index in 0..<4 { copy[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
      return copy
    }
    let codeView = try bytes.withUnsafeBytes {
      try #require(try SeparateDebugFile(ByteReader($0)).data(ofType: 2))
    }
    let directory =
      Int(codeView.offset)
      + Int(
        bytes.withUnsafeBytes {
          $0.loadUnaligned(fromByteOffset: Int(codeView.offset) + 4, as: UInt32.self)
        })
    let cases: [(String, [UInt8], String)] = [
      ("section count", patched(24, 0xFFFF_FFFF), "section headers"),
      ("debug directory size", patched(32, 0x7FFF_FFF0), "debug directory"),
      (
        "CodeView directory offset", patched(Int(codeView.offset) + 4, 0xFFFF_0000),
        "CodeView directory"
      ),
      ("CodeView entry count", patched(directory + 4, 0x1000_0000), "CodeView directory"),
    ]
    for (what, damaged, expected) in cases {
      let file = try TemporaryFile(damaged, suffix: ".dbg")
      #expect(throws: SymbolDumpError.self, "\(what)") {
        try SymbolFileDumper.symbolFile(at: file.path)
      }
      do {
        _ = try SymbolFileDumper.symbolFile(at: file.path)
      } catch {
        #expect(error.description.contains(expected), "\(what): \(error.description)")
        #expect(error.description.contains("offset 0x"), "\(what): \(error.description)")
      }
    }
  }
}
