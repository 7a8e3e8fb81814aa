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
      // The innermost exception's stack, through the file stream's strategies to the caller.
      ("pastes/sos-pe-nested.txt", "System.IO.Strategies.OSFileStreamStrategy.Write | Ledger.Journal.Flush"),
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
    // The registers after the stack are the faulting frame's: its stack's context.
    #expect(report.threads.count == 1)
    let thread = report.threads[0]
    guard case .amd64(let registers)? = thread.context else {
      Issue.record("no amd64 registers: \(String(describing: thread.context))")
      return
    }
    #expect(registers[.rip] == 0x55a8_c3e4_f5a6 && registers[.rsp] == 0x7ffd_2b1c_0a60 && registers[.rbp] == 0x7ffd_2b1c_0ae0)
    #expect(registers[.r15] == 0x1a2c_0022_3000 && registers[.eflags] == 0x10246)
    #expect(thread.contextLines == LineRange(8, 14))
    // libc's return address is printed with the offset of its call: the module's base is a page's.
    #expect(report.modules.first { $0.name == "libc.so.6" }?.base.rawValue == 0x7f0e_4b09_4000)
  }

  @Test("Chromium's 32-bit registers; registers at no frame's instruction stay a dump of their own")
  func chromiumRegisters32() throws {
    let rows = """
      Received signal 11 SEGV_MAPERR 00000010
      #0 0x08123456 base::debug::CollectStackTrace()
      #1 0x0804a1b2 ledger::LedgerView::Close()
      """
    let registers = """
        gs: 00000063  fs: 00000000  es: 0000007b  ds: 0000007b
       edi: 00000000 esi: bf8e1a70 ebp: bf8e1ae0 esp: bf8e1a60
       ebx: 00000000 edx: 00000000 ecx: 00000000 eax: 00000000
       trp: 0000000e err: 00000004  ip: 0804a1b2  cs: 00000073
       efl: 00010246 usp: bf8e1a60  ss: 0000007b
      [end of stack trace]
      """
    let file32 = try TemporaryFile(text: rows + "\n" + registers, suffix: ".txt")
    let report = try Analyser().analyse(path: file32.path)
    guard case .x86(let registerFile)? = report.threads.first?.context else {
      Issue.record("no x86 registers on the stack")
      return
    }
    #expect(registerFile[.eip] == 0x0804_a1b2 && registerFile[.esp] == 0xbf8e_1a60 && registerFile[.segCs] == 0x73)
    let elsewhere = registers.replacing("ip: 0804a1b2", with: "ip: 0804ffff")
    let fileApart = try TemporaryFile(text: rows + "\n" + elsewhere, suffix: ".txt")
    let apart = try Analyser().analyse(path: fileApart.path)
    #expect(apart.threads.count == 2 && apart.threads[0].context == nil && apart.threads[1].label == "register dump")
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
