//===--- RISCV64Register.swift - The registers of a 64-bit RISC-V context ----===//
//
// Raw values are byte offsets in Breakpad's MDRawContextRISCV64, which Crashpad's
// MinidumpContextRISCV64 repeats: context_flags 0x00 (MD_CONTEXT_RISCV64 =
// 0x08000000), version 0x04, pc 0x08, then x1 … x31 from 0x10, each 8 bytes (the
// slot x0 would take holds pc, as the Linux kernel's `user_regs_struct` and a
// core's NT_PRSTATUS lay them out); the 32 floating-point registers and fcsr
// follow (0x210 bytes in all). Breakpad's first RISC-V header had no version
// word, and its pc sat at 0x08 all the same (8-byte alignment).
//
// Names are the ABI's (`ra`, `sp`, `s0`, `a0`), as the kernel, gdb and Breakpad's
// dump_syms print them; `x1` … `x31`, `fp` (s0) and the kernel's `epc` are accepted too.
//
//===----------------------------------------------------------------------===//

/// A 64-bit RISC-V register, numbered by its offset in the RISC-V minidump context.
public enum RISCV64Register: Int, CPURegister {
  /// The program counter.
  case pc = 0x08
  /// x1, the return address (`jal`/`jalr` leave it there).
  case ra = 0x10
  /// x2, the stack pointer.
  case sp = 0x18
  /// x3, the global pointer.
  case gp = 0x20
  /// x4, the thread pointer.
  case tp = 0x28
  /// x5, a temporary (the alternate link register).
  case t0 = 0x30
  /// x6.
  case t1 = 0x38
  /// x7.
  case t2 = 0x40
  /// x8, the first callee-saved register and the frame pointer (fp).
  case s0 = 0x48
  /// x9.
  case s1 = 0x50
  /// x10, the first argument and the result.
  case a0 = 0x58
  /// x11.
  case a1 = 0x60
  /// x12.
  case a2 = 0x68
  /// x13.
  case a3 = 0x70
  /// x14.
  case a4 = 0x78
  /// x15.
  case a5 = 0x80
  /// x16.
  case a6 = 0x88
  /// x17, the last argument register (the system call number).
  case a7 = 0x90
  /// x18.
  case s2 = 0x98
  /// x19.
  case s3 = 0xA0
  /// x20.
  case s4 = 0xA8
  /// x21.
  case s5 = 0xB0
  /// x22.
  case s6 = 0xB8
  /// x23.
  case s7 = 0xC0
  /// x24.
  case s8 = 0xC8
  /// x25.
  case s9 = 0xD0
  /// x26.
  case s10 = 0xD8
  /// x27, the last callee-saved register.
  case s11 = 0xE0
  /// x28.
  case t3 = 0xE8
  /// x29.
  case t4 = 0xF0
  /// x30.
  case t5 = 0xF8
  /// x31.
  case t6 = 0x100

  /// Bytes of the integer part of the context (flags, version, pc, x1 … x31).
  public static let integerContextSize = 0x108
  /// Size of Breakpad's and Crashpad's whole RISC-V 64 context.
  public static let contextSize = 0x210
  /// `MD_CONTEXT_RISCV64`.
  public static let contextFlag: UInt32 = 0x0800_0000

  /// The ABI names, x0's slot holding pc: the order of the context and of NT_PRSTATUS.
  private static let abiNames = [
    "pc", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
  ]

  /// The register's number: 1 … 31 for x1 … x31, 0 for pc (which takes x0's slot).
  public var number: Int { (rawValue - 0x08) / 8 }

  /// The ABI name (`pc`, `ra`, `sp`, `s0`, `a0` …), as the kernel, gdb and dump_syms print it.
  public var name: String { Self.abiNames[number] }

  /// The name call-frame rules use: the ABI name, as Breakpad's dump_syms writes them.
  public var ruleName: String { name }

  /// Every slot is a 64-bit word.
  public var byteWidth: Int { 8 }

  /// The register in slot `number` of the context's order (0 is pc, 1 … 31 are x1 … x31), or nil.
  public static func slot(_ number: Int) -> RISCV64Register? {
    guard (0...31).contains(number) else { return nil }
    return RISCV64Register(rawValue: 0x08 + number * 8)
  }

  /// pc.
  public static var instructionPointer: RISCV64Register { .pc }
  /// sp.
  public static var stackPointer: RISCV64Register { .sp }
  /// s0, the frame pointer when code keeps one.
  public static var framePointer: RISCV64Register? { .s0 }
  /// ra: a call leaves the return address there.
  public static var returnAddress: RISCV64Register? { .ra }
  /// a0 … a7.
  public static var argumentRegisters: [RISCV64Register] { [.a0, .a1, .a2, .a3, .a4, .a5, .a6, .a7] }

  /// Looks a register up by name: the ABI names, `fp` (s0), `x1` … `x31`, and `epc` or
  /// `sepc` (the kernel's names for the faulting pc).
  public init?(name: String) {
    let lower = name.lowercased()
    if lower.first == "x", lower.count <= 3, let number = Int(lower.dropFirst()), number >= 1,
      let register = Self.slot(number)
    {
      self = register
      return
    }
    switch lower {
    case "fp": self = .s0
    case "epc", "sepc": self = .pc
    default:
      guard let index = Self.abiNames.firstIndex(of: lower), let register = Self.slot(index) else { return nil }
      self = register
    }
  }
}
