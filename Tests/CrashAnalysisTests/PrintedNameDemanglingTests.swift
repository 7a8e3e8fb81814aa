//===--- PrintedNameDemanglingTests.swift - Mangled names in pastes, read ------===//
//
// glibc's backtrace_symbols prints C++ names mangled, the Swift runtime before 5.9
// printed Swift names mangled. The analyser demangles them after decoding, keeps
// what was printed, and buckets the crash as gdb's or Swift's backtracer's
// printing of it would be. The texts are composed in those tools' layouts, with
// invented names.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import Testing

@Suite("Mangled names a listing printed are demangled")
struct PrintedNameDemanglingTests {
  static let backtraceSymbols = """
    Obtained 5 stack frames.
    ./ledgerd(_ZN6ledger7Journal5closeEv+0x1d) [0x55d0c2a4b1ad]
    ./ledgerd(_ZN6ledger7Journal5flushERKSt6vectorIiSaIiEE+0x42) [0x55d0c2a4b2f2]
    ./ledgerd(_ZN10ledgercore6ledger5close17h00112233aabbccddE+0x11) [0x55d0c2a4b351]
    ./ledgerd(main+0x31) [0x55d0c2a4b401]
    /lib/x86_64-linux-gnu/libc.so.6(__libc_start_main+0xf3) [0x7f1b2c0210b3]
    """

  @Test("backtrace_symbols' C++ and Rust names: demangled, the printed text kept")
  func backtraceSymbolsNames() throws {
    let report = Analyser().analyse(text: Self.backtraceSymbols)
    let frames = try #require(report.threads.first?.frames)
    #expect(
      frames.map { $0.symbol?.function } == [
        "ledger::Journal::close()",
        "ledger::Journal::flush(std::vector<int, std::allocator<int> > const&)",
        "ledgercore::ledger::close", "main", "__libc_start_main",
      ])
    #expect(frames[0].symbol?.printedText?.contains("_ZN6ledger7Journal5closeEv") == true)
    #expect(frames[0].locationText == "ledgerd!ledger::Journal::close()+0x1d")
  }

  @Test("the runtime's stack trace before Swift 5.9: Swift names demangled, the runtime's unnamed frames passed over")
  func swiftRuntimeTrace() throws {
    let text = """
      Fatal error: Index out of range: file Swift/ContiguousArrayBuffer.swift, line 600
      Current stack trace:
      0    libswiftCore.so                    0x00007f3b1c6a3b10 swift_reportError + 50
      1    libswiftCore.so                    0x00007f3b1c717c70 _swift_stdlib_reportFatalErrorInFile + 112
      2    libswiftCore.so                    0x00007f3b1c41f1a5 <unavailable> + 1450405
      3    ledger                             0x000055d0c2a4b1ad $s6ledger7JournalC5closeSiyF + 45
      4    ledger                             0x000055d0c2a4b2f2 $s6ledger6LedgerV4postyySiF + 66
      5    ledger                             0x000055d0c2a4b401 main + 49
      Illegal instruction (core dumped)
      """
    let report = Analyser().analyse(text: text)
    let frames = try #require(report.threads.first?.frames)
    #expect(frames.compactMap { $0.symbol?.function }.suffix(3) == ["Journal.close()", "Ledger.post(_:)", "main"])
    // The unnamed runtime frame below the reporting frames is the runtime's, not the crash's.
    #expect(BundledPlugins.pipeline().classify(report).signature == "Journal.close")
  }

  @Test("a decorated MSVC name a Windows listing printed: its signature, the bucket its plain name")
  func msvcNames() throws {
    let text = """
      ChildEBP RetAddr
      0012f9a0 00401a2b ledgersvc!?Close@Ledger@@QAEXH@Z+0x1d
      0012f9c0 00401b3c ledgersvc!main+0x31
      """
    let report = Analyser().analyse(text: text)
    let frames = try #require(report.threads.first?.frames)
    #expect(frames.map { $0.symbol?.function } == ["Ledger::Close(int)", "main"])
    #expect(BundledPlugins.pipeline().classify(report).signature == "Ledger::Close")
  }

  @Test("a name that only looks mangled stays as printed")
  func brokenNamesKept() throws {
    let text = """
      ./ledgerd(_Zledger_close+0x1d) [0x55d0c2a4b1ad]
      ./ledgerd($sZZZZ+0x42) [0x55d0c2a4b2f2]
      ./ledgerd(main+0x31) [0x55d0c2a4b401]
      """
    let frames = try #require(Analyser().analyse(text: text).threads.first?.frames)
    #expect(frames.map { $0.symbol?.function } == ["_Zledger_close", "$sZZZZ", "main"])
  }
}
