//===--- FieldPasteSignatureTests.swift - Buckets of the field's newer pastes ---===//
//
// Each paste's crash machinery is passed over by the shipped frame catalogs, so
// the signature names the code that crashed: Chromium's fatal signal handler and
// the C library's signal trampoline below it, Mozilla's MOZ_CRASH, Apple's
// forwarding of an unrecognized selector. The fixtures are composed
// (Tests/Fixtures/pastes/README.md).
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Testing

@Suite("signatures of the field's newer pastes")
struct FieldPasteSignatureTests {
  @Test(
    "the crash machinery is passed over",
    arguments: [
      ("pastes/chromium-fatal-signal.txt", "ledger::LedgerView::Close"),
      ("pastes/socorro-bug-comment.txt", "mozilla::dom::Ledger::Close"),
      ("pastes/macos-uncaught-exception.crash", "-[SKCanvas drawLabel:]"),
      ("pastes/sos-clrstack.txt", "Ledger.Store.Latest"),
      // Node's and V8's OOM path passed over, and the unnamed frames of `node` beside it.
      ("pastes/node-heap-oom.txt", "v8::internal::Heap::CollectGarbage"),
      ("pastes/unity-player-crash.txt", "Ledger::Book::Close"),
    ])
  func signature(_ fixture: String, _ expected: String) throws {
    let report = try Analyser().analyse(path: Fixtures.path(fixture))
    #expect(BundledPlugins.pipeline().classify(report).signature == expected)
  }

  @Test("Chromium's signal line is the exception: the signal, its code and the fault address")
  func chromiumSignal() throws {
    let report = try Analyser().analyse(path: Fixtures.path("pastes/chromium-fatal-signal.txt"))
    #expect(report.exception?.code.rawValue == 11 && report.exception?.address?.rawValue == 0x10)
    #expect(report.exception?.description == "SIGSEGV / SEGV_MAPERR")
  }

  @Test("an unnamed frame below a handler entry is passed over only in the C library or the vDSO")
  func trampolineOnlyInLibc() throws {
    let text = """
      Received signal 11 SEGV_MAPERR 000000000010
      #0 0x55a8c1b2d3e9 base::debug::CollectStackTrace()
      #1 0x55a8c1b2cf0b base::debug::(anonymous namespace)::StackDumpSignalHandler(int, siginfo_t*, void*)
      #2 0x55a8c3e4f5a6 (/opt/ledger/ledger+0x2e4f5a6)
      #3 0x55a8c3e4e012 ledger::LedgerView::OnClick()
      [end of stack trace]
      """
    let file = try TemporaryFile(text: text, suffix: ".txt")
    let report = try Analyser().analyse(path: file.path)
    #expect(BundledPlugins.pipeline().classify(report).signature?.hasPrefix("ledger") == true)
    #expect(BundledPlugins.pipeline().classify(report).signature != "ledger::LedgerView::OnClick")
  }
}
