//===--- LLDBBacktraceTests.swift - lldb's bt and bt all -----------------------===//
//
// Composed from lldb's default thread and frame formats (CoreProperties.td):
// this machine's lldb cannot start (it needs libpython3.10), so no real session
// was recorded; the layouts match those in public bug reports.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Foundation
import StackText
import Testing

@Suite("lldb backtraces")
struct LLDBBacktraceTests {
  static let linuxSession = """
    (lldb) target create "./crash"
    Current executable set to '/tmp/dbg/crash' (x86_64).
    (lldb) run
    Process 4242 launched: '/tmp/dbg/crash' (x86_64)
    Process 4242 stopped
    * thread #3, name = 'crash', stop reason = signal SIGSEGV: invalid address (fault address: 0x0)
        frame #0: 0x0000555555554a77 crash`(anonymous namespace)::refresh<(anonymous namespace)::Widget>(w=0x00007ffff721bec0, value=42, why="paint (now)") [inlined] (anonymous namespace)::store(w=0x00007ffff721bec0, value=53) at crash.cpp:16:84
       13  	static inline __attribute__((always_inline)) void store(Widget *w, int value) { *w->slot = value; }
    -> 16  	  *w->slot = value;
    (lldb) bt all
    * thread #3, name = 'crash', stop reason = signal SIGSEGV: invalid address (fault address: 0x0)
      * frame #0: 0x0000555555554a77 crash`(anonymous namespace)::refresh<(anonymous namespace)::Widget>(w=0x00007ffff721bec0, value=42, why="paint (now)") [inlined] (anonymous namespace)::store(w=0x00007ffff721bec0, value=53) at crash.cpp:16:84
        frame #1: 0x0000555555554a77 crash`(anonymous namespace)::refresh<(anonymous namespace)::Widget>(w=0x00007ffff721bec0, value=42, why="paint (now)") at crash.cpp:19:3
        frame #2: 0x0000555555554a5f crash`worker_step(w=<unavailable>, depth=<unavailable>) at crash.cpp:25:5
        frame #3: 0x0000555555554a45 crash`worker(arg=<unavailable>) at crash.cpp:34:3
        frame #4: 0x00007ffff7aa71f5 libc.so.6`start_thread + 773
        frame #5: 0x00007ffff7b278ec libc.so.6`__clone3 + 44
      thread #1, name = 'crash'
        frame #0: 0x00007ffff7aa3f7b libc.so.6`__futex_abstimed_wait_common + 139
        frame #1: 0x00007ffff7aa8ce3 libc.so.6`__pthread_clockjoin_ex + 259
        frame #2: 0x00005555555549b2 crash`main(argc=1, argv=0x00007fffffffe7e8) at crash.cpp:49:3
        frame #3: 0x00007ffff7a4524a libc.so.6`__libc_start_call_main + 122
    """

