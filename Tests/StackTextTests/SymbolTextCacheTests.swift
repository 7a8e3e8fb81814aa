//===--- SymbolTextCacheTests.swift - Reused parses equal fresh ones ---------===//

import CrashCore
import CrashTestSupport
@testable import StackText
import Testing

@Suite("Symbol text cache and name interning")
struct SymbolTextCacheTests {
  @Test("20,000 seeded symbol texts (many repeated, many differing only in offsets) parse the same through the cache")
  func cacheAgreesWithParser() {
    var random = SeededBytes(seed: 0x51_7C_C1_B7_27_22_0A_95, count: 0)
    let modules = ["NT", "EMSMTA", "kernel32", "a_module_name_longer_than_fifteen"]
    let functions = ["_KiTrap0E", "otpmralt", "CConvertStream::Read", "?DispatchToStub@RPC_INTERFACE@@QAEJPAU_RPC_MESSAGE@@IPAJ@Z"]
    let tails = ["", " [omap]", "  (FPO: [2,0,2])", " (FPO: [0,0] TrapFrame @ 8019d6ec)", " [ mnode.cpp @ 984 ]"]
    let cache = SymbolTextCache()
    var mismatches: [String] = []
    for _ in 0..<20_000 {
      let word = random.nextWord()
      let offset = word % 3 == 0 ? "" : "+0x" + String(word >> 8 % 0x400, radix: 16)
      let text =
        modules[Int(word >> 16) % modules.count] + "!" + functions[Int(word >> 24) % functions.count] + offset
        + tails[Int(word >> 32) % tails.count]
      let bytes = Array(text.utf8)
      let cached = cache.parse(bytes[...])
      let fresh = SymbolTextParser.parse(bytes)
      if cached.symbol != fresh.symbol || cached.annotations != fresh.annotations || cached.sourceLine != fresh.sourceLine {
        mismatches.append(text)
      }
    }
    #expect(mismatches.isEmpty, "first: \(mismatches.first ?? "")")
  }

  @Test("10,000 distinct names through the interner (growing to 4,096 slots): every string equals its bytes, collisions included")
  func internerReturnsTheRightString() {
    let interner = StringInterner()
    var wrong = 0
    for round in 0..<2 {
      for index in 0..<10_000 {
        let name = "Namespace::Class\(index)::Method\(index % 97)"
        let bytes = Array(name.utf8)[...]
        if interner.string(bytes) != name { wrong += 1 }
        _ = round
      }
    }
    #expect(wrong == 0)
    // Invalid UTF-8 is repaired the same way with or without the table.
    let invalid: [UInt8] = Array("module_name_with_".utf8) + [0xFF, 0xFE] + Array("_tail".utf8)
    #expect(interner.string(invalid[...]) == String(decoding: invalid, as: UTF8.self))
    #expect(interner.string(invalid[...]) == String(decoding: invalid, as: UTF8.self))
  }
}

@Suite("Printed symbol text")
struct PrintedSymbolTextTests {
  @Test("the printed text is exactly what the row printed, whether stored or rendered from the parts")
  func printedTextIsAsPrinted() throws {
    for text in [
      "EMSMTA!otpmralt+0x25", "EMSMTA!otpmralt+25", "mod!Func+0x0A", "mod!Func+0x00", "mod!Func+0x0",
      "ntdll!KiUserExceptionDispatcher", "store!0x0000000000439929", "advapi32!<No Symbol>", "+0x5024648c",
      "rpcrt4!operator delete+0x10", "mod!a+b", "x!y!z+0x10",
    ] {
      let parsed = try #require(SymbolTextParser.parse(Array(text.utf8)).symbol, "\(text)")
      #expect(parsed.printedText == text, "\(text)")
    }
    // A blank after the module's `!` is repaired before the text is recorded.
    #expect(SymbolTextParser.parse(Array("mod! Func+0x1".utf8)).symbol?.printedText == "mod!Func+0x1")
  }
}
