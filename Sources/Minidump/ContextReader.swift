//===--- ContextReader.swift - CONTEXT records into register files ----------===//
//
//   x86:   CONTEXT_i386 (flags 0x00010000 at offset 0), 0xCC bytes, or 0x2CC with
//          ExtendedRegisters; registers at their winnt.h offsets (X86Register).
//   Alpha: the native quad CONTEXT (0x230 bytes; ContextFlags at 0x21C carries
//          0x00020000); registers at their ksalpha.h offsets (AlphaRegister).
//   amd64: the x64 CONTEXT (0x4D0 bytes; ContextFlags at 0x30 carries
//          0x00100000); registers at their winnt.h offsets (AMD64Register).
//   arm64: the ARM64 CONTEXT of Windows, Crashpad and today's Breakpad (0x390
//          bytes; a 32-bit ContextFlags carrying 0x00400000, Cpsr at 4), or
//          Breakpad's older layout (0x31C bytes; a 64-bit ContextFlags carrying
//          0x80000000, Cpsr at 0x110); x0 … x28, fp, lr, sp, pc at the same
//          offsets in both (ARM64Register).
//   arm:   Breakpad's and Crashpad's MDRawContextARM (flags at 0 carrying
//          0x40000000, or 0x00000040 in Breakpad's first ARM dumps; 0x170 bytes)
//          or the Windows CONTEXT for ARM (0x00200000; 0x1A0 bytes): r0 … r15
//          and cpsr at the same offsets in all (ARMRegister); only those 0x48
//          bytes are required.
//   riscv64: Breakpad's and Crashpad's MDRawContextRISCV64 (flags at 0 carrying
//          0x08000000; 0x210 bytes): pc, then x1 … x31 (RISCV64Register); only
//          those 0x108 bytes are required.
// The layout is chosen by the dump's processor architecture, then checked
// against the record's size and flags; a mismatch is an error naming the offset.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore

enum ContextReader {
  /// The registers of the CONTEXT at `location`, for the dump's architecture.
  static func read(_ reader: ByteReader, _ location: MinidumpLocation, architecture: Architecture) throws(ReadError)
    -> RegisterContext
  {
    let base = UInt64(location.rva)
    switch architecture {
    case .x86:
      guard location.size >= UInt32(X86Register.contextSize) else {
        throw ReadError(.invalidValue, at: base, reading: "an x86 CONTEXT of \(location.size) bytes (needs 0xCC)")
      }
      let flags = try reader.read(UInt32.self, at: base, "the x86 context flags")
      guard flags & 0xFFFF_0000 == 0x0001_0000 else {
        throw ReadError(.invalidValue, at: base, reading: "x86 context flags 0x\(String(flags, radix: 16))")
      }
      return .x86(try registers(reader, at: base, "the x86 context"))
    case .alpha:
      guard location.size >= UInt32(AlphaRegister.contextSize) else {
        throw ReadError(.invalidValue, at: base, reading: "an Alpha CONTEXT of \(location.size) bytes (needs 0x230)")
      }
      let flags = try reader.read(UInt32.self, at: base + 0x21C, "the Alpha context flags")
      guard flags & AlphaRegister.contextFlag != 0 else {
        throw ReadError(.invalidValue, at: base + 0x21C, reading: "Alpha context flags 0x\(String(flags, radix: 16))")
      }
      return .alpha(try registers(reader, at: base, "the Alpha context"))
    case .amd64:
      guard location.size >= UInt32(AMD64Register.contextSize) else {
        throw ReadError(.invalidValue, at: base, reading: "an x64 CONTEXT of \(location.size) bytes (needs 0x4D0)")
      }
      let flags = try reader.read(UInt32.self, at: base + 0x30, "the x64 context flags")
      guard flags & AMD64Register.contextFlag != 0 else {
        throw ReadError(.invalidValue, at: base + 0x30, reading: "x64 context flags 0x\(String(flags, radix: 16))")
      }
      return .amd64(try registers(reader, at: base, "the x64 context"))
    case .arm64:
      return .arm64(try arm64Registers(reader, location))
    case .arm:
      guard location.size >= UInt32(ARMRegister.integerContextSize) else {
        throw ReadError(.invalidValue, at: base, reading: "an ARM CONTEXT of \(location.size) bytes (needs 0x48)")
      }
      let flags = try reader.read(UInt32.self, at: base, "the ARM context flags")
      let known = [ARMRegister.contextFlag, ARMRegister.oldContextFlag, ARMRegister.windowsContextFlag]
      guard known.contains(where: { flags & $0 != 0 }) else {
        throw ReadError(.invalidValue, at: base, reading: "ARM context flags 0x\(String(flags, radix: 16))")
      }
      return .arm(try registers(reader, at: base, "the ARM context"))
    case .riscv64:
      guard location.size >= UInt32(RISCV64Register.integerContextSize) else {
        throw ReadError(.invalidValue, at: base, reading: "a RISC-V 64 context of \(location.size) bytes (needs 0x108)")
      }
      let flags = try reader.read(UInt32.self, at: base, "the RISC-V 64 context flags")
      guard flags & RISCV64Register.contextFlag != 0 else {
        throw ReadError(.invalidValue, at: base, reading: "RISC-V 64 context flags 0x\(String(flags, radix: 16))")
      }
      return .riscv64(try registers(reader, at: base, "the RISC-V 64 context"))
    default:
      throw ReadError(.invalidValue, at: base, reading: "a CONTEXT for \(architecture.rawValue) (not decoded yet)")
    }
  }