  @Test("a Linux session: the stopped thread, its signal, an inlined call, the other threads")
  func linuxSession() throws {
    let report = decodeReport(Self.linuxSession)
    #expect(report.stacks.map(\.label) == ["thread #3 (crash)", "thread #1 (crash)"])
    #expect(report.stacks.map(\.isCrashed) == [true, false])
    #expect(report.stacks.allSatisfy { $0.format == .lldbBacktrace && $0.architecture == .amd64 })
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 11 && exception.address?.rawValue == 0)
    let frames = report.stacks[0].frames
    #expect(frames.map(\.isInlined) == [true, false, false, false, false, false])
    #expect(frames[0].symbol?.function == "(anonymous namespace)::store(w=0x00007ffff721bec0, value=53)")
    #expect(frames[0].symbol?.module == "crash" && frames[0].sourceLine == SourceLine(file: "crash.cpp", line: 16, column: 84))
    #expect(frames[0].instruction?.rawValue == 0x5555_5555_4a77 && frames[1].instruction?.rawValue == 0x5555_5555_4a77)
    #expect(frames[1].returnAddress?.rawValue == 0x5555_5555_4a5f && frames[2].instruction?.rawValue == 0x5555_5555_4a5e)
    #expect(frames[4].symbol?.function == "start_thread" && frames[4].symbol?.offset == 773)
  }

  @Test("a backtrace from an issue GitHub imported: `#&#8203;3` (a zero-width space after each #) reads as `#3`")
  func zeroWidthEntities() throws {
    let escaped = Self.linuxSession.replacingOccurrences(of: "#", with: "#&#8203;")
    let plain = decodeReport(Self.linuxSession)
    let report = decodeReport(escaped)
    #expect(report.stacks.map(\.label) == plain.stacks.map(\.label))
    #expect(report.stacks.map(\.frames.count) == plain.stacks.map(\.frames.count) && report.stacks.first?.frames.count == 6)
    #expect(report.stacks.first?.frames.map(\.symbol) == plain.stacks.first?.frames.map(\.symbol))
    // The character itself (copied from the rendered page) and its hexadecimal entity alike.
    let literal = decodeReport(Self.linuxSession.replacingOccurrences(of: "#", with: "#\u{200B}"))
    let hexadecimal = decodeReport(Self.linuxSession.replacingOccurrences(of: "#", with: "#&#x200b;"))
    #expect(literal.stacks.first?.frames.count == 6 && hexadecimal.stacks.first?.frames.count == 6)
  }

  @Test("`flutter run -v`'s column before each line, and a stopped thread without lldb's `*`")
  func flutterVerboseLog() throws {
    let text = """
      [  +83 ms] Process 4242 stopped
      [        ]   thread #1, queue = 'com.apple.main-thread', stop reason = EXC_BAD_ACCESS (code=1, address=0x0)
      [        ]     frame #0: 0x00000001004fd000 Runner`closure #1 in AppDelegate.application(_:didFinishLaunchingWithOptions:) at AppDelegate.swift:12:9
      [        ]     frame #1: 0x00000001b5f02694 FrontBoardServices`-[FBSSerialQueue _performNextFromRunLoopSource] + 28
      [        ]     frame #2: 0x00000001bf420dec dyld`start + 2220
      [+1053 ms]   thread #2, queue = 'com.apple.UIKit.KeyboardManagement'
      [        ]     frame #0: 0x00000001dee2f7dc libsystem_kernel.dylib`__ulock_wait + 8
      """
    let report = decodeReport(text)
    #expect(report.stacks.map(\.label) == ["thread #1 (com.apple.main-thread)", "thread #2 (com.apple.UIKit.KeyboardManagement)"])
    #expect(report.stacks.map(\.isCrashed) == [true, false] && report.stacks.map(\.frames.count) == [3, 1])
    #expect(report.exception?.code.rawValue == 1 && report.exception?.address?.rawValue == 0)
    #expect(report.stacks.first?.frames.first?.sourceLine == SourceLine(file: "AppDelegate.swift", line: 12, column: 9))
    // FrontBoardServices at 0x1b5f02694: the arm64 shared region, a device's process.
    #expect(report.stacks.allSatisfy { $0.architecture == .arm64 })
    // A bracketed word that is no elapsed time stays: `[INFO] ` is no column.
    #expect(decodeReport("[ INFO   ]     frame #0: 0x00000001dee2f7dc libsystem_kernel.dylib`__ulock_wait + 8\n").stacks.isEmpty)
  }

  @Test("a macOS session: a Mach exception, a queue name, frames without debug information")
  func macOSSession() throws {
    let text = """
      * thread #1, queue = 'com.apple.main-thread', stop reason = EXC_BAD_ACCESS (code=1, address=0x10)
        * frame #0: 0x0000000100003f94 Sketcher`-[SKCanvas drawRect:] + 36
          frame #1: 0x00007ff81a2c1b3e AppKit`_NSViewDrawRect + 68
          frame #2: 0x00007ff8170e13d5 dyld`start + 1903
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.isCrashed && stack.label == "thread #1 (com.apple.main-thread)")
    #expect(report.exception?.code.rawValue == 1 && report.exception?.address?.rawValue == 0x10)
    #expect(stack.frames.map(\.text) == ["Sketcher!-[SKCanvas drawRect:]+0x24", "AppKit!_NSViewDrawRect+0x44", "dyld!start+0x76f"])
    // AppKit in the x86_64 shared region: an Intel Mac's process.
    #expect(stack.architecture == .amd64)
    #expect(stack.architectureEvidence.first?.hasPrefix("AppKit at 0x7ff81a2c1b3e: the x86_64 shared region") == true)
  }

  @Test("the older thread header (`thread #1: tid = …`) and its thread id")
  func olderHeader() throws {
    let text = """
      * thread #1: tid = 18364, 0x00007f29bbb06267 libc.so.6`__GI_raise(sig=6) + 55 at raise.c:55, name = 'python', stop reason = signal SIGABRT
        * frame #0: 0x00007f29bbb06267 libc.so.6`__GI_raise(sig=6) + 55 at raise.c:55
          frame #1: 0x00007f29bbb07eca libc.so.6`__GI_abort + 362 at abort.c:89
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.id == 18364 && stack.label == "thread #1 (python)" && report.exception?.code.rawValue == 6)
    #expect(stack.frames[0].symbol?.offset == 55 && stack.frames[0].sourceLine?.line == 55)
  }
}
