//===--- DamagedFileTests.swift - Symbol files from strangers ----------------===//
//
// Truncated, binary, unordered, overlapping and garbage-filled files load
// without crashing; damage is reported with line numbers; past the error
// budget the file is marked corrupt and what was readable still answers.
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import CrashCore
import CrashTestSupport
import Foundation
import Testing

@Suite("Damaged Breakpad symbol files")
struct DamagedFileTests {
  static let header = "MODULE windows x86 0123456789ABCDEF0123456789ABCDEF1 sample.pdb\nFILE 1 c:\\src\\a.c\n"

  static func load(_ text: String) throws -> BreakpadSymbolFile {
    let file = try TemporaryFile(text: text, suffix: ".sym")
    return try BreakpadSymbolFile(path: file.path)
  }

  @Test(
    "a file cut in the middle of a record keeps everything before the cut",
    .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func truncated() throws {
    let whole = try String(
      contentsOfFile: SharedFixtures.path(
        "fixtures/breakpad/symbols/test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym"), encoding: .utf8)
    let cut = String(whole.utf8.prefix(whole.utf8.count / 2))!
    let symbols = try Self.load(String(cut.dropLast(3)))
    #expect(symbols.lookup(0x41b0)?.function.name == "main")
    #expect(symbols.functionCount > 100)
    #expect(symbols.isCorrupt == false)
  }

  @Test("binary bytes: no crash, the file is marked corrupt, diagnostics are capped")
  func binary() throws {
    let file = try TemporaryFile(Array(SeededBytes(seed: 7, count: 1 << 20)), suffix: ".sym")
    let symbols = try BreakpadSymbolFile(path: file.path)
    #expect(symbols.isCorrupt)
    #expect(symbols.module == nil)
    #expect(symbols.diagnostics.count <= BreakpadLoadOptions().errorBudget + 51)
    #expect(symbols.errorCount > BreakpadLoadOptions().errorBudget)
  }

  @Test("records out of order are sorted and answer as if they were in order")
  func outOfOrder() throws {
    let text =
      Self.header + """
      FUNC 3000 10 0 third
      3000 10 30 1
      FUNC 1000 20 4 first
      1000 8 10 1
      1008 18 11 1
      FUNC 2000 10 0 second
      PUBLIC 2800 0 between
      PUBLIC 1800 0 earlier
      PUBLIC 900 0 below

      """
    let symbols = try Self.load(text)
    #expect(symbols.lookup(0x1009)?.function.name == "first")
    #expect(symbols.lookup(0x1009)?.sourceLine?.description == "c:\\src\\a.c:11")
    #expect(symbols.lookup(0x2005)?.function.name == "second")
    #expect(symbols.lookup(0x3000)?.sourceLine?.line == 30)
    #expect(symbols.lookup(0x2900)?.function.name == "between")
    #expect(symbols.lookup(0x2900)?.kind == .publicSymbol)
    // A PUBLIC below the nearest FUNC start does not extend past it.
    #expect(symbols.lookup(0x1030) == nil)
    #expect(symbols.lookup(0x1900)?.function.name == "earlier")
    #expect(symbols.lookup(0x950)?.function.name == "below")
    #expect(symbols.diagnostics.contains { $0.message.contains("not in address order") })
    #expect(symbols.errorCount == 0)
  }

  @Test("a function overlapping an earlier one is dropped with a warning naming both lines")
  func overlapping() throws {
    let text =
      Self.header + """
      FUNC 1000 100 0 outer
      FUNC 1080 10 0 overlapping
      FUNC 1100 10 0 after

      """
    let symbols = try Self.load(text)
    #expect(symbols.functionCount == 2)
    #expect(symbols.lookup(0x1085)?.function.name == "outer")
    #expect(symbols.lookup(0x1100)?.function.name == "after")
    let warning = try #require(symbols.diagnostics.first { $0.severity == .warning })
    #expect(warning.line == 4)
    #expect(warning.message.contains("line 3"))
  }

  @Test("damaged records are reported with their line numbers and skipped")
  func damagedRecords() throws {
    let text =
      Self.header + """
      FUNC 1000 zz 0 bad_size
      1000 4 1 1
      FUNC 2000 10 0 good
      2000 4 notanumber 1
      2004 c 12 1
      PUBLIC 3000
      STACK WIN 9 1000 10 0 0 0 0 0 0 0 0
      STACK CFI INIT 1000
      INLINE 0 1
      FUNC ffffffffffffff00 200 0 wraps
      FUNC 10000000000000000 1 0 too_wide

      """
    let symbols = try Self.load(text)
    let lines = symbols.diagnostics.filter { $0.severity == .error }.compactMap(\.line)
    #expect(lines == [3, 4, 6, 8, 9, 10, 11, 12, 13])
    #expect(symbols.lookup(0x2005)?.function.name == "good")
    #expect(symbols.lookup(0x2005)?.sourceLine?.line == 12)
    #expect(symbols.lookup(0x2001)?.sourceLine == nil)
    #expect(symbols.isCorrupt == false)
  }

  @Test("a million garbage lines: loads, marked corrupt, diagnostics stop at the budget")
  func millionGarbageLines() throws {
    var text = Self.header + "FUNC 1000 10 0 survivor\n"
    text.reserveCapacity(20_000_000)
    for index in 0..<1_000_000 { text += "garbage line \(index) with words\n" }
    text += "FUNC 2000 10 0 after_the_garbage\n"
    let symbols = try Self.load(text)
    #expect(symbols.isCorrupt)
    #expect(symbols.errorCount == 1_000_000)
    #expect(symbols.diagnostics.count == BreakpadLoadOptions().errorBudget + 1)
    #expect(symbols.lookup(0x1000)?.function.name == "survivor")
    #expect(symbols.lookup(0x2000)?.function.name == "after_the_garbage")
  }

  @Test("CRLF line ends, empty files, a file with no MODULE")
  func lineEndsAndEmpty() throws {
    let crlf = try Self.load(Self.header.replacingOccurrences(of: "\n", with: "\r\n") + "FUNC 10 8 0 f\r\n10 8 7 1\r\n")
    #expect(crlf.lookup(0x12)?.sourceLine?.description == "c:\\src\\a.c:7")
    #expect(crlf.module?.debugFile == "sample.pdb")
    #expect(crlf.errorCount == 0)

    let empty = try Self.load("")
    #expect(empty.lookup(0) == nil)
    #expect(empty.module == nil)

    let headless = try Self.load("FUNC 10 8 0 f\n")
    #expect(headless.lookup(0x10)?.function.name == "f")
    #expect(headless.diagnostics.contains { $0.message.contains("no MODULE") })
  }

  @Test("a missing file and a directory are errors naming the path")
  func unreadable() {
    #expect(throws: BreakpadSymbolError.self) { try BreakpadSymbolFile(path: "/nonexistent/x.sym") }
    do {
      _ = try BreakpadSymbolFile(path: NSTemporaryDirectory())
      Issue.record("a directory loaded")
    } catch {
      #expect(error.description.contains("not a regular file"))
    }
  }

  @Test("STACK CFI: the INIT rules and the deltas up to the address, in order")
  func cfiRules() throws {
    let text =
      Self.header + """
      STACK CFI INIT 1000 20 .cfa: $esp 4 + .ra: .cfa 4 - ^
      STACK CFI 1001 .cfa: $esp 8 +
      STACK CFI 1003 .cfa: $ebp 8 + $ebp: .cfa 8 - ^
      STACK CFI 1030 .cfa: $esp 4 +

      """
    let symbols = try Self.load(text)
    #expect(symbols.cfiRules(at: 0x1000)?.rules == [".cfa: $esp 4 + .ra: .cfa 4 - ^"])
    #expect(symbols.cfiRules(at: 0x1002)?.rules.count == 2)
    #expect(symbols.cfiRules(at: 0x101f)?.rules.last == ".cfa: $ebp 8 + $ebp: .cfa 8 - ^")
    #expect(symbols.cfiRules(at: 0x1020) == nil)
  }

  @Test("a 1 MB FUNC name is cut to the documented cap, with the marker")
  func hugeName() throws {
    let name = String(repeating: "A", count: 1 << 20)
    let file = try Self.load(Self.header + "FUNC 1000 10 0 \(name)\n1000 10 1 1\nPUBLIC 2000 0 \(name)\n")
    let function = try #require(file.lookup(0x1004)?.function.name)
    #expect(function.utf8.count == TextLimits.maximumNameBytes)
    #expect(function.hasSuffix(TextLimits.cutMarker) && function.hasPrefix("AAAA"))
    let publicName = try #require(file.lookup(0x2000)?.function.name)
    #expect(publicName.utf8.count == TextLimits.maximumNameBytes)
  }
}
