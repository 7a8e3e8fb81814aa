//===--- NamedRegisters.swift - Registers printed as name and value ------------===//
//
// Tombstones (`x0  0000…`), gdb's `info registers` (`rip  0x555555554a77`) and
// sanitizers (`rax = 0x0000…`) print a thread's registers as names and values:
// they become a context of the architecture decided for the thread.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Registers given as (name, value) pairs, made a context.
package enum NamedRegisters {
  /// The pairs as a context of `architecture` (names it does not know are left out); nil
  /// for an architecture without a register file here.
  package static func context(_ pairs: [(name: String, value: UInt64)], architecture: Architecture) -> RegisterContext? {
    func file<R: CPURegister>(_: R.Type) -> RegisterFile<R> {
      var file = RegisterFile<R>()
      for (name, value) in pairs { if let register = R(name: name) { file[register] = value } }
      return file
    }
    switch architecture {
    case .arm: return .arm(file(ARMRegister.self))
    case .arm64: return .arm64(file(ARM64Register.self))
    case .amd64: return .amd64(file(AMD64Register.self))
    case .x86: return .x86(file(X86Register.self))
    case .riscv64: return .riscv64(file(RISCV64Register.self))
    default: return nil
    }
  }
}
