//===--- PasteShapeTests.swift - The shapes pasted text takes -----------------===//
//
// One composed example per shape: quoting at mixed depths, markdown fences,
// escapes and bullets, web typography, kP argument lists on indented lines,
// prompts and debugger messages interleaved, hard wraps mid-token, and listings
// whose line breaks were lost.
//
//===----------------------------------------------------------------------===//

import CrashCore
import StackText
import Testing

@Suite("Pasted shapes")
struct PasteShapeTests {
  static let rows = [
    "0012f9a0 77f8e9a4 00000001 00000002 00000003 STORE!EcGetProp+0x12",
    "0012fa00 77f8e9b4 00000004 00000005 00000006 STORE!EcReadMsg+0x10",
    "0012fa40 004a1b2c 00000007 00000008 00000009 STORE!EcDoRpc+0x91",
  ]
  static let listing = (["ChildEBP RetAddr  Args to Child"] + rows).joined(separator: "\n") + "\n"
  static let expected = ["STORE!EcGetProp+0x12", "STORE!EcReadMsg+0x10", "STORE!EcDoRpc+0x91"]

  static func symbols(_ text: String) -> [[String]] {
    decodeReport(text).stacks.map { $0.frames.map(\.text) }
  }

  @Test("quoted by mail and forums: >, > , >>, > > and | at mixed depths in one listing")
  func quoting() {
    let mixed = """
      On Tuesday, someone wrote:
      > ChildEBP RetAddr  Args to Child
      >> \(Self.rows[0])
      > > \(Self.rows[1])
      >\(Self.rows[2])

      """
    #expect(Self.symbols(mixed) == [Self.expected])
    let piped = Self.listing.split(separator: "\n").map { "| " + $0 }.joined(separator: "\n") + "\n"
    #expect(Self.symbols(piped) == [Self.expected])
  }

  @Test("markdown: a fenced block, escapes, a numbered list")
  func markdown() {
    let fenced = "Here is the stack:\n\n```text\n" + Self.listing + "```\nThanks!\n"
    #expect(Self.symbols(fenced) == [Self.expected])
    let escaped = """
      \\# ChildEBP RetAddr  Args to Child
      00 0012f9a0 77f8e9a4 00000001 00000002 00000003 STORE\\!Ec\\_GetProp+0x12
      01 0012fa00 77f8e9b4 00000004 00000005 00000006 app\\!std::vector\\<int\\>::at+0x10 [d:\\\\src\\\\v.cpp @ 12]

      """
    let stack = decodeReport(escaped).stacks.first
    #expect(stack?.frames.map(\.text) == ["STORE!Ec_GetProp+0x12", "app!std::vector<int>::at+0x10"])
    #expect(stack?.frames[1].sourceLine == SourceLine(file: "d:\\src\\v.cpp", line: 12))
    let numbered = (["ChildEBP RetAddr  Args to Child"] + Self.rows.enumerated().map { "\($0.offset + 1). \($0.element)" })
      .joined(separator: "\n") + "\n"
    #expect(Self.symbols(numbered) == [Self.expected])
  }

