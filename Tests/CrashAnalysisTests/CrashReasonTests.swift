//===--- CrashReasonTests.swift - An exception record in words, per platform -===//
//
// The same numbers mean an NTSTATUS on Windows, a signal and its si_code on
// Linux, a Mach exception type and its code on macOS (Breakpad's crash reasons;
// the symbolic 8.7.3 wheel's macOS fixture dump read `SIGHUP` before).
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Testing

@Suite("Crash reasons per platform")
struct CrashReasonTests {
  /// The report's exception text for a dump from `platform` with `code` and `flags`.
  static func reason(platform: UInt32, architecture: UInt16 = 9, code: UInt32, flags: UInt32 = 0, parameters: [UInt64] = [])
    throws -> String?
  {
    var dump = SyntheticMinidump()
    dump.platformID = platform
    dump.processorArchitecture = architecture
    let context = architecture == 9
      ? SyntheticContext.amd64(rip: 0x40_1000, rsp: 0x7000, rbp: 0x7000)
      : SyntheticContext.x86(eip: 0x40_1000, esp: 0x7000, ebp: 0x7000)
    dump.threads = [SyntheticThread(id: 7, context: context, stackBase: 0x7000, stack: Array(repeating: 0, count: 64))]
    dump.exception = (threadID: 7, code: code, address: 0x45, parameters: parameters, context: context)
    dump.exceptionFlags = flags
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    return try Analyser().analyse(path: file.path).exception?.description
  }

  @Test("macOS and iOS: the Mach exception type and its code")
  func mach() throws {
    #expect(try Self.reason(platform: 0x8101, code: 1, flags: 1) == "EXC_BAD_ACCESS / KERN_INVALID_ADDRESS")
    #expect(try Self.reason(platform: 0x8101, code: 1, flags: 13) == "EXC_BAD_ACCESS / EXC_I386_GPFLT")
    #expect(try Self.reason(platform: 0x8102, code: 1, flags: 2) == "EXC_BAD_ACCESS / KERN_PROTECTION_FAILURE")
    #expect(try Self.reason(platform: 0x8101, code: 3, flags: 1) == "EXC_ARITHMETIC / EXC_I386_DIV")
    #expect(try Self.reason(platform: 0x8101, code: 5, flags: 0x1_0002) == "EXC_SOFTWARE / SIGABRT")
    #expect(try Self.reason(platform: 0x8101, code: 6, flags: 2) == "EXC_BREAKPOINT")
    #expect(try Self.reason(platform: 0x8101, code: 0x99) == nil)
  }

  @Test("Linux and Android: the signal, and a fault's si_code when recorded")
  func posix() throws {
    #expect(try Self.reason(platform: 0x8201, code: 11, flags: 1) == "SIGSEGV / SEGV_MAPERR")
    #expect(try Self.reason(platform: 0x8203, code: 7, flags: 1) == "SIGBUS / BUS_ADRALN")
    #expect(try Self.reason(platform: 0x8201, code: 8, flags: 1) == "SIGFPE / FPE_INTDIV")
    #expect(try Self.reason(platform: 0x8201, code: 11) == "SIGSEGV")
    #expect(try Self.reason(platform: 0x8201, code: 6, flags: 0xFFFF_FFFA) == "SIGABRT")
    #expect(try Self.reason(platform: 0x8201, code: 0xFFFF_FFFF) == "DUMP_REQUESTED")
  }

  @Test("Windows: the NTSTATUS, an access violation refined by its first parameter")
  func windows() throws {
    #expect(
      try Self.reason(platform: 2, architecture: 0, code: 0xC000_0005, parameters: [1, 0x45])
        == "EXCEPTION_ACCESS_VIOLATION_WRITE")
    #expect(try Self.reason(platform: 2, architecture: 0, code: 0xC000_0094) == "EXCEPTION_INT_DIVIDE_BY_ZERO")
  }
}
