//===--- DebuggerMappingsTests.swift - gdb's ?? () frames placed and resolved ---===//
//
// A stripped program's crash under gdb (Tests/Fixtures/pastes/gdb-stripped-mappings.txt)
// prints its own frames as `?? ()`; `info proc mappings` gives each file's load
// address, so the frames become module+offset and resolve against the symbol file of
// the same build made before stripping (Tests/Fixtures/pastes/symbols).
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Symbolication
import Testing

@Suite("Debugger text with mappings")
struct DebuggerMappingsTests {
  static let path = Fixtures.path("pastes/gdb-stripped-mappings.txt")

  @Test("info proc mappings: each file a module at its lowest start less offset, up to its highest end")
  func modules() throws {
    let report = try Analyser().analyse(path: Self.path)
    #expect(report.modules.map(\.name) == [
      "crash", "libc.so.6", "libstdc++.so.6.0.30", "libgcc_s.so.1", "libm.so.6", "ld-linux-x86-64.so.2",
    ])
    let program = try #require(report.modules.first)
    // Mapped at 0x555555554000 (r-xp, offset 0), 0x555555555000 (r--p, offset 0) and
    // 0x555555556000 (rw-p, offset 0x1000): the lowest load address, the last end.
    #expect(program.base.rawValue == 0x5555_5555_4000 && program.size == 0x3000 && program.path == "/tmp/dbg/crash")
    let libc = try #require(report.modules.first { $0.name == "libc.so.6" })
    #expect(libc.base.rawValue == 0x7fff_f7a1_e000 && libc.size == 0x1d_5000)
  }

  @Test("without symbols, ?? () frames read module+offset; with the build's symbol file, its functions and lines")
  func placedAndResolved() throws {
    let report = try Analyser().analyse(path: Self.path)
    let unresolved = Symbolicator(store: SymbolStore(roots: [])).symbolicate(report)
    let crashed = try #require(unresolved.crashedThread)
    #expect(crashed.frames.prefix(4).map { $0.locationText } == ["crash+0xa77", "crash+0xa5f", "crash+0xa5f", "crash+0xa45"])
    #expect(crashed.frames[0].symbol?.printedText == "0x0000555555554a77 in ?? ()", "what gdb printed stays")

    let store = SymbolStore(roots: [Fixtures.path("pastes/symbols")])
    let resolved = try #require(Symbolicator(store: store).symbolicate(report).crashedThread)
    let names = resolved.frames.prefix(4).map { $0.resolution?.lookup.function.name ?? "" }
    let expected = ["void (anonymous namespace)::refresh<(anonymous namespace)::Widget>(", "worker_step(", "worker_step(", "worker("]
    #expect(zip(names, expected).allSatisfy { $0.hasPrefix($1) }, "\(names)")
    #expect(resolved.frames[1].sourceLine?.line == 25 && resolved.frames[3].sourceLine?.line == 34)
  }
}
