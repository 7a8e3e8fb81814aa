//===--- PytestFailureTests.swift - Failing tests as pytest prints them --------===//
//
// The fixture (Tests/Fixtures/pastes/pytest-failures.txt) is composed in the
// layout pytest 8 prints by default (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("pytest's failures")
struct PytestFailureTests {
  @Test("the default layout: long and short entries, a chained cause, two failing tests; the first test's cause crashed")
  func defaultLayout() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/pytest-failures.txt"), encoding: .utf8))
    #expect(
      report.stacks.map(\.label) == [
        "test_close: KeyError: 'ACC-1042'", "test_close: LookupError: no account ACC-1042",
        "TestLedger.test_sum: AssertionError: assert 2 == 3",
      ])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false])
    #expect(report.stacks.allSatisfy { $0.format == .pytest })
    let chained = report.stacks[1]
    #expect(chained.frames.map { $0.symbol?.function ?? "" } == ["load", "close", "test_close"])
    #expect(
      chained.frames.map(\.sourceLine) == [
        SourceLine(file: "ledger/store.py", line: 90), SourceLine(file: "ledger/api.py", line: 31),
        SourceLine(file: "tests/test_ledger.py", line: 12),
      ])
    #expect(chained.lines == LineRange(20, 41))
    #expect(report.system.first { $0.key == "Python exception" }?.value == "LookupError: no account ACC-1042")
    #expect(report.system.first { $0.key == "Python root cause" }?.value == "KeyError: 'ACC-1042'")
  }

  @Test("`--tb=short`: every entry `path:line: in function` over its source; a parametrized test's name, xdist's worker line")
  func shortLayout() {
    let report = decodeReport(
      """
      ___________________________ test_close[ACC 1042-100] ___________________________
      [gw1] linux -- Python 3.12.3 /home/runner/work/ledger/.venv/bin/python
      tests/test_ledger.py:12: in test_close
          ledger.close("ACC-1042")
      ledger/api.py:31: in close
          return self._store.load(account)
      E   KeyError: 'ACC-1042'
      =========================== short test summary info ============================
      """)
    #expect(report.stacks.count == 1)
    #expect(report.stacks.first?.frames.map { $0.symbol?.function ?? "" } == ["close", "test_close"])
    #expect(report.stacks.first?.label == "test_close[ACC 1042-100]: KeyError: 'ACC-1042'")
  }

  @Test("a rule of underscores around words that are no test, and a log's times, are no failure")
  func notFailures() {
    let report = decodeReport(
      """
      ___ notes ___
      12:30:45: started
      """)
    #expect(report.stacks.isEmpty)
  }
}
