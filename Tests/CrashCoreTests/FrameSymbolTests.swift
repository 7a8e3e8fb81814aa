//===--- FrameSymbolTests.swift - The printed text, stored or rendered ------===//

import CrashCore
import Testing

@Suite("Frame symbols")
struct FrameSymbolTests {
  @Test("a printed text recorded as the parts' rendering reads, compares and hashes like a stored one")
  func renderedPrintedText() {
    var rendered = FrameSymbol(module: "EMSMTA", function: "otpmralt", offset: 0x25)
    rendered.markPrintedTextAsLocation()
    let stored = FrameSymbol(module: "EMSMTA", function: "otpmralt", offset: 0x25, printedText: "EMSMTA!otpmralt+0x25")
    #expect(rendered.printedText == "EMSMTA!otpmralt+0x25")
    #expect(rendered == stored)
    #expect(rendered.hashValue == stored.hashValue)
    var noOffset = FrameSymbol(module: "ntdll", function: "KiUserExceptionDispatcher")
    noOffset.markPrintedTextAsLocation()
    #expect(noOffset.printedText == "ntdll!KiUserExceptionDispatcher")
  }

  @Test("changing a part keeps the printed text as the listing printed it")
  func partsChangeAfterwards() {
    var symbol = FrameSymbol(module: "EMSMTA", function: "otpmralt", offset: 0x25)
    symbol.markPrintedTextAsLocation()
    symbol.function = "otpmrdsp"
    symbol.offset = 0x1a3
    symbol.module = "MTA"
    #expect(symbol.printedText == "EMSMTA!otpmralt+0x25")
    #expect(symbol.displayText == "MTA!otpmrdsp+0x1a3")
    symbol.printedText = nil
    #expect(symbol.printedText == nil)
    #expect(symbol != FrameSymbol(module: "MTA", function: "otpmrdsp", offset: 0x1a3, printedText: "EMSMTA!otpmralt+0x25"))
  }
}
