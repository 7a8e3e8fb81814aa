//===--- SymbolizerAgreementTests.swift - Same answers as llvm-symbolizer ---===//
//
// Every address of the fixtures' .text sections, resolved by ELFSymbolFile and
// by `llvm-symbolizer --inlining` (its output committed beside the binaries by
// Tests/Fixtures/elf/build.sh): function chain, file, line and column must be
// identical, line by line.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import ELFSymbols
import Foundation
import Testing

@Suite("ELF/DWARF answers agree with llvm-symbolizer")
struct SymbolizerAgreementTests {
  /// Our answer in llvm-symbolizer's LLVM output style: `name` then `file:line:column` per frame.
  static func llvmStyle(_ answer: SymbolLookup?) -> [String] {
    guard let answer else { return ["??", "??:0:0"] }
    return answer.frames.flatMap { frame in
      [frame.name.isEmpty ? "??" : frame.name, "\(frame.file ?? "??"):\(frame.line ?? 0):\(frame.column ?? 0)"]
    }
  }

  /// The committed llvm-symbolizer output: one block of lines per address.
  static func referenceBlocks(_ name: String) throws -> [[String]] {
    let text = try String(contentsOfFile: Fixtures.path("elf/\(name).llvm-symbolizer.txt"), encoding: .utf8)
    return text.components(separatedBy: "\n\n").map { $0.split(separator: "\n").map(String.init) }
      .filter { !$0.isEmpty }
  }

  static func addresses(_ name: String) throws -> [UInt64] {
    let text = try String(contentsOfFile: Fixtures.path("elf/\(name).addresses"), encoding: .utf8)
    return try text.split(separator: "\n").map { try #require(UInt64($0.dropFirst(2), radix: 16)) }
  }

  @Test("every .text address resolves as llvm-symbolizer resolves it", arguments: ["inline_demo", "inline_demo_clang"])
  func everyAddress(binary: String) throws {
    let symbols = try ELFSymbolFile(path: Fixtures.path("elf/\(binary)"))
    #expect(symbols.hasDWARF)
    let addresses = try Self.addresses(binary)
    let reference = try Self.referenceBlocks(binary)
    try #require(addresses.count == reference.count)
    var mismatches: [String] = []
    var inlined = 0
    for (address, expected) in zip(addresses, reference) {
      let ours = Self.llvmStyle(symbols.lookup(address))
      if ours.count > 2 { inlined += 1 }
      if ours != expected {
        mismatches.append("0x\(String(address, radix: 16)): ours \(ours) llvm \(expected)")
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) of \(addresses.count) differ; first: \(mismatches.prefix(5))")
    #expect(inlined > 50, "the fixture should exercise inlined frames")
  }

  @Test("covers answers as lookup does, inside .text and around it", arguments: ["inline_demo", "inline_demo_clang"])
  func coversAgrees(binary: String) throws {
    let symbols = try ELFSymbolFile(path: Fixtures.path("elf/\(binary)"))
    let addresses = try Self.addresses(binary)
    let low = (addresses.min() ?? 0) &- 0x200
    let high = (addresses.max() ?? 0) &+ 0x2000
    var covered = 0
    for address in stride(from: low, through: high, by: 3) {
      let answers = symbols.lookup(address) != nil
      #expect(symbols.covers(address) == answers, "0x\(String(address, radix: 16))")
      if answers { covered += 1 }
    }
    #expect(covered > addresses.count / 4)
  }
}
