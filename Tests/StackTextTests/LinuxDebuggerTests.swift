//===--- LinuxDebuggerTests.swift - gdb backtraces and sanitizer reports -------===//
//
// The fixtures are what gdb 13 and AddressSanitizer printed on this project's
// build machine for the programs in Tests/Fixtures/pastes/linux-src (README
// there); the short texts are composed from the same layouts.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("gdb backtraces and sanitizer reports")
struct LinuxDebuggerTests {
  static func text(_ name: String) throws -> String {
    try String(contentsOfFile: Fixtures.path("pastes/\(name)"), encoding: .utf8)
  }

  @Test("gdb: every thread, the stopped one, its registers, inlined frames and arguments")
  func gdbThreads() throws {
    let report = decodeReport(try Self.text("gdb-threads.txt"))
    // `bt` repeats thread 3's rows: one thread, not two.
    #expect(report.stacks.map(\.label) == [
      "Thread 3 \"crash\" (LWP 8694)", "Thread 2 \"crash\" (LWP 8693)", "Thread 1 \"crash\" (LWP 8685)",
    ])
    #expect(report.stacks.allSatisfy { $0.format == .gdbBacktrace && $0.architecture == .amd64 })
    let crashed = try #require(report.stacks.first)
    #expect(crashed.isCrashed && crashed.id == 8694 && report.stacks.dropFirst().allSatisfy { !$0.isCrashed })
    #expect(report.exception?.code.rawValue == 11 && report.exception?.threadID == 8694)
    #expect(report.exception?.description == "SIGSEGV, Segmentation fault")
    let frames = crashed.frames
    #expect(frames.map { $0.symbol?.function ?? "" } == [
      "(anonymous namespace)::store", "(anonymous namespace)::refresh<(anonymous namespace)::Widget>", "worker_step",
      "worker_step", "worker", "start_thread", "clone3",
    ])
    // `#1` has no pc: `#0` is inlined into it, at the pc `#0` printed.
    #expect(frames.map(\.isInlined) == [true, false, false, false, false, false, false])
    #expect(frames[0].instruction?.rawValue == 0x5555_5555_4a77 && frames[1].instruction?.rawValue == 0x5555_5555_4a77)
    // A caller's pc is the return address into it; its instruction is stepped back into the call.
    #expect(frames[1].returnAddress?.rawValue == 0x5555_5555_4a5f)
    #expect(frames[2].instruction?.rawValue == 0x5555_5555_4a5e)
    #expect(frames[0].sourceLine == SourceLine(file: "crash.cpp", line: 16))
    #expect(frames[0].annotations == [.argumentList(["w=0x7ffff721bec0", "value=53"])])
    #expect(frames[3].annotations == [
      .argumentList(["w=<optimized out>", "w@entry=0x7ffff721bec0", "depth=<optimized out>", "depth@entry=2"])
    ])
    #expect(frames.map(\.printedNumber) == [0, 1, 2, 3, 4, 5, 6])
    guard case .amd64(let registers)? = crashed.context else {
      Issue.record("no amd64 registers")
      return
    }
    #expect(registers[.rip] == 0x5555_5555_4a77 && registers[.rsp] == 0x7fff_f721_be90)
  }

  @Test("gdb at a terminal: rows wrapped at its width read as the unwrapped ones")
  func gdbWrapped() throws {
    let wrapped = decodeReport(try Self.text("gdb-wrapped.txt"))
    let unwrapped = decodeReport(try Self.text("gdb-threads.txt"))
    let first = try #require(wrapped.stacks.first)
    let reference = try #require(unwrapped.stacks.first)
    #expect(first.frames.map(\.symbol?.function) == reference.frames.map(\.symbol?.function))
    #expect(first.frames.map(\.sourceLine) == reference.frames.map(\.sourceLine))
    #expect(first.frames.map(\.annotations) == reference.frames.map(\.annotations))
    #expect(first.frames.map(\.instruction) == reference.frames.map(\.instruction))
    // `bt -frame-arguments none 3` prints `w=...`; `info sharedlibrary` gives no frames.
    #expect(wrapped.stacks.count == 2 && wrapped.stacks[1].frames.count == 3)
    #expect(wrapped.stacks[1].frames[0].annotations == [.argumentList(["w=...", "value=..."])])
  }

  @Test("a core file read with a stripped binary: the current thread, `?? ()` frames as addresses")
  func gdbCore() throws {
    let report = decodeReport(try Self.text("gdb-core-stripped.txt"))
    // The lone `#0` row printed on loading the core is thread 1's first row: not a thread.
    #expect(report.stacks.map(\.id) == [9280, 9277, 9281])
    let crashed = try #require(report.stacks.first { $0.isCrashed })
    #expect(crashed.id == 9281 && report.exception?.threadID == 9281)
    #expect(crashed.frames[0].symbol?.address?.rawValue == 0x5555_5555_4a77 && crashed.frames[0].symbol?.function == nil)
    #expect(crashed.frames[4].symbol?.function == "start_thread")
  }

  @Test("frames in libraries without debug information: `?? () from LIB`, the library as module")
  func gdbLibraries() throws {
    let report = decodeReport(try Self.text("gdb-uncaught-exception.txt"))
    #expect(report.exception?.code.rawValue == 6)
    let stack = try #require(report.stacks.first)
    #expect(stack.isCrashed && stack.frames.count == 13)
    #expect(stack.frames[4].symbol?.module == "libstdc++.so.6" && stack.frames[4].symbol?.function == nil)
    #expect(stack.frames[6].symbol?.function == "std::terminate()" && stack.frames[6].symbol?.module == "libstdc++.so.6")
    #expect(stack.frames[11].annotations == [.argumentList(["v=std::vector of length 3, capacity 3 = {...}", "i=10"])])
    #expect(stack.architectureEvidence.first?.contains("x86_64-linux-gnu") == true)
  }

  @Test("above a signal handler the pc is the interrupted instruction, not a return address")
  func gdbSignalFrame() throws {
    let text = """
      #0  handler (sig=11) at sig.c:5
      #1  <signal handler called>
      #2  0x0000000000401136 in crash (p=0x0) at sig.c:10
      #3  0x0000000000401150 in main () at sig.c:14
      """
    let stack = try #require(decodeReport(text).stacks.first)
    #expect(stack.frames.count == 4 && stack.frames.allSatisfy { !$0.isInlined })
    #expect(stack.frames[1].symbol?.function == "<signal handler called>")
    #expect(stack.frames[2].instruction?.rawValue == 0x40_1136)
    #expect(stack.frames[2].returnAddress?.rawValue == 0x40_1150)
    // Nothing here names the processor: said so, with the addresses' width.
    #expect(stack.architecture == .unknown && stack.architectureEvidence.first?.contains("64-bit") == true)
  }

  @Test("strings and characters in arguments, parentheses in names", arguments: [
    ("#1  0x00007ffff7a8f7b7 in log_it (why=0x4a94 \"paint (now\", c=40 '(') at log.c:181", "log_it", 181),
    (
      "#1  0x00007ffff7a8f7b7 in std::function<void (int)>::operator() (this=0x7ffe, __args#0=1) at std_function.h:591",
      "std::function<void (int)>::operator()", 591
    ),
  ])
  func gdbArgumentsWithParentheses(_ row: String, _ function: String, _ line: Int) throws {
    let stack = try #require(decodeReport(row).stacks.first)
    #expect(stack.frames.count == 1)
    #expect(stack.frames[0].symbol?.function == function && stack.frames[0].sourceLine?.line == line)
  }

  @Test("AddressSanitizer: the error's stack first, the others under their headings, the summary")
  func asanUseAfterFree() throws {
    let report = decodeReport(try Self.text("asan-use-after-free.txt"))
    #expect(report.stacks.map(\.label) == [
      "READ of size 4 at 0x7b28741e0010 thread T0", "freed by thread T0 here", "previously allocated by thread T0 here",
    ])
    #expect(report.stacks.map(\.isCrashed) == [true, false, false])
    #expect(report.stacks.allSatisfy { $0.format == .sanitizer })
    #expect(report.exception == nil)
    #expect(report.system.first { $0.key == "Sanitizer" }?.value.hasPrefix("AddressSanitizer: heap-use-after-free on address") == true)
    #expect(report.system.first { $0.key == "Summary" }?.value == "AddressSanitizer: heap-use-after-free /tmp/dbg/uaf.cpp:7:63 in read_value(Node*)")
    let frames = report.stacks[0].frames
    #expect(frames.map { $0.symbol?.function ?? "" } == ["read_value(Node*)", "__libc_start_call_main", "__libc_start_main", "_start"])
    #expect(frames[0].sourceLine == SourceLine(file: "/tmp/dbg/uaf.cpp", line: 7, column: 63))
    // The pcs printed are the ones to look up (a caller's already stepped back).
    #expect(frames[0].instruction?.rawValue == 0x563a_637d_641a)
    #expect(frames[3].symbol?.module == "uaf")
    // The shadow-byte map after the summary is no stack.
    #expect(report.stacks.count == 3)
  }

  @Test("unsymbolized frames: module and offset, modules placed by them with their build ids")
  func asanUnsymbolized() throws {
    let report = decodeReport(try Self.text("asan-use-after-free-unsymbolized.txt"))
    let frames = try #require(report.stacks.first).frames
    #expect(frames.map(\.text) == ["uaf+0x12741a", "libc.so.6+0x27249", "libc.so.6+0x27304", "uaf+0x5a130"])
    #expect(report.stacks.first?.architecture == .amd64)
    let libc = try #require(report.modules.first { $0.name == "libc.so.6" })
    #expect(libc.base.rawValue == 0x7fbb_4381_e000 && libc.path == "/lib/x86_64-linux-gnu/libc.so.6")
    #expect(libc.buildID == "93ac61ec5a8eb1396f9fbd350e3169a558528a40")
    #expect(libc.debugIdentifier == GNUBuildID.breakpadIdentifier("93ac61ec5a8eb1396f9fbd350e3169a558528a40"))
    #expect(report.modules.first { $0.name == "uaf" }?.base.rawValue == 0x5594_457a_f000)
  }

  @Test("a deadly signal: the exception, registers, an inlined frame, a recursion, a stack after the summary")
  func asanSegv() throws {
    let report = decodeReport(try Self.text("asan-segv-thread.txt"))
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 11 && exception.address?.rawValue == 0)
    #expect(exception.description == "AddressSanitizer: SEGV on unknown address 0x000000000000")
    #expect(report.stacks.map(\.label) == ["the error's stack", "Thread T2 created by T0 here"])
    let crashed = report.stacks[0]
    #expect(crashed.architecture == .amd64)
    // `#0` and `#1` share a pc and differ: `#0` is inlined. `#2` and `#3` are one function at
    // one place: a recursion, both physical.
    #expect(crashed.frames.map(\.isInlined) == [true, false, false, false, false, false, false, false])
    guard case .amd64(let registers)? = crashed.context else {
      Issue.record("no amd64 registers")
      return
    }
    #expect(registers[.rbp] == 0x7b5b_647f_dda0 && registers[.r8] == 8)
  }

  @Test("ThreadSanitizer: frames without a pc, the racing accesses and the threads' creators")
  func tsanRace() throws {
    let report = decodeReport(try Self.text("tsan-data-race.txt"))
    #expect(report.stacks.map(\.label) == [
      "Write of size 4 at 0x555556a0c8f0 by thread T2", "Previous write of size 4 at 0x555556a0c8f0 by thread T1",
      "Thread T2 (tid=16193, running) created by main thread at", "Thread T1 (tid=16192, finished) created by main thread at",
    ])
    let first = try #require(report.stacks.first)
    #expect(first.isCrashed && first.frames.count == 1)
    #expect(first.frames[0].symbol?.module == "race" && first.frames[0].symbol?.function == "Thread2")
    #expect(first.frames[0].sourceLine == SourceLine(file: "/tmp/dbg/race.c", line: 5, column: 32))
    #expect(first.frames[0].instruction == nil)
    #expect(report.system.first { $0.key == "Summary" }?.value == "ThreadSanitizer: data race /tmp/dbg/race.c:5:32 in Thread2")
  }

  @Test("an LLVM tool's crash stack, with and without names")
  func llvmCrashStack() throws {
    let text = """
      Stack dump:
      0.	Program arguments: clang -c a.c
       #0 0x000055d0c4b8a9a1 llvm::sys::PrintStackTrace(llvm::raw_ostream&, int) (/usr/bin/clang+0x2a9a1)
       #1 0x000055d0c4b8883e llvm::sys::RunSignalHandlers() (/usr/bin/clang+0x2883e)
       #2 0x00007f5b2f2d6520 (/lib/x86_64-linux-gnu/libc.so.6+0x42520)
      Segmentation fault (core dumped)
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .sanitizer && stack.frames.count == 3)
    #expect(stack.frames.map(\.text) == [
      "clang!llvm::sys::PrintStackTrace(llvm::raw_ostream&, int)", "clang!llvm::sys::RunSignalHandlers()", "libc.so.6+0x42520",
    ])
    #expect(report.modules.first { $0.name == "clang" }?.base.rawValue == 0x5_5d0c_4b6_0000)
  }

  @Test("glibc's backtrace_symbols: names and offsets, modules placed by `(+0x…)` lines")
  func backtraceSymbols() throws {
    let report = decodeReport(try Self.text("backtrace-symbols-rdynamic.txt"))
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .backtraceSymbols && stack.architecture == .amd64 && stack.frames.count == 9)
    #expect(stack.frames.map(\.text) == [
      "handler+0xa5f", "libc.so.6+0x3c050", "handler!parse_record+0xc", "handler+0x9e5", "handler!run+0x15",
      "handler!main+0x48", "libc.so.6+0x2724a", "libc.so.6!__libc_start_main+0x85", "handler!_start+0x21",
    ])
    // Every address is a return address: the next frame's, stepped back for lookups.
    #expect(stack.frames[0].instruction?.rawValue == 0x55eb_0988_da5f)
    #expect(stack.frames[0].returnAddress?.rawValue == 0x7efe_fdd0_d050 && stack.frames[1].instruction?.rawValue == 0x7efe_fdd0_d04f)
    #expect(report.modules.map(\.name) == ["handler", "libc.so.6"])
    #expect(report.modules.first?.base.rawValue == 0x55eb_0988_d000)
  }

  @Test("backtrace_symbols with a blank before `[`, behind a log prefix; lone lines are not listings")
  func backtraceSymbolsForms() throws {
    let spaced = """
      2024-01-02 10:00:01 FATAL ./app(_Z5crashv+0x12) [0x401136]
      2024-01-02 10:00:01 FATAL ./app(main+0x9) [0x401150]
      2024-01-02 10:00:01 FATAL [0x7f0c2a1b3c4d]
      """
    let stack = try #require(decodeReport(spaced).stacks.first)
    #expect(stack.frames.map(\.text) == ["app!_Z5crashv+0x12", "app!main+0x9", "0x00007f0c2a1b3c4d"])
    #expect(decodeReport("see ./app(main+0x9)[0x401150] for details\n").stacks.isEmpty)
    #expect(decodeReport("the value [0x10] was wrong\nand [0x20] too\n").stacks.isEmpty)
  }

  @Test("the Swift runtime's backtrace: threads, [ra] and inlined frames, registers, images with build ids")
  func swiftBacktrace() throws {
    let report = decodeReport(try Self.text("swift-backtrace-onone.txt"))
    #expect(report.stacks.map(\.label) == ["Thread 0 \"settle0\"", "Thread 1"])
    #expect(report.stacks.map(\.isCrashed) == [false, true])
    #expect(report.stacks.allSatisfy { $0.format == .swiftBacktrace && $0.architecture == .amd64 })
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 4 && exception.description == "SIGILL, Illegal instruction")
    #expect(exception.address?.rawValue == 0x7fdd_7176_df7f)
    let frames = report.stacks[1].frames
    #expect(frames.count == 10)
    #expect(frames[2].symbol?.module == "settle0" && frames[2].symbol?.function == "Ledger.balance(of:)")
    // `+ 272` is measured from ra - 1; offsets here are from the return address.
    #expect(frames[2].symbol?.offset == 273)
    #expect(frames[2].sourceLine == SourceLine(file: "/tmp/swb/main.swift", line: 7, column: 70))
    // Frame 0 gives its pc; `[ra]` frames the return address into them.
    #expect(frames[0].instruction?.rawValue == 0x7fdd_7176_df7f && frames[1].instruction?.rawValue == 0x7fdd_718f_961e)
    #expect(frames[1].returnAddress?.rawValue == 0x55cd_a815_a9d1)
    let settle = try #require(report.modules.first { $0.name == "settle0" })
    #expect(settle.base.rawValue == 0x55cd_a815_8000 && settle.buildID == "829bb9664d05f869a91d78bcf211187116d9c459")
    guard case .amd64(let registers)? = report.stacks[1].context else {
      Issue.record("no amd64 registers")
      return
    }
    #expect(registers[.rip] == 0x7fdd_7176_df7f)
  }

  @Test("an optimized build's backtrace: [inlined] frames share the pc of the frame below")
  func swiftBacktraceInlined() throws {
    let report = decodeReport(try Self.text("swift-backtrace-optimized.txt"))
    let crashed = try #require(report.stacks.first { $0.isCrashed })
    #expect(crashed.frames.map(\.isInlined) == [true, true, false])
    #expect(crashed.frames.allSatisfy { $0.instruction?.rawValue == 0x555b_a745_5743 })
    #expect(crashed.frames[1].symbol?.function == "Swift runtime failure: Unexpectedly found nil while unwrapping an Optional value")
  }

  @Test("rows of other tools stay theirs", arguments: [
    "#00 pc 000000000004e8c8  /apex/com.android.runtime/lib64/bionic/libc.so (abort+164)",
    "#1 Introduction (see below)",
  ])
  func notTheirs(_ text: String) {
    let report = decodeReport(text)
    #expect(report.stacks.allSatisfy { $0.format != .gdbBacktrace && $0.format != .sanitizer })
  }

  @Test("Swift's `Current stack trace:` before 5.9: a named row's address is its function's, `<unavailable>` rows give the base")
  func swiftCurrentStackTrace() throws {
    let report = decodeReport(try Self.text("swift-current-stack-trace.txt"))
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.isCrashed && stack.format == .swiftBacktrace && stack.lines == LineRange(1, 14))
    let exception = try #require(report.exception)
    #expect(exception.code.rawValue == 4 && exception.description?.hasPrefix("Fatal error: Index out of range") == true)
    let frames = stack.frames
    #expect(frames.count == 11)
    // `swift_reportError + 50` at 0x00007f1c5c3a7b80: the pc is the function's address + 50.
    #expect(frames[0].instruction?.rawValue == 0x7f1c_5c3a_7bb2 && frames[0].symbol?.function == "swift_reportError")
    #expect(frames[6].symbol?.module == "ledger" && frames[6].symbol?.function == "$s6ledger7balance2ofS2i_tF")
    #expect(frames[5].returnAddress?.rawValue == 0x55d5_c1a2_b3f8)
    // `<unavailable> + 1107432` at 0x00007f1c5c11e5e8: the library's base is the difference.
    #expect(frames[2].symbol?.moduleOffset == 1_107_432 && frames[2].symbol?.function == nil)
    #expect(report.modules.first { $0.name == "libswiftCore.so" }?.base.rawValue == 0x7f1c_5c11_e5e8 - 1_107_432)
    #expect(decodeReport(try Self.text("swift-current-stack-trace.txt"), chunkSize: 5).stacks == report.stacks)
  }

  @Test("the same text fed in small chunks decodes the same", arguments: [
    "gdb-threads.txt", "gdb-wrapped.txt", "asan-segv-thread.txt", "swift-backtrace-onone.txt",
  ])
  func chunks(_ name: String) throws {
    let text = try Self.text(name)
    #expect(decodeReport(text, chunkSize: 7).stacks == decodeReport(text).stacks)
  }
}
