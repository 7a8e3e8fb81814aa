//===--- CrashReason.swift - What a dump's exception record says, in words ---===//
//
// A minidump's exception code means different things by platform (the system
// info's platform id):
//   - Windows: an NTSTATUS (`EXCEPTION_ACCESS_VIOLATION`), refined for access
//     violations by the first parameter (read, write, execute);
//   - Linux and Android (Breakpad's and Crashpad's writers): the signal number,
//     with the signal's `si_code` in the flags (`SIGSEGV / SEGV_MAPERR`; a fault's
//     own codes only, since older writers leave the flags 0);
//   - macOS and iOS: the Mach exception type, with its code in the flags
//     (`EXC_BAD_ACCESS / KERN_INVALID_ADDRESS`).
// Numbers from <signal.h> and <asm-generic/siginfo.h> (Linux), <mach/exception_types.h>,
// <mach/kern_return.h> and <mach/i386/exception.h>, as Breakpad's
// minidump_exception_mac.h lists them. Unknown flags leave the name alone.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Minidump

/// The words for a dump's exception: Breakpad's crash reason, per platform.
enum CrashReason {
  /// The reason for `exception` in a dump from `platform` (nil: no system information,
  /// read as Windows, as Breakpad does).
  static func text(_ exception: MinidumpException, platform: MinidumpSystemInfo?) -> String? {
    guard let platform else { return windows(exception) }
    if platform.isWindows { return windows(exception) }
    if platform.isApple { return mach(exception, architecture: platform.architecture) }
    return posix(exception)
  }

  /// The NTSTATUS name, refined for access violations.
  static func windows(_ exception: MinidumpException) -> String? {
    let code = ExceptionCode(rawValue: exception.code)
    guard var name = code.name else { return nil }
    if exception.code == 0xC000_0005, let kind = exception.parameters.first {
      switch kind {
      case 0: name += "_READ"
      case 1: name += "_WRITE"
      case 8: name += "_EXEC"
      default: break
      }
    }
    return name
  }

  /// The signal's name, and its `si_code`'s when the flags hold a known one.
  static func posix(_ exception: MinidumpException) -> String? {
    // Breakpad's writer records a dump taken on request, not for a signal, as 0xFFFFFFFF.
    if exception.code == 0xFFFF_FFFF { return "DUMP_REQUESTED" }
    guard let signal = LinuxSignal.names[exception.code] else { return nil }
    // Only a fault's own codes: older writers leave the flags 0, which would read as SI_USER.
    guard let detail = signalCodeNames[exception.code]?[Int32(bitPattern: exception.flags)] else { return signal }
    return signal + " / " + detail
  }

  /// The Mach exception type's name, and its code's when the flags hold a known one.
  static func mach(_ exception: MinidumpException, architecture: Architecture) -> String? {
    guard let type = MachException.names[exception.code] else { return nil }
    let code = exception.flags
    let detail: String?
    switch exception.code {
    case 1: detail = kernReturnNames[code] ?? (architecture == .amd64 || architecture == .x86 ? (code == 13 ? "EXC_I386_GPFLT" : nil) : nil)
    case 3 where architecture == .amd64 || architecture == .x86: detail = i386ArithmeticNames[code]
    case 5: detail = softwareCodeNames[code]
    default: detail = nil
    }
    return detail.map { type + " / " + $0 } ?? type
  }

  /// `si_code` values of the signals a fault raises.
  static let signalCodeNames: [UInt32: [Int32: String]] = [
    4: [
      1: "ILL_ILLOPC", 2: "ILL_ILLOPN", 3: "ILL_ILLADR", 4: "ILL_ILLTRP", 5: "ILL_PRVOPC", 6: "ILL_PRVREG",
      7: "ILL_COPROC", 8: "ILL_BADSTK",
    ],
    7: [1: "BUS_ADRALN", 2: "BUS_ADRERR", 3: "BUS_OBJERR", 4: "BUS_MCEERR_AR", 5: "BUS_MCEERR_AO"],
    8: [
      1: "FPE_INTDIV", 2: "FPE_INTOVF", 3: "FPE_FLTDIV", 4: "FPE_FLTOVF", 5: "FPE_FLTUND", 6: "FPE_FLTRES",
      7: "FPE_FLTINV", 8: "FPE_FLTSUB",
    ],
    11: [1: "SEGV_MAPERR", 2: "SEGV_ACCERR", 3: "SEGV_BNDERR", 4: "SEGV_PKUERR"],
  ]

  /// `kern_return_t` codes an EXC_BAD_ACCESS carries.
  static let kernReturnNames: [UInt32: String] = [
    1: "KERN_INVALID_ADDRESS", 2: "KERN_PROTECTION_FAILURE", 8: "KERN_NO_ACCESS", 9: "KERN_MEMORY_FAILURE",
    10: "KERN_MEMORY_ERROR", 50: "KERN_CODESIGN_ERROR",
  ]

  /// EXC_ARITHMETIC codes on x86.
  static let i386ArithmeticNames: [UInt32: String] = [
    1: "EXC_I386_DIV", 2: "EXC_I386_INTO", 3: "EXC_I386_NOEXT", 4: "EXC_I386_EXTOVR", 5: "EXC_I386_EXTERR",
    6: "EXC_I386_EMERR", 7: "EXC_I386_BOUND", 8: "EXC_I386_SSEEXTERR",
  ]

  /// EXC_SOFTWARE codes: signals delivered as Mach exceptions, and an uncaught NSException.
  static let softwareCodeNames: [UInt32: String] = [
    0x0001_0000: "SIGSYS", 0x0001_0001: "SIGPIPE", 0x0001_0002: "SIGABRT", 0xDEAD_C0DE: "UNCAUGHT_NS_EXCEPTION",
  ]
}
