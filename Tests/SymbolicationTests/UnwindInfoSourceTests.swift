//===--- UnwindInfoSourceTests.swift - Which sources unwind, without a cast ---===//
//
// The store asks a loaded source for its unwind records through
// `SymbolSource.unwindInfoSource` rather than a dynamic cast (whose first use
// scans every protocol conformance in the program). Each reader that unwinds
// must answer with itself, and one that does not with nil.
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import CrashCore
import CrashTestSupport
import ELFSymbols
import MapFiles
import Testing

@Suite("Symbol sources that unwind")
struct UnwindInfoSourceTests {
  @Test("Breakpad and ELF sources unwind (themselves), a linker map does not")
  func answers() throws {
    let file = try TemporaryFile(
      text: "MODULE windows x86 0123456789ABCDEF0123456789ABCDEF1 demo.pdb\nFUNC 1000 10 0 f\nSTACK WIN 4 1000 10 0 0 0 0 0 0 0 0\n",
      suffix: ".sym")
    let breakpad: any SymbolSource = try BreakpadSymbolFile(path: file.path)
    #expect(breakpad.unwindInfoSource.map { $0 as AnyObject } === breakpad)
    #expect(breakpad.unwindInfoSource?.windowsFrameInfo(at: 0x1004) != nil)

    let elf: any SymbolSource = try ELFSymbolFile(path: Fixtures.path("elf/arm64_frames.so"))
    #expect(elf.unwindInfoSource.map { $0 as AnyObject } === elf)

    let map: any SymbolSource = try LinkerMapFile(path: Fixtures.path("map/lld_demo.map"))
    #expect(map.unwindInfoSource == nil)
  }
}