  @Test("markdown escapes beside a path's own backslashes: each escaped backtick undone, the path kept, quoted or not")
  func escapedBackticksBesidePaths() throws {
    // Composed: a GitHub comment escapes the backticks of 64-bit words (else they open code
    // spans) and leaves `d:\src\…` alone (markdown keeps a backslash before a letter).
    let rows = [
      "ffffd001\\`61a2c3f0 fffff802\\`3c41d2a3 : ffffc001\\`00001000 00000000\\`00000000 : nt!KiExceptionDispatch+0xf",
      "ffffd001\\`61a2c5d0 fffff801\\`7e0a1b24 : fffff801\\`7e0c3000 00000000\\`00000008 : mydrv!DispatchIoctl+0x74 [d:\\src\\mydrv\\ioctl.c @ 43]",
      "ffffd001\\`61a2c6a0 fffff802\\`3c3f004c : ffffd001\\`61a2d348 ffffd001\\`61a2cb60 : mydrv!DispatchIoctl$filt$0+0x1d [d:\\src\\mydrv\\dispatch.c @ 47]",
      "ffffd001\\`61a2c790 fffff802\\`3c3fa1b0 : 00000000\\`00000000 ffffd001\\`61a2c930 : nt!RtlDispatchException+0x429",
    ]
    for quote in ["", "> "] {
      let text = (["STACK_TEXT:  "] + rows).map { quote + $0 }.joined(separator: "\n") + "\n"
      let stacks = decodeReport(text).stacks
      #expect(stacks.count == 1, "quoted with '\(quote)'")
      let stack = try #require(stacks.first)
      #expect(
        stack.frames.map(\.text)
          == ["nt!KiExceptionDispatch+0xf", "mydrv!DispatchIoctl+0x74", "mydrv!DispatchIoctl$filt$0+0x1d", "nt!RtlDispatchException+0x429"])
      #expect(stack.frames[1].framePointer == Address(0xffff_d001_61a2_c5d0))
      #expect(stack.frames[1].sourceLine == SourceLine(file: "d:\\src\\mydrv\\ioctl.c", line: 43))
    }
  }

  @Test("web typography: 0× for 0x, curly quotes and primes, no-break spaces")
  func typography() throws {
    let text = """
       # Child-SP          RetAddr           Call Site
      00 0000005b`03acc5c0 00007ff9`b6288935 KERNELBASE!RaiseFailFastException+0×74
      01 0000005b`03accdc0 00007ff9`af37be60 MSVCP140_APP!`Concurrency::details::_ExceptionHolder::ReportUnhandledError’::`1′::catch$3+0×39
      02\u{00A0}0000005b`03acce00\u{00A0}00007ff9`af3729b2 VCRUNTIME140_APP!CallSettingFrame+0×20

      """
    let stack = try #require(decodeReport(text).stacks.first)
    #expect(stack.frames.count == 3)
    #expect(stack.frames[0].text == "KERNELBASE!RaiseFailFastException+0x74")
    #expect(stack.frames[1].symbol?.function == "`Concurrency::details::_ExceptionHolder::ReportUnhandledError'::`1'::catch$3")
    #expect(stack.frames[2].text == "VCRUNTIME140_APP!CallSettingFrame+0x20")
  }

  @Test("a path's backslashes and non-ASCII names are no markup: kept as written")
  func plainBackslashesAndNonASCII() throws {
    let text = """
      ChildEBP RetAddr  Args to Child
      0012f9a0 77f8e9a4 00000001 00000002 00000003 app!Zähler::Lesen+0x12 [d:\\src\\zähler.cpp @ 42]
      0012fa00 77f8e9b4 00000004 00000005 00000006 app!main+0x10 [d:\\src\\main\\app.cpp @ 7]

      """
    let stack = try #require(decodeReport(text).stacks.first)
    #expect(stack.frames.map(\.text) == ["app!Zähler::Lesen+0x12", "app!main+0x10"])
    #expect(stack.frames[0].sourceLine == SourceLine(file: "d:\\src\\zähler.cpp", line: 42))
    #expect(stack.frames[1].sourceLine == SourceLine(file: "d:\\src\\main\\app.cpp", line: 7))
  }

  @Test("kP: arguments on tab-indented lines stay with their row; `anonymous namespace' names are kept")
  func kpArguments() throws {
    let text = """
      0:000> kP
      ChildEBP RetAddr
      0012f8f8 7c8094f2 ntdll!ZwWaitForMultipleObjects(
      \t\t\tunsigned long Count = 2,
      \t\t\tvoid ** Handles = 0x0012f9e8,
      \t\t\tunion _LARGE_INTEGER * Timeout = 0x00000000)+0xc
      0012f9b0 00401234 app!`anonymous namespace'::RandUint32(
      \t\t\tunsigned int seed = 0x1234)+0x2a [c:\\src\\rand.cpp @ 42]
      0012ff80 0040139c app!main+0x44

      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.map(\.text) == ["ntdll!ZwWaitForMultipleObjects+0xc", "app!`anonymous namespace'::RandUint32+0x2a", "app!main+0x44"])
    #expect(stack.frames[0].annotations == [.argumentList(["unsigned long Count = 2", "void ** Handles = 0x0012f9e8", "union _LARGE_INTEGER * Timeout = 0x00000000"])])
    #expect(stack.frames[1].sourceLine == SourceLine(file: "c:\\src\\rand.cpp", line: 42))
  }

  @Test("kP from a web page: argument lines that lost their indentation still join their row; curly double quotes are straight again")
  func kpArgumentsUnindented() throws {
    let text = """
      0:000> kPL
       # Child-SP          RetAddr           Call Site
      00 00000071`2a3fe488 00007ff8`11c58037 ntdll!NtWaitForSingleObject+0x14
      01 00000071`2a3fe490 00007ff6`0b2c1568 app!parse(
      unsigned int64 count = 0,
      wchar_t * text = 0x00000071`2a3fe9d0 \u{201C}abc\u{201D})+0x28
      02 00000071`2a3fe9a0 00007ff6`0b2c1b64 app!wmain(
      int argc = 0n1,
      wchar_t ** argv = 0x00000203`0e5f6b40)+0x51
      03 00000071`2a3fea00 00007ff8`11c21234 kernel32!BaseThreadInitThunk+0x14

      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.map(\.text) == ["ntdll!NtWaitForSingleObject+0x14", "app!parse+0x28", "app!wmain+0x51", "kernel32!BaseThreadInitThunk+0x14"])
    #expect(stack.frames[1].annotations == [.argumentList(["unsigned int64 count = 0", "wchar_t * text = 0x00000071`2a3fe9d0 \"abc\""])])
    #expect(stack.frames[2].annotations == [.argumentList(["int argc = 0n1", "wchar_t ** argv = 0x00000203`0e5f6b40"])])
  }

  @Test("prompts, symbol errors and unwind warnings between the rows")
  func interleaved() {
    let text = """
      0:000> kb
      *** ERROR: Symbol file could not be found.  Defaulted to export symbols for STORE.EXE - 
      ChildEBP RetAddr  Args to Child
      \(Self.rows[0])
      WARNING: Stack unwind information not available. Following frames may be wrong.
      \(Self.rows[1])
      *** WARNING: Unable to verify checksum for STORE.EXE
      \(Self.rows[2])
      0:000> 

      """
    #expect(Self.symbols(text) == [Self.expected])
  }

  @Test("hard-wrapped at a fixed width, mid-token: STORE!EcDoRpc+0 / x91 is one row again")
  func hardWrap() throws {
    let long = [
      "0012f9a0 77f8e9a4 00000001 00000002 00000003 STORE!EcGetProp+0x12 [d:\\src\\store\\prop.c @ 1204]",
      "0012fa00 77f8e9b4 00000004 00000005 00000006 STORE!EcReadMsg+0x10 [d:\\src\\store\\msg.c @ 88]",
      "0012fa40 004a1b2c 00000007 00000008 00000009 STORE!EcDoRpc+0x91 [d:\\src\\store\\rpc.c @ 310]",
    ]
    let text = (["ChildEBP RetAddr  Args to Child"] + long).joined(separator: "\n")
    var folded = ""
    for line in text.split(separator: "\n") {
      var rest = Substring(line)
      while rest.count > 60 {
        folded += rest.prefix(60) + "\n"
        rest = rest.dropFirst(60)
      }
      folded += rest + "\n"
    }
    #expect(folded.contains("STORE!EcDoRpc+0\nx91"))
    let report = decodeReport(folded)
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .x86)
    #expect(stack.frames.map(\.text) == Self.expected)
    #expect(stack.frames[2].sourceLine == SourceLine(file: "d:\\src\\store\\rpc.c", line: 310))
  }

  @Test("line breaks lost: a header and its rows on one line, and rows alone on one line")
  func flattened() {
    let withHeader = Self.listing.replacingOccurrences(of: "\n", with: " ") + "\n"
    #expect(Self.symbols(withHeader) == [Self.expected])
    let rowsOnly = Self.rows.joined(separator: " ") + "\n"
    #expect(Self.symbols(rowsOnly) == [Self.expected])
    let numbered = " # Child-SP          RetAddr           Call Site "
      + "00 0000005b`03acc5c0 00007ff9`b6288935 KERNELBASE!RaiseFailFastException+0x74 "
      + "01 0000005b`03accb90 00007ff9`b399654f combase!RoReportUnhandledError+0xea\n"
    #expect(Self.symbols(numbered) == [["KERNELBASE!RaiseFailFastException+0x74", "combase!RoReportUnhandledError+0xea"]])
  }
}
