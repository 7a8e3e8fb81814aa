//===--- EUAddr2lineAgreementTests.swift - Same answers as eu-addr2line -----===//
//
// `eu-addr2line -f -i --pretty-print` (elfutils 0.188) on every .text address of
// the gcc fixture, committed by Tests/Fixtures/elf/build.sh. eu-addr2line does not
// read STT_FILE symbols, so where it prints `??:0` for code without DWARF we
// compare the function name only.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import ELFSymbols
import Foundation
import Testing

@Suite("ELF/DWARF answers agree with eu-addr2line")
struct EUAddr2lineAgreementTests {
  /// One address's frames as `name at file:line[:column]`, innermost first.
  static func referenceChains() throws -> [[String]] {
    let text = try String(contentsOfFile: Fixtures.path("elf/inline_demo.eu-addr2line.txt"), encoding: .utf8)
    var chains: [[String]] = []
    for line in text.split(separator: "\n") {
      if line.hasPrefix(" (inlined by) ") {
        chains[chains.count - 1].append(String(line.dropFirst(" (inlined by) ".count)))
      } else {
        chains.append([String(line)])
      }
    }
    return chains
  }

  @Test("every .text address of the gcc fixture: the same chain, files and lines")
  func everyAddress() throws {
    let symbols = try ELFSymbolFile(path: Fixtures.path("elf/inline_demo"))
    let addresses = try SymbolizerAgreementTests.addresses("inline_demo")
    let reference = try Self.referenceChains()
    try #require(addresses.count == reference.count)
    var mismatches: [String] = []
    for (address, expected) in zip(addresses, reference) {
      let frames = symbols.lookup(address)?.frames ?? []
      let ours = frames.map { frame -> String in
        let name = frame.name.isEmpty ? "??" : frame.name
        guard let file = frame.file, let line = frame.line else { return "\(name) at ??:0" }
        return "\(name) at \(file):\(line)" + (frame.column.map { ":\($0)" } ?? "")
      }
      let comparable = zip(ours, expected).map { mine, theirs in
        theirs.hasSuffix(" at ??:0") ? String(mine.prefix { $0 != " " }) + " at ??:0" : mine
      }
      if comparable != expected && !(ours.isEmpty && expected == ["?? at ??:0"]) {
        mismatches.append("0x\(String(address, radix: 16)): ours \(ours) eu \(expected)")
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) of \(addresses.count) differ; first: \(mismatches.prefix(5))")
  }
}
