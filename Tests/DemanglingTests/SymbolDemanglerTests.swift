//===--- SymbolDemanglerTests.swift - Each mangling read, hostile names refused --===//
//
// Swift names are the compiler's (Tests/Fixtures/elf/src/ledger.swift as swiftc
// 6.3.1 mangles it, and the standard library's `_assertionFailure` as
// libswiftCore exports it); the expected forms are what Swift's backtracer
// prints. Rust names follow rustc's legacy scheme; C++ names the Itanium ABI.
//
//===----------------------------------------------------------------------===//

@testable import Demangling
import Testing

@Suite("Mangled names demangled as their languages print them")
struct SymbolDemanglerTests {
  @Test(
    "Swift names as the backtracer prints them",
    arguments: [
      ("$s6ledger7JournalC5closeSiyF", "Journal.close()"),
      ("$s6ledger6LedgerV4postyySiF", "Ledger.post(_:)"),
      ("$s6ledger5totalyxSayxGSzRzlF", "total<A>(_:)"),
      ("$s6ledger7JournalC5closeSiyFS2i_Sitcfu_", "implicit closure #1 in Journal.close()"),
      ("$ss17_assertionFailure__4file4line5flagss5NeverOs12StaticStringV_SSAHSus6UInt32VtF",
        "_assertionFailure(_:_:file:line:flags:)"),
      // Apple's leading underscore, Swift 4.2's `$S` and Swift 4's `_T0`.
      ("_$s6ledger7JournalC5closeSiyF", "Journal.close()"),
      ("$S7ledgerd4mainyyF", "main()"),
      ("_T07ledgerd4mainyyF", "main()"),
    ])
  func swiftNames(mangled: String, expected: String) {
    #expect(SymbolDemangler.scheme(of: mangled) == .swift)
    #expect(SymbolDemangler.demangle(mangled) == expected)
  }

  @Test(
    "Rust's legacy names without their hash, escapes undone",
    arguments: [
      ("_ZN3std2rt10lang_start17h1234567890abcdefE", "std::rt::lang_start"),
      (
        "_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$17h0123456789abcdefE",
        "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>"
      ),
      (
        "_ZN61_$LT$ledgercore..Journal$u20$as$u20$core..ops..drop..Drop$GT$4drop17hdeadbeefdeadbeefE",
        "<ledgercore::Journal as core::ops::drop::Drop>::drop"
      ),
      ("__ZN10ledgercore6ledger5close17h00112233aabbccddE", "ledgercore::ledger::close"),
    ])
  func rustNames(mangled: String, expected: String) {
    #expect(SymbolDemangler.scheme(of: mangled) == .rustLegacy)
    #expect(SymbolDemangler.demangle(mangled) == expected)
  }

  @Test(
    "Rust's v0 names as rustc-demangle's alternate form prints them",
    arguments: [
      ("_RNvC1a4main", "a::main"),
      ("_RNvC6_123foo3bar", "123foo::bar"),
      ("_RNvCs6KtT2fMGqXk_8infiloop4main", "infiloop::main"),
      ("_RNCNCNgCs6DXkGYLi8lr_2cc5spawn00B5_", "cc::spawn::{closure#0}::{closure#0}"),
      (
        "_RNCINkXs25_NgCsbmNqQUJIY6D_4core5sliceINyB9_4IterhENuNgNoBb_4iter8iterator8Iterator9rpositionNCNgNpB9_6memchr7memrchrs_0E0Bb_",
        "<core::slice::Iter<u8> as core::iter::iterator::Iterator>::rposition::<core::slice::memchr::memrchr::{closure#1}>::{closure#0}"
      ),
      (
        "_RINbNbCskIICzLVDPPb_5alloc5alloc8box_freeDINbNiB4_5boxed5FnBoxuEp6OutputuEL_ECs1iopQbuBiw2_3std",
        "alloc::alloc::box_free::<dyn alloc::boxed::FnBox<(), Output = ()>>"
      ),
      ("_RMC0INtC8arrayvec8ArrayVechKj7b_E", "<arrayvec::ArrayVec<u8, 123>>"),
      ("_RMCs4fqI2P2rA04_13const_genericINtB0_8UnsignedKhb_E", "<const_generic::Unsigned<11>>"),
      ("_RMCs4fqI2P2rA04_13const_genericINtB0_4CharKc76_E", "<const_generic::Char<'v'>>"),
      ("_RMCs4fqI2P2rA04_13const_genericINtB0_4BoolKb1_E", "<const_generic::Bool<true>>"),
      ("_RNvC9backtrace3foo.llvm.A5310EB9", "backtrace::foo"),
      // Punycode identifiers (`u`, RFC 3492 with `_` for `-`).
      ("_RNqCs4fqI2P2rA04_11utf8_identsu30____7hkackfecea1cbdathfdh9hlq6y", "utf8_idents::საჭმელად_გემრიელი_სადილი"),
      ("_RNvC7mycrateu8gdel_5qa", "mycrate::gödel"),
    ])
  func rustV0Names(mangled: String, expected: String) {
    #expect(SymbolDemangler.scheme(of: mangled) == .rustV0)
    #expect(SymbolDemangler.demangle(mangled) == expected)
  }

