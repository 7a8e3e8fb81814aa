//===--- MachException.swift - Mach exception types by number and name -------===//
//
// The exception types of <mach/exception_types.h>, as macOS and iOS dumps record
// them (a minidump's exception code) and crash reports print them
// (`Exception Type:  EXC_BAD_ACCESS (SIGSEGV)`).
//
//===----------------------------------------------------------------------===//

/// Mach exception types.
public enum MachException {
  /// The name of each exception type (`1` → `EXC_BAD_ACCESS`).
  public static let names: [UInt32: String] = [
    1: "EXC_BAD_ACCESS", 2: "EXC_BAD_INSTRUCTION", 3: "EXC_ARITHMETIC", 4: "EXC_EMULATION", 5: "EXC_SOFTWARE",
    6: "EXC_BREAKPOINT", 7: "EXC_SYSCALL", 8: "EXC_MACH_SYSCALL", 9: "EXC_RPC_ALERT", 10: "EXC_CRASH",
    11: "EXC_RESOURCE", 12: "EXC_GUARD", 13: "EXC_CORPSE_NOTIFY", 0x4350_7378: "Simulated Exception",
  ]

  /// The number of an exception type named as a crash report prints it, or nil.
  public static func number(named name: some StringProtocol) -> UInt32? {
    numbers[String(name)]
  }

  private static let numbers: [String: UInt32] = Dictionary(uniqueKeysWithValues: names.map { ($0.value, $0.key) })
}