  /// The registers of an ARM64 CONTEXT in either layout, told apart by size and flags.
  private static func arm64Registers(_ reader: ByteReader, _ location: MinidumpLocation) throws(ReadError)
    -> RegisterFile<ARM64Register>
  {
    let base = UInt64(location.rva)
    if location.size >= UInt32(ARM64Register.contextSize) {
      let flags = try reader.read(UInt32.self, at: base, "the ARM64 context flags")
      guard flags & ARM64Register.contextFlag != 0 else {
        throw ReadError(.invalidValue, at: base, reading: "ARM64 context flags 0x\(String(flags, radix: 16))")
      }
      return try registers(reader, at: base, "the ARM64 context")
    }
    guard location.size >= UInt32(ARM64Register.oldContextSize) else {
      throw ReadError(
        .invalidValue, at: base, reading: "an ARM64 CONTEXT of \(location.size) bytes (needs 0x390, or 0x31C in Breakpad's old layout)")
    }
    let flags = try reader.read(UInt64.self, at: base, "the old ARM64 context flags")
    guard flags & ARM64Register.oldContextFlag != 0 else {
      throw ReadError(.invalidValue, at: base, reading: "old ARM64 context flags 0x\(String(flags, radix: 16))")
    }
    var file = RegisterFile<ARM64Register>()
    for register in ARM64Register.allCases where register != .cpsr {
      file[register] = try reader.read(UInt64.self, at: base + UInt64(register.rawValue), "the old ARM64 context")
    }
    file[.cpsr] = UInt64(try reader.read(UInt32.self, at: base + 0x110, "the old ARM64 context"))
    return file
  }

  /// Every register of `R` from the CONTEXT at `base` (each at its offset, DWORD or QWORD).
  private static func registers<R: CPURegister>(_ reader: ByteReader, at base: UInt64, _ what: String) throws(ReadError)
    -> RegisterFile<R>
  {
    var file = RegisterFile<R>()
    for register in R.allCases {
      let offset = base + UInt64(register.rawValue)
      file[register] =
        register.byteWidth == 4
        ? UInt64(try reader.read(UInt32.self, at: offset, what)) : try reader.read(UInt64.self, at: offset, what)
    }
    return file
  }
}