  @Test(
    "v0-looking names that do not read are kept",
    arguments: [
      "_RC", "_RNvC", "_RNvC99foo3bar", "_RNvCB_3foo", "_RB0_", "_RTC_CheckEsp", "_ReadFile@20",
      // Punycode that is not (a digit past z, a code point below 0x80, an unending number);
      // back references that loop or point forward fail.
      "_RNvC7mycrateu8gdel_5q!", "_RNvC7mycrateu3a_!", "_RNvC7mycrateu6gdel_z", "_RINvC1a1bBZ_E",
      "_R" + String(repeating: "INvC1a1b", count: 600),
      // Nesting past the depth bound.
      "_R" + String(repeating: "I", count: 1_000) + "C1a" + String(repeating: "E", count: 1_000),
    ])
  func rustV0Refused(name: String) {
    #expect(SymbolDemangler.demangle(name) == nil)
  }

  @Test("C++ names through the C++ runtime, with and without Apple's underscore")
  func itaniumNames() {
    #expect(SymbolDemangler.demangle("_ZN6ledger7Journal5closeEv") == "ledger::Journal::close()")
    #expect(
      SymbolDemangler.demangle("_ZN6ledger7Journal5flushERKSt6vectorIiSaIiEE")
        == "ledger::Journal::flush(std::vector<int, std::allocator<int> > const&)")
    #expect(SymbolDemangler.demangle("__ZN6ledger7Journal5closeEv") == "ledger::Journal::close()")
    #expect(SymbolDemangler.scheme(of: "_ZN6ledger7Journal5closeEv") == .itanium)
  }

  @Test("MSVC's decorated names as dump_syms writes them: a function's signature, a variable's name")
  func msvcNames() {
    #expect(SymbolDemangler.scheme(of: "?Close@Ledger@@QAEXH@Z") == .msvc)
    #expect(SymbolDemangler.demangle("?Close@Ledger@@QAEXH@Z") == "Ledger::Close(int)")
    #expect(SymbolDemangler.demangle("?count@@3HA") == "count")
    #expect(SymbolDemangler.demangle("?") == nil)
  }

  @Test(
    "plain, broken and oversized names are no mangled names",
    arguments: [
      "main", "", "_start", "$s", "$sZZZZ", "_Z", "_Zfoo", "xyz$s6ledger4mainyyF", "__libc_start_main",
      // A Rust-looking name whose lengths run past its end, and one with an escape Rust never writes.
      "_ZN99ledger17h0123456789abcdefE", "_ZN6ledger$XX$17h0123456789abcdefE",
      "_Z" + String(repeating: "N1a", count: 2_000) + "E",
      "$s" + String(repeating: "6ledger", count: 700),
    ])
  func notMangled(name: String) {
    #expect(SymbolDemangler.demangle(name) == nil)
    #expect(SymbolDemangler.readable(name) == name)
  }

  @Test("a Rust name whose parts do not parse falls back to the C++ reading")
  func rustFallsBackToItanium() {
    // `$XX$` is no Rust escape; the Itanium reading keeps the part as written.
    let name = "_ZN6ledger8$XX$abcd17h0123456789abcdefE"
    #expect(SymbolDemangler.scheme(of: name) == .rustLegacy)
    #expect(SymbolDemangler.demangle(name) == "ledger::$XX$abcd::h0123456789abcdef")
  }
}

@Suite("Punycode")
struct PunycodeTests {
  @Test("RFC 3492's samples and Rust's spelling decode; malformed ones are nil, never a trap")
  func samples() {
    #expect(Punycode.decode(Array("gdel-5qa".utf8)) == "gödel")
    // RFC 3492 §7.1 (B): Chinese (simplified).
    #expect(Punycode.decode(Array("ihqwcrb4cv8a8dqg056pqjye".utf8)) == "他们为什么不说中文")
    // (L): 3<nen>B<gumi><kinpachi><sensei>, ASCII and others mixed.
    #expect(Punycode.decode(Array("3B-ww4c5e180e575a65lsy2b".utf8)) == "3年B組金八先生")
    #expect(Punycode.decode(Array("__-7hkackfecea1cbdathfdh9hlq6y".utf8)) == "საჭმელად_გემრიელი_სადილი")
    for bad in ["gdel-5q!", "-zzzzzzzzzzzz", "é-5qa", "-99999999999999999999"] {
      #expect(Punycode.decode(Array(bad.utf8)) == nil, "\(bad)")
    }
  }
}
