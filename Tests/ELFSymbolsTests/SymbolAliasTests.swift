//===--- SymbolAliasTests.swift - One function, several names -----------------===//
//
// Tests/Fixtures/elf/aliases.so holds one function under two global names (as
// glibc holds `clone3` and `__clone3`): a listing that printed either agrees
// with the file.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import ELFSymbols
import Testing

@Suite("ELF symbol aliases")
struct SymbolAliasTests {
  @Test("every name at a function's start; none elsewhere")
  func aliases() throws {
    let file = try ELFSymbolFile(path: Fixtures.path("elf/aliases.so"))
    let answer = try #require(file.lookup(0x1340))
    #expect(Set(file.names(startingAt: answer.functionStart)) == ["ledger_close", "__ledger_close"])
    #expect(file.names(startingAt: answer.functionStart + 1).isEmpty)
  }
}
