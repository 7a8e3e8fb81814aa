//===--- LinuxSignal.swift - Signal numbers and names as Linux has them ------===//
//
// Linux's numbering (x86, ARM, ARM64 and most other ports; <asm-generic/signal.h>),
// which Android shares. Dumps record the number, debuggers and sanitizers print
// the name (`Program received signal SIGSEGV`, `AddressSanitizer: SEGV`).
//
//===----------------------------------------------------------------------===//

/// Linux's signal numbers and their names.
public enum LinuxSignal {
  /// The name of each signal number (`11` → `SIGSEGV`).
  public static let names: [UInt32: String] = [
    1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
    9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
    16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU",
    23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO",
    30: "SIGPWR", 31: "SIGSYS",
  ]

  /// The number of a signal named with or without its `SIG` prefix (`SIGSEGV`, `SEGV`), or nil.
  public static func number(named name: some StringProtocol) -> UInt32? {
    let full = name.hasPrefix("SIG") ? String(name) : "SIG" + name
    // Other spellings of the same numbers.
    switch full {
    case "SIGIOT": return 6
    case "SIGPOLL": return 29
    default: break
    }
    return numbers[full]
  }

  /// The name of a signal's `si_code` (<asm-generic/siginfo.h>): `SEGV_MAPERR`, `BUS_ADRALN`,
  /// `FPE_INTDIV`, `ILL_ILLOPC`, or who sent it (`SI_USER`, `SI_TKILL`); nil when unknown.
  public static func codeName(signal: UInt32, code: Int32) -> String? {
    switch code {
    case 0: return "SI_USER"
    case 0x80: return "SI_KERNEL"
    case -1: return "SI_QUEUE"
    case -6: return "SI_TKILL"
    default: break
    }
    guard code > 0 else { return nil }
    let names: [String]
    switch signal {
    case 4: names = ["ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"]
    case 8: names = ["FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"]
    case 11: names = ["SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR", "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR", "SEGV_CPERR"]
    case 7: names = ["BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"]
    case 5: names = ["TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF"]
    default: return nil
    }
    return Int(code) <= names.count ? names[Int(code) - 1] : nil
  }

  private static let numbers: [String: UInt32] = Dictionary(uniqueKeysWithValues: names.map { ($0.value, $0.key) })
}
