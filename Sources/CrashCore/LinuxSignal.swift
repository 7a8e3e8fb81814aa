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

  private static let numbers: [String: UInt32] = Dictionary(uniqueKeysWithValues: names.map { ($0.value, $0.key) })
}
