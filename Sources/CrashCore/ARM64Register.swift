//===--- ARM64Register.swift - The registers of the Windows ARM64 CONTEXT ----===//
//
// Raw values are byte offsets in the Windows ARM64 `CONTEXT` (winnt.h; Breakpad's
// MDRawContextARM64 and Crashpad's MinidumpContextARM64 have the same layout):
// ContextFlags 0x00 (CONTEXT_ARM64 = 0x00400000), Cpsr 0x04, X0 0x08 … X28 0xE8,
// Fp (x29) 0xF0, Lr (x30) 0xF8, Sp 0x100, Pc 0x108; 0x390 bytes in all. The
// integer registers sit at the same offsets in Breakpad's older layout
// (MDRawContextARM64_Old: a 64-bit ContextFlags carrying 0x80000000, Cpsr after
// Pc at 0x110, 0x31C bytes), which ContextReader reads as well.
//
//===----------------------------------------------------------------------===//

/// A 64-bit ARM register, numbered by its offset in the Windows ARM64 `CONTEXT`.
public enum ARM64Register: Int, CPURegister {
  /// The saved program status (a DWORD slot).
  case cpsr = 0x04
  /// x0, the first argument and the result.
  case x0 = 0x08
  /// x1.
  case x1 = 0x10
  /// x2.
  case x2 = 0x18
  /// x3.
  case x3 = 0x20
  /// x4.
  case x4 = 0x28
  /// x5.
  case x5 = 0x30
  /// x6.
  case x6 = 0x38
  /// x7, the last argument register.
  case x7 = 0x40
  /// x8, the indirect-result register.
  case x8 = 0x48
  /// x9.
  case x9 = 0x50
  /// x10.
  case x10 = 0x58
  /// x11.
  case x11 = 0x60
  /// x12.
  case x12 = 0x68
  /// x13.
  case x13 = 0x70
  /// x14.
  case x14 = 0x78
  /// x15.
  case x15 = 0x80
  /// x16 (ip0).
  case x16 = 0x88
  /// x17 (ip1).
  case x17 = 0x90
  /// x18, the platform register (the TEB on Windows).
  case x18 = 0x98
  /// x19, the first callee-saved register.
  case x19 = 0xA0
  /// x20.
  case x20 = 0xA8
  /// x21.
  case x21 = 0xB0
  /// x22.
  case x22 = 0xB8
  /// x23.
  case x23 = 0xC0
  /// x24.
  case x24 = 0xC8
  /// x25.
  case x25 = 0xD0
  /// x26.
  case x26 = 0xD8
  /// x27.
  case x27 = 0xE0
  /// x28, the last callee-saved general register.
  case x28 = 0xE8
  /// x29, the frame pointer.
  case fp = 0xF0
  /// x30, the link register (the return address at function entry).
  case lr = 0xF8
  /// The stack pointer.
  case sp = 0x100
  /// The program counter.
  case pc = 0x108

  /// Size of the Windows ARM64 `CONTEXT`.
  public static let contextSize = 0x390
  /// `CONTEXT_ARM64`.
  public static let contextFlag: UInt32 = 0x0040_0000
  /// Size of Breakpad's older ARM64 context (`MDRawContextARM64_Old`).
  public static let oldContextSize = 0x31C
  /// `MD_CONTEXT_ARM64_OLD`, in the older layout's 64-bit flags.
  public static let oldContextFlag: UInt64 = 0x8000_0000

  /// The name debuggers print (`x0`, `fp`, `lr`, `cpsr`).
  public var name: String {
    switch self {
    case .cpsr: "cpsr"
    case .fp: "fp"
    case .lr: "lr"
    case .sp: "sp"
    case .pc: "pc"
    default: "x\((rawValue - 0x08) / 8)"
    }
  }

  /// The name call-frame rules use (`x0` … `x30`, `sp`, `pc`), as Breakpad's dump_syms writes them.
  public var ruleName: String {
    switch self {
    case .fp: "x29"
    case .lr: "x30"
    default: name
    }
  }

  /// Cpsr is a DWORD; the general registers are QWORDs.
  public var byteWidth: Int { self == .cpsr ? 4 : 8 }

  /// The general register `xN` (0 … 30; 29 is fp, 30 is lr), or nil.
  public static func general(_ number: Int) -> ARM64Register? {
    guard (0...30).contains(number) else { return nil }
    return ARM64Register(rawValue: 0x08 + number * 8)
  }

  /// pc.
  public static var instructionPointer: ARM64Register { .pc }
  /// sp.
  public static var stackPointer: ARM64Register { .sp }
  /// fp (x29).
  public static var framePointer: ARM64Register? { .fp }
  /// lr (x30): `bl` leaves the return address there.
  public static var returnAddress: ARM64Register? { .lr }
  /// x0 … x7.
  public static var argumentRegisters: [ARM64Register] { [.x0, .x1, .x2, .x3, .x4, .x5, .x6, .x7] }

  /// Looks a register up by name (`x0`, `x29`, `fp`, `x30`, `lr`, `sp`, `pc`, `cpsr`).
  public init?(name: String) {
    let lower = name.lowercased()
    if lower.first == "x", let number = Int(lower.dropFirst()), lower.count <= 3, let register = Self.general(number) {
      self = register
      return
    }
    guard let match = Self.allCases.first(where: { $0.name == lower }) else { return nil }
    self = match
  }
}
