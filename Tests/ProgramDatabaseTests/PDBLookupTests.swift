//===--- PDBLookupTests.swift - Lookups through a PDB equal llvm-symbolizer's -===//
//
// tiny.dll + tiny.pdb (Tests/Fixtures/pdb, built by its build.sh) at every code
// byte: the function holding the address and its line equal the outermost frame
// llvm-symbolizer printed for the same address (tiny.llvm-symbolizer.txt). Names
// compare up to the argument list, which Breakpad symbol files from PDBs add.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import Symbolication
import Testing

@Suite("PDB lookups agree with llvm-symbolizer")
struct PDBLookupTests {
  @Test("every code byte of tiny.dll: function and line as llvm-symbolizer reads them from tiny.pdb")
  func everyByte() throws {
    let folder = Fixtures.path("pdb")
    let source = try SymbolFileDumper.symbolSource(at: "\(folder)/tiny.dll")
    let reference = try String(contentsOfFile: "\(folder)/tiny.llvm-symbolizer.txt", encoding: .utf8)
    let blocks = reference.components(separatedBy: "\n\n").filter { !$0.isEmpty }
    #expect(blocks.count == 0x35)
    for (offset, block) in blocks.enumerated() {
      let lines = block.split(separator: "\n")
      // The last pair is the physical function: its name, then file:line:column.
      let name = String(lines[lines.count - 2])
      let line = Int(lines[lines.count - 1].split(separator: ":").dropLast().last ?? "") ?? -1
      let lookup = try #require(source.lookup(UInt64(0x1000 + offset)), "0x\(String(0x1000 + offset, radix: 16))")
      #expect(lookup.function.name.prefix { $0 != "(" } == name[...], "0x\(String(0x1000 + offset, radix: 16))")
      #expect(lookup.frames.last?.line == line, "0x\(String(0x1000 + offset, radix: 16))")
    }
  }
}
