//===--- TerminalAndCILogTests.swift - Colours and time columns, taken out ------===//
//
// Tests/Fixtures/pastes/github-actions-rust.log is composed as GitHub Actions
// writes a job's raw log (each line's UTC time, cargo's colours kept); the
// README names its parts. The KB articles are tried with colours and time
// columns too (PasteTransformTests).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import Testing

@testable import StackText

@Suite("Terminal escapes and CI time columns")
struct TerminalAndCILogTests {
  static func stripped(_ text: String) -> String {
    var output: [UInt8] = []
    Array(text.utf8).withUnsafeBufferPointer { TerminalEscapes.strip($0, into: &output) }
    return String(decoding: output, as: UTF8.self)
  }

  @Test(
    "ECMA-48's sequences are removed, the text between them kept",
    arguments: [
      ("\u{1B}[0;31mZeroDivisionError\u{1B}[0m: division by zero", "ZeroDivisionError: division by zero"),
      ("\u{1B}[38;5;241m1\u{1B}[39m, x", "1, x"),
      ("frame\u{1B}[K", "frame"),
      // OSC 8 hyperlinks, ended by ST and by BEL.
      ("\u{1B}]8;;file:///src/ledger.rs\u{1B}\\ledger.rs\u{1B}]8;;\u{1B}\\:42", "ledger.rs:42"),
      ("\u{1B}]0;title\u{07}text", "text"),
      // A character set and a keypad mode; a sequence cut by the end of the line.
      ("\u{1B}(Btext\u{1B}=", "text"), ("text\u{1B}[1;3", "text"), ("text\u{1B}", "text"),
      // A malformed CSI ends before the byte that is no part of it.
      ("\u{1B}[12\u{07}x", "\u{07}x"),
    ])
  func strip(input: String, expected: String) {
    #expect(Self.stripped(input) == expected)
  }

  static func columnEnd(_ text: String) -> Int? {
    Array(text.utf8).withUnsafeBufferPointer { CITimeColumn.end($0, from: 0) }
  }

  @Test("CI time columns: GitHub's, GitLab's with its stream marker, Jenkins' in brackets")
  func timeColumns() {
    #expect(Self.columnEnd("2026-11-30T10:15:09.9100000Z thread 'main' panicked") == 29)
    #expect(Self.columnEnd("2026-11-30T10:15:09Z x") == 21)
    #expect(Self.columnEnd("2026-11-30T10:15:09.910486Z 00O Traceback (most recent call last):") == 32)
    #expect(Self.columnEnd("2026-11-30T10:15:09.910486Z 01E+ x") == 33)
    #expect(Self.columnEnd("[2026-11-30T10:15:09.910Z] #0  0x000055d0c2a4b1ad in main ()") == 27)
  }

  @Test(
    "times that are not a CI log's column stay",
    arguments: [
      // The journal's local time (a kernel log's reader knows it), a time without its zone,
      // a kd row, a date alone, a Go test's time.
      "2026-11-30T10:15:09+0100 host kernel: BUG: unable to handle page fault",
      "2026-11-30T10:15:09.123 ledgerd[42]: started", "0012f9a0 77f8e9a4 00000000 KERNEL32!RaiseException+0x56",
      "2026-11-30 10:15:09Z x", "2026-11-30T10:15:09.Z x", "[2026-11-30T10:15:09.910Z]x",
    ])
  func notTimeColumns(line: String) {
    #expect(Self.columnEnd(line) == nil)
  }

  @Test("a coloured GitHub Actions log: the panic's frames, as from the terminal")
  func githubActionsLog() throws {
    let text = try String(contentsOfFile: Fixtures.path("pastes/github-actions-rust.log"), encoding: .utf8)
    let report = decodeReport(text)
    let frames = try #require(report.stacks.first?.frames)
    #expect(report.stacks.count == 1)
    #expect(frames.map { $0.symbol?.function ?? "" }.prefix(6) == [
      "rust_begin_unwind", "core::panicking::panic_fmt", "core::panicking::panic", "core::option::unwrap_failed",
      "ledgercore::ledger::Ledger::close", "ledgercore::ledger::tests::close_empty",
    ])
    #expect(frames[4].sourceLine?.file == "./src/ledger.rs" && frames[4].sourceLine?.line == 42)
  }
}
