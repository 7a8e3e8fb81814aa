//===--- StackFormat.swift - Which listing format a stack came from ---------===//
//
// The families of stack listings found in the KB archive, named as in the
// project's docs/formats.md, plus the non-text sources.
//
//===----------------------------------------------------------------------===//

/// The format a thread's frames were decoded from.
public enum StackFormat: String, Sendable, Hashable, CaseIterable, Codable {
  /// Dr. Watson (DrWtsn32) `FramePtr ReturnAd Param#1..#4 Function Name`.
  case framePtrReturnAd = "frameptr-returnad"
  /// kd, or `kb` on a user.dmp: `FramePtr RetAddr Param1..3 Function Name`.
  case framePtrRetAddr = "frameptr-retaddr"
  /// WinDbg/kd `kb`, `kv`, `kvn`: `ChildEBP RetAddr Args to Child`.
  case childEBPArgs = "childebp-kb"
  /// WinDbg/kd `k`: `ChildEBP RetAddr`.
  case childEBP = "childebp-k"
  /// WinDbg/kd on amd64 and arm64, `k`, `kn`, `kp`, `kP`, `kf`: `Child-SP RetAddr Call Site`.
  case childSP = "childsp-k"
  /// WinDbg/kd on amd64 and arm64, `kb`, `kv` and `!analyze`'s STACK_TEXT:
  /// `Child-SP RetAddr : Args to Child : Call Site`.
  case childSPArgs = "childsp-kb"
  /// RISC kd `k`: `Callee-SP Return-RA Call Site`.
  case calleeSPReturnRA = "calleesp-k"
  /// RISC kd `kb`: `Callee-SP Arguments to Callee Call Site`.
  case calleeSPArguments = "calleesp-kb"
  /// Alpha blue screen: `Callee-Sp Return -Ra Dll Base - Name`.
  case blueScreenRISC = "bugscreen-risc"
  /// x86 blue screen: `Address dword dump Build [1381] - Name`.
  case blueScreenX86 = "bugscreen-x86"
  /// Windows 9x fault dialog: `Stack dump:` raw DWORDs.
  case win9xStackDump = "win9x-stackdump"
  /// SQL Server `Short Stack Dump`: `address Module(mod+off) (sym+off)`.
  case sqlShortStack = "sql-short-stack"
  /// Windows 3.1 Dr. Watson 0.80: `Stack Frame N is MODULE function+off ss:bp s:o`.
  case win31DrWatson = "win31-drwatson"
  /// `Stack trace:` rows of frame pointer, return address and `symbol(args)`.
  case returnAddressSymbolArgs = "retaddr-sym-args"
  /// Visual Studio's Call Stack window, copied: `app.exe!Class::Method(int x) Line 42	C++`.
  case visualStudio = "vs-callstack"
  /// A list of `module!function+offset` with no addresses.
  case symbolsOnly = "symbols-only"
  /// Breakpad's `minidump_stackwalk` text: ` 0  module!function [file : line + 0x3]` with the
  /// walker's registers and `Found by:` under each frame.
  case breakpadStackwalk = "breakpad-stackwalk"
  /// Android's crash dump (debuggerd's tombstone, or its logcat copy): `#00 pc 0004af4c  /system/lib/libc.so (tgkill+12)`.
  case androidTombstone = "android-tombstone"
  /// gdb's `bt` and `thread apply all bt`: `#1  0x00007ffff7a24859 in abort () at abort.c:79`.
  case gdbBacktrace = "gdb-backtrace"
  /// A macOS or iOS crash report (`.crash`, or an `.ips` as Console shows it): `0   libsystem_kernel.dylib  0x00007fff6c4c0b66 __pthread_kill + 10`.
  case appleCrashReport = "apple-crash-report"
  /// The Swift runtime's crash backtrace: `2 [ra] 0x000055cda815a9d1 Ledger.balance(of:) + 272 in settle0 at main.swift:7:70`.
  case swiftBacktrace = "swift-backtrace"
  /// glibc's `backtrace_symbols` lines, as programs' crash handlers log them: `./app(main+0x1d)[0x400b1d]`.
  case backtraceSymbols = "backtrace-symbols"
  /// lldb's `bt` and `bt all`: `frame #1: 0x0000555555555158 a.out`main at main.c:12:3`.
  case lldbBacktrace = "lldb-backtrace"
  /// A sanitizer's or LLVM's stack trace: `#0 0x4c8a1f in main /src/a.c:12:5`, `#1 0x7f… (/lib/libc.so.6+0x29d8f)`.
  case sanitizer = "sanitizer-stack"
  /// A Go panic, fatal error or goroutine dump: `main.settle(0xc000088e28, {…})` over
  /// `\t/src/main.go:26 +0x8d`.
  case goPanic = "go-panic"
  /// A Linux kernel oops, BUG or WARNING with its `Call Trace:` (dmesg, journal or syslog):
  /// `? __die+0x23/0x70`, `faulty_init+0x15/0x1000 [faulty]`.
  case kernelOops = "kernel-oops"
  /// Windows's summary of a crash in the event log (Application Error's event 1000, Windows
  /// Error Reporting's 1001, the problem details, Dr. Watson's event 4097): one frame, the
  /// faulting module and offset, or the faulting address.
  case windowsErrorReport = "windows-error-report"
  /// Firebase Crashlytics' issue page as text: `Crashed: com.apple.main-thread`, then rows as
  /// Apple's reports print them (`0  UIKitCore  0x32db04 <redacted> + 296`).
  case crashlytics
  /// .NET's unhandled exception: event 1026's `Exception Info:` or the console's `Unhandled
  /// exception.`, over `   at Ledger.Store.Latest() in C:\src\Store.cs:line 42`.
  case dotnet = "dotnet-stack"
  /// The Java VM's fatal error log (`hs_err_pid….log` and its console summary): `Native
  /// frames:` rows such as `C  [libledger.so+0x1a2b]  ledger_balance+0x1b`.
  case hotspot = "hotspot-error"
  /// Python's faulthandler after a fatal signal: `Current thread 0x… (most recent call first):`
  /// over `  File "/srv/ledger/main.py", line 12 in <module>`.
  case pythonFaultHandler = "python-faulthandler"
  /// A Python exception's traceback: `Traceback (most recent call last):` over
  /// `  File "/srv/ledger/main.py", line 12, in <module>`, then `ZeroDivisionError: …`.
  case pythonTraceback = "python-traceback"
  /// A failing test as pytest prints it: `____ test_close ____` over its entries, long
  /// (source, `>`, `E   KeyError: …`, `ledger/store.py:88: KeyError`) and short
  /// (`ledger/api.py:31: in close`).
  case pytest
  /// A Java exception's stack as Throwable prints it: `Exception in thread "main" …` or the
  /// exception's class, then `\tat com.example.Store.balance(Store.java:42)`, `Caused by: …`.
  case java = "java-stack"
  /// Dr. Memory's error reports (results.txt, or its console behind `~~Dr.M~~`):
  /// `Error #1: UNADDRESSABLE ACCESS: …` over `# 0 ledgersvc.exe!Ledger::Close [c:\src\ledger.cpp:42]`.
  case drMemory = "dr-memory"
  /// Valgrind's error reports (Memcheck, Helgrind, DRD): `==12345== Invalid read of size 4` over
  /// `==12345==    at 0x108668: ledger_close (ledger.c:42)`.
  case valgrind
  /// A Rust program's panic and its backtrace: `thread 'main' panicked at src/main.rs:2:5:` and
  /// `stack backtrace:` over `   4: ledger::Ledger::close` and `             at ./src/ledger.rs:42:17`.
  case rustPanic = "rust-panic"
  /// Android's thread dump for an ANR (`/data/anr/traces.txt`, Play Console's ANR page):
  /// `"main" prio=5 tid=1 Blocked` over `  at com.example.Store.balance(Store.java:42)` and
  /// `  native: #00 pc 000000000004e8c8  /apex/…/libc.so (syscall+28)`.
  case androidANR = "android-anr"
  /// A JavaScript error's stack as V8 prints it (Node.js, Chrome, Electron): `TypeError: …` over
  /// `    at Ledger.balance (/srv/ledger/ledger.js:12:26)`.
  case javascript = "javascript-stack"
  /// systemd-coredump's stack traces (`coredumpctl info`, the journal's message): `Stack trace of
  /// thread 12239:` over `#0  0x000055bf65a3021f journal_append (ledger_threads + 0x121f)`.
  case systemdCoredump = "systemd-coredump"
  /// The SOS debugger extension's managed stacks (WinDbg's `!clrstack`, `dotnet-dump analyze`'s
  /// `clrstack`, `!pe`): `000000E5D8F7E2B0 00007ffa9c1b2f4d Ledger.Store.Latest() [C:\src\Store.cs @ 42]`
  /// under `Child SP               IP Call Site`.
  case sosManagedStack = "sos-clrstack"
  /// Socorro's crashing thread as Mozilla's bugs quote it (`Top 10 frames of crashing thread:`
  /// over `0  xul.dll  mozilla::dom::Ledger::Close  dom/ledger/Ledger.cpp:212`) and crash-stats'
  /// frame table.
  case socorroFrames = "socorro-frames"
  /// Node.js's native stack after a fatal error (`FATAL ERROR: …` over
  /// ` 1: 0xb7b150 node::Abort() [node]`).
  case nodeNative = "node-native"
  /// A Unity player's or editor's crash handler on Windows (`Player.log`, `Editor.log`):
  /// `0x00007FF63B7BE803 (Unity) GfxDeviceVK::InsertCustomMarkerCallback` under `========== OUTPUTTING
  /// STACK TRACE ==================`.
  case unityCrash = "unity-crash"
  /// A stack of a Sentry event's JSON (an exception's or a thread's `stacktrace`).
  case sentryEvent = "sentry-event"
  /// Rows copied without their header line.
  case headerless = "noheader"
  /// Read from a minidump's thread list.
  case minidump
}
