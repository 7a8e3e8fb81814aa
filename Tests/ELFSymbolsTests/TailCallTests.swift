//===--- TailCallTests.swift - Frames that tail calls left out, from DWARF -----===//
//
// Tests/Fixtures/core/ledger_tail (GCC -O2, DWARF 5's DW_TAG_call_site) and
// ledger_tail-dwarf4 (the same code, DWARF 4's DW_TAG_GNU_call_site):
// ledger_main calls ledger_post, which jumps to ledger_book, which jumps to
// journal_append. The call returning into ledger_main reached ledger_post, so
// the frame of journal_append below it was reached through both jumps. The
// search itself is checked on call sites stated here: several chains, clones,
// calls into another module, cycles. (scripts/check-cores compares the tail-call
// frames gdb shows for programs on the C library, across modules, in CI.)
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
@testable import ELFSymbols
import Testing

@Suite("Tail calls from DWARF call sites")
struct TailCallTests {
  @Test("both DWARF forms: the jumps' sites between ledger_main's call and journal_append, innermost first", arguments: ["ledger_tail", "ledger_tail-dwarf4"])
  func chainFromFixture(name: String) throws {
    let file = try ELFSymbolFile(path: Fixtures.path("core/\(name)"))
    #expect(file.loadAddress == 0x40_0000)
    let callee = try #require(file.lookup(0x102f)).functionStart
    #expect(file.lookup(callee)?.function.name == "journal_append")
    // 0x1086: after ledger_main's call of ledger_post; 0x104a and 0x105b after the jumps.
    let sites = file.tailCallSites(returnAddress: 0x1086, calleeStart: callee)
    #expect(sites == [0x104a, 0x105b])
    #expect(sites.compactMap { file.lookup($0 - 1)?.function.name } == ["ledger_book", "ledger_post"])
    // The call reached the frame's own function (ledger_main, called from _start): nothing between.
    let main = try #require(file.lookup(0x1086)).functionStart
    #expect(file.tailCallSites(returnAddress: 0x1007, calleeStart: main).isEmpty)
    // No call site returns there: nothing.
    #expect(file.tailCallSites(returnAddress: 0x1085, calleeStart: callee).isEmpty)
    // Another module's call names the function: found by its DWARF name, or its symbol's.
    #expect(file.tailCallSites(fromFunctionNamed: "ledger_post", calleeStart: callee) == [0x104a, 0x105b])
    #expect(file.symbols.addresses(named: "ledger_book", limit: 4) == [0x40_1040])
    #expect(file.symbols.addresses(named: "ledger", limit: 4).isEmpty)
    #expect(file.tailCallSites(fromFunctionNamed: "ledger", calleeStart: callee).isEmpty)
  }

  /// Call sites stated as (return address, target, is tail, in function).
  static func sites(_ rows: [(UInt64, UInt64, Bool, UInt64)]) -> DWARFCallSites {
    let records = rows.enumerated().map { index, row in
      DWARFCallSites.Record(returnAddress: row.0, origin: UInt64(index), originName: -1, isTail: row.2, caller: row.3)
    }
    var entries = CandidateTable<UInt64>()
    for (index, row) in rows.enumerated() { entries.add(row.1, for: UInt64(index)) }
    return DWARFCallSites(records: records, entriesByDIE: entries, entriesByName: CandidateTable())
  }

  @Test("a call of an abstract function with two concrete copies (a clone): the copy that leads to the frame")
  func candidates() {
    // main calls f (DIE 1), whose copies are 0x200 and 0x280 (`f.constprop.0`); only the clone jumps to c.
    let records = [
      DWARFCallSites.Record(returnAddress: 0x110, origin: 1, originName: -1, isTail: false, caller: 0x100),
      DWARFCallSites.Record(returnAddress: 0x290, origin: 2, originName: -1, isTail: true, caller: 0x280),
      DWARFCallSites.Record(returnAddress: 0x120, origin: 9, originName: 7, isTail: false, caller: 0x100),
    ]
    var entries = CandidateTable<UInt64>()
    entries.add(0x200, for: 1)
    entries.add(0x280, for: 1)
    entries.add(0x200, for: 1)
    entries.add(0x500, for: 2)
    let calls = DWARFCallSites(records: records, entriesByDIE: entries, entriesByName: CandidateTable())
    #expect(calls.targets(ofCallReturningTo: 0x110) == [0x200, 0x280])
    #expect(calls.tailCallSites(returnAddress: 0x110, callee: 0x500) == [0x290])
    // A call of a function no concrete copy here is: its name, for the module that has it.
    #expect(calls.externalTarget(ofCallReturningTo: 0x120) == 7 && calls.externalTarget(ofCallReturningTo: 0x110) == nil)
    #expect(calls.tailCallSites(from: [0x280], callee: 0x500) == [0x290])
  }

  @Test("several chains: only the jumps all of them begin and end with, as gdb keeps them")
  func severalChains() {
    // main (0x100) calls b (0x200); b jumps to x (0x300) or y (0x400); both jump to c (0x500).
    let calls = Self.sites([
      (0x110, 0x200, false, 0x100), (0x210, 0x300, true, 0x200), (0x220, 0x400, true, 0x200),
      (0x310, 0x500, true, 0x300), (0x410, 0x500, true, 0x400),
    ])
    #expect(calls.tailCallSites(returnAddress: 0x110, callee: 0x500).isEmpty)
    // b jumps to x by one jump only, and x or y reach c: b's jump is shared, x's and y's are not.
    let shared = Self.sites([
      (0x110, 0x200, false, 0x100), (0x210, 0x300, true, 0x200), (0x310, 0x500, true, 0x300),
      (0x320, 0x400, true, 0x300), (0x410, 0x500, true, 0x400),
    ])
    #expect(shared.tailCallSites(returnAddress: 0x110, callee: 0x500) == [0x210])
    // One chain: all of it, innermost first.
    let single = Self.sites([(0x110, 0x200, false, 0x100), (0x210, 0x300, true, 0x200), (0x310, 0x500, true, 0x300)])
    #expect(single.tailCallSites(returnAddress: 0x110, callee: 0x500) == [0x310, 0x210])
    // The call reached the callee itself.
    #expect(single.tailCallSites(returnAddress: 0x110, callee: 0x200).isEmpty)
  }

  @Test("cycles and fan-out end: a function jumping to itself or a maze of jumps gives an answer, never a hang")
  func cycles() {
    var rows: [(UInt64, UInt64, Bool, UInt64)] = [(0x110, 0x1000, false, 0x100)]
    // 0x1000 … 0x1f00 each jump to the next two and back to the first: thousands of paths.
    for index in 0..<16 {
      let function = 0x1000 + UInt64(index) * 0x100
      rows.append((function + 0x10, 0x1000 + UInt64((index + 1) % 16) * 0x100, true, function))
      rows.append((function + 0x20, 0x1000 + UInt64((index + 2) % 16) * 0x100, true, function))
      rows.append((function + 0x30, function, true, function))
    }
    let maze = Self.sites(rows)
    #expect(maze.tailCallSites(returnAddress: 0x110, callee: 0x9999).isEmpty)
    #expect(maze.tailCallSites(returnAddress: 0x110, callee: 0x1f00).count <= DWARFCallSites.maximumDepth)
  }
}
