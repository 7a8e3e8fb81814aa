//===--- SwiftNamesTests.swift - A Swift program's symbols, demangled ----------===//
//
// Tests/Fixtures/elf/swift_names is built from elf/src/ledger.swift by swiftc
// (elf/build.sh): its symbol table and DWARF linkage names are Swift-mangled.
// Lookups and the Breakpad file written from it name functions as Swift's
// backtracer does (`Journal.close()`), not as the linker saw them.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import ELFSymbols
import Testing

@Suite("A Swift program's ELF symbols are demangled")
struct SwiftNamesTests {
  static let expectedFunctions = [
    "Journal.close()", "Ledger.post(_:)", "total<A>(_:)", "implicit closure #1 in Journal.close()",
  ]

  @Test("the Breakpad file names Swift functions as the backtracer prints them")
  func breakpadFunctions() throws {
    let symbols = try ELFSymbolFile(path: Fixtures.path("elf/swift_names"))
    let text = symbols.breakpadSymbolFile()
    let names = Set(
      text.split(separator: "\n").filter { $0.hasPrefix("FUNC ") }.map {
        // FUNC address size parameter-size name (the name may hold spaces).
        String($0.split(separator: " ", maxSplits: 4)[4])
      })
    for expected in Self.expectedFunctions { #expect(names.contains(expected), "no FUNC \(expected)") }
    #expect(!names.contains { $0.hasPrefix("$s") }, "a mangled name is left: \(names.filter { $0.hasPrefix("$s") })")
  }

  @Test("an address inside a Swift method looks up to its demangled name")
  func lookup() throws {
    let symbols = try ELFSymbolFile(path: Fixtures.path("elf/swift_names"))
    let text = symbols.breakpadSymbolFile()
    let record = try #require(text.split(separator: "\n").first { $0.hasPrefix("FUNC ") && $0.hasSuffix(" Ledger.post(_:)") })
    let start = try #require(UInt64(record.split(separator: " ")[1], radix: 16))
    let answer = try #require(symbols.lookup(start + 4))
    #expect(answer.function.name == "Ledger.post(_:)")
    #expect(answer.function.file?.hasSuffix("ledger.swift") == true)
  }
}
