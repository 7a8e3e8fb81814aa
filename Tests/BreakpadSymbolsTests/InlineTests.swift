//===--- InlineTests.swift - INLINE and INLINE_ORIGIN, old and new forms -----===//

import BreakpadSymbols
import CrashCore
import CrashTestSupport
import Testing

@Suite("Breakpad inline records", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
struct InlineTests {
  static let directory = SharedFixtures.path("fixtures/breakpad/symbols/linux_inline/BBA6FA10B8AAB33D00000000000000000")

  @Test("new form: the chain innermost first, each caller at the call site of the call inside it")
  func newFormChain() throws {
    let symbols = try BreakpadSymbolFile(path: Self.directory + "/linux_inline.new.sym")
    let answer = try #require(symbols.lookup(0x15b83))
    #expect(answer.frames.map(\.name) == ["func()", "bar()", "foo()", "main"])
    #expect(answer.frames.map { $0.sourceLine?.description } == ["linux_inline.cpp:9", "c.cpp:32", "b.cpp:39", "a.cpp:42"])
    #expect(answer.functionStart == 0x15b30)
    #expect(answer.functionSize == 0x6cf)
    #expect(answer.lineStart == 0x15b83)
    #expect(symbols.module?.operatingSystem == "Linux")
    #expect(symbols.codeIdentifier == "10FAA6BBAAB83DB3")
  }

  @Test("an address inside only the outer inlined call gets a shorter chain")
  func partialChain() throws {
    let symbols = try BreakpadSymbolFile(path: Self.directory + "/linux_inline.new.sym")
    let answer = try #require(symbols.lookup(0x15b50))
    #expect(answer.frames.map(\.name) == ["foo()", "main"])
    #expect(answer.frames.map { $0.sourceLine?.description } == ["linux_inline.cpp:36", "a.cpp:42"])
    let outside = try #require(symbols.lookup(0x15b30))
    #expect(outside.frames.map(\.name) == ["main"])
    #expect(outside.sourceLine?.description == "linux_inline.cpp:41")
  }

  @Test("old form: same chain and call lines; no call-site files in that form")
  func oldFormChain() throws {
    let symbols = try BreakpadSymbolFile(path: Self.directory + "/linux_inline.old.sym")
    let answer = try #require(symbols.lookup(0x15b83))
    #expect(answer.frames.map(\.name) == ["func()", "bar()", "foo()", "main"])
    #expect(answer.frames.map(\.line) == [9, 32, 39, 42])
    #expect(answer.frames.map(\.file) == ["linux_inline.cpp", nil, nil, nil])
    #expect(symbols.errorCount == 0)
  }

  @Test("past the end of the function there is no answer")
  func pastTheEnd() throws {
    let symbols = try BreakpadSymbolFile(path: Self.directory + "/linux_inline.new.sym")
    #expect(symbols.lookup(0x15b30 + 0x6cf) == nil)
    #expect(symbols.lookup(0x100) == nil)
  }
}
