//===--- FileTableTests.swift - FILE records by number ------------------------===//
//
// dump_syms numbers FILE records 0, 1, 2… in order; hand-made and damaged files do
// not. Every order gives the same answers a dictionary (the last record of a number
// wins) would, and numbers that were never recorded answer nothing.
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import CrashTestSupport
import Testing

@Suite("FILE records by number")
struct FileTableTests {
  static func load(files: [(Int, String)]) throws -> BreakpadSymbolFile {
    let records = files.map { "FILE \($0.0) \($0.1)\n" }.joined()
    let file = try TemporaryFile(
      text: "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 app\n" + records + "FUNC 1000 10 0 main\n1000 10 7 3\n",
      suffix: ".sym")
    return try BreakpadSymbolFile(path: file.path)
  }

  @Test("numbered in order from 0, from 1, with gaps: each found, nothing else")
  func inOrder() throws {
    for numbers in [Array(0..<500), Array(1...500), [2, 3, 5, 8, 13, 21, 34]] {
      let symbols = try Self.load(files: numbers.map { ($0, "src/f\($0).c") })
      for number in numbers { #expect(symbols.fileName(number) == "src/f\(number).c") }
      for absent in [-1, numbers.max()! + 1, 4, Int.max, Int.min] where !numbers.contains(absent) {
        #expect(symbols.fileName(absent) == nil, "\(absent)")
      }
    }
  }

  @Test("out of order and repeated: sorted once, the last record of a number wins")
  func outOfOrder() throws {
    let symbols = try Self.load(files: [(7, "seven"), (3, "three"), (7, "seven again"), (0, "zero"), (3, "three again"), (12, "twelve")])
    #expect(symbols.fileName(0) == "zero")
    #expect(symbols.fileName(3) == "three again")
    #expect(symbols.fileName(7) == "seven again")
    #expect(symbols.fileName(12) == "twelve")
    #expect(symbols.fileName(1) == nil && symbols.fileName(13) == nil)
    // The line record (`1000 10 7 3`: line 7 of file 3) resolves its file through the table.
    #expect(symbols.lookup(0x1000)?.function.file == "three again")
  }
}
