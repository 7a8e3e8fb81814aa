//===--- SymbolTextCacheTests.swift - Reused parses equal fresh ones ---------===//

import CrashCore
import CrashTestSupport
@testable import StackText
import Testing

@Suite("Symbol text cache and name interning")
struct SymbolTextCacheTests {
  @Test("40,000 seeded symbol texts (many repeated, many differing only in offsets, printed in every form) parse the same through the cache")
  func cacheAgreesWithParser() {
    var random = SeededBytes(seed: 0x51_7C_C1_B7_27_22_0A_95, count: 0)
    let modules = ["NT", "EMSMTA", "kernel32", "a_module_name_longer_than_fifteen", "x!y", ""]
    let functions = [
      "_KiTrap0E", "otpmralt", "CConvertStream::Read", "?DispatchToStub@RPC_INTERFACE@@QAEJPAU_RPC_MESSAGE@@IPAJ@Z",
      "0x1021c7b0", "<nosymbols>", "(nosymbols)", "",
    ]
    // Offsets as listings print them: canonical, with leading zeros, in capitals, without `0x`.
    let offsetForms: [(UInt64) -> String] = [
      { "+0x" + String($0, radix: 16) }, { "+0x0" + String($0, radix: 16) }, { "+0x" + String($0, radix: 16, uppercase: true) },
      { "+" + String($0, radix: 16) }, { _ in "" },
    ]
    let tails = [
      "", " [omap]", "  (FPO: [2,0,2])", " (FPO: [0,0] TrapFrame @ 8019d6ec)", " [ mnode.cpp @ 984 ]", " other+0x20",
      " ", "(FPO: [1,0,0])",
    ]
    let cache = SymbolTextCache()
    var mismatches: [String] = []
    for _ in 0..<40_000 {
      let word = random.nextWord()
      let form = word % 7 < 4 ? 0 : Int(word >> 40) % offsetForms.count
      let offset = word % 3 == 0 ? "" : offsetForms[form](word >> 8 % 0x400)
      let text =
        modules[Int(word >> 16) % modules.count] + "!" + functions[Int(word >> 24) % functions.count] + offset
        + tails[Int(word >> 32) % tails.count]
      let bytes = Array(text.utf8)
      let cached = cache.parse(bytes[...])
      let fresh = SymbolTextParser.parse(bytes)
      if cached.symbol != fresh.symbol || cached.symbol?.printedText != fresh.symbol?.printedText
        || cached.annotations != fresh.annotations || cached.sourceLine != fresh.sourceLine
      {
        mismatches.append(text)
      }
    }
    #expect(mismatches.isEmpty, "first: \(mismatches.first ?? "")")
  }

  @Test("only a location printed as the parts render it, then nothing or annotations, is cached without its offset")
  func offsetFreeTexts() {
    func offset(_ text: String) -> UInt64? {
      let bytes = Array(text.utf8)
      return SymbolTextCache.canonicalOffset(in: bytes[...])?.value
    }
    #expect(offset("NT!_KiTrap0E+0x19d") == 0x19d)
    #expect(offset("NT!_KiTrap0E+0x0") == 0)
    #expect(offset("dlc!_RespondTestOrXid+0x38c  (FPO: [0,0] TrapFrame @ 8019d7d8)") == 0x38c)
    #expect(offset("mod!f+0xffffffffffffffff [ a.c @ 1 ]") == UInt64.max)
    #expect(offset("x!y!z+0x10") == 0x10)
    #expect(offset("a+b!f+0x10") == 0x10)
    for text in [
      "NT!_KiTrap0E+0x019d", "NT!_KiTrap0E+0x19D", "NT!_KiTrap0E+19d", "NT!_KiTrap0E", "!f+0x10", "mod!+0x10",
      "mod!f+0x", "mod!f+0x10 other", "store!(nosymbols)+0x10", "mod!<nosymbols>+0x10", "mod!f+0x10000000000000000",
      "mod!operator()+0x10", "mod!f+0x0xab", "mod!f+0x1A", "+0x10", "mod!f-0x10",
    ] {
      #expect(offset(text) == nil, "\(text)")
    }
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
