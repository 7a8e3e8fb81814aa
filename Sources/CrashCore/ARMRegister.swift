//===--- ARMRegister.swift - The registers of a 32-bit ARM context ----------===//
//
// Raw values are byte offsets in the 32-bit ARM context records, which agree on
// the integer registers: Breakpad's and Crashpad's MDRawContextARM (flags 0x00,
// MD_CONTEXT_ARM = 0x40000000, or 0x00000040 in Breakpad's first ARM dumps;
// iregs[16] from 0x04; cpsr 0x44; then the VFP state: 0x170 bytes in all) and
// the Windows CONTEXT for ARM (CONTEXT_ARM = 0x00200000; R0 … R12, Sp, Lr, Pc,
// Cpsr at the same offsets; 0x1A0 bytes). r13 is sp, r14 lr, r15 pc. The frame
// pointer is r11 in ARM code and on Windows, r7 in Thumb code on iOS.
//
//===----------------------------------------------------------------------===//

/// A 32-bit ARM register, numbered by its offset in the ARM context record.
public enum ARMRegister: Int, CPURegister {
  /// r0, the first argument and the result.
  case r0 = 0x04
  /// r1.
  case r1 = 0x08
  /// r2.
  case r2 = 0x0C
  /// r3, the last argument register.
  case r3 = 0x10
  /// r4, the first callee-saved register.
  case r4 = 0x14
  /// r5.
  case r5 = 0x18
  /// r6.
  case r6 = 0x1C
  /// r7 (the frame pointer of Thumb code on iOS).
  case r7 = 0x20
  /// r8.
  case r8 = 0x24
  /// r9.
  case r9 = 0x28
  /// r10.
  case r10 = 0x2C
  /// r11 (fp: the frame pointer of ARM code and of Windows).
  case r11 = 0x30
  /// r12 (ip, the intra-procedure scratch register).
  case r12 = 0x34
  /// r13, the stack pointer.
  case sp = 0x38
  /// r14, the link register (the return address at function entry).
  case lr = 0x3C
  /// r15, the program counter.
  case pc = 0x40
  /// The current program status register (bit 5, T: Thumb state).
  case cpsr = 0x44

  /// Size of the integer part every ARM context record has (flags, r0 … pc, cpsr).
  public static let integerContextSize = 0x48
  /// `MD_CONTEXT_ARM` (Breakpad, Crashpad).
  public static let contextFlag: UInt32 = 0x4000_0000
  /// `MD_CONTEXT_ARM_OLD` (Breakpad's first ARM dumps).
  public static let oldContextFlag: UInt32 = 0x0000_0040
  /// `CONTEXT_ARM` (Windows).
  public static let windowsContextFlag: UInt32 = 0x0020_0000

  /// The name debuggers print (`r0` … `r12`, `sp`, `lr`, `pc`, `cpsr`).
  public var name: String {
    switch self {
    case .sp: "sp"
    case .lr: "lr"
    case .pc: "pc"
    case .cpsr: "cpsr"
    default: "r\((rawValue - 0x04) / 4)"
    }
  }

  /// The name call-frame rules use, as Breakpad's dump_syms writes them (`r0` … `r12`, `sp`,
  /// `lr`, `pc`).
  public var ruleName: String { name }

  /// Every slot is a DWORD.
  public var byteWidth: Int { 4 }

  /// The general register `rN` (0 … 15; 13 is sp, 14 lr, 15 pc), or nil.
  public static func general(_ number: Int) -> ARMRegister? {
    guard (0...15).contains(number) else { return nil }
    return ARMRegister(rawValue: 0x04 + number * 4)
  }

  /// The register's number (0 … 15), or nil for cpsr.
  public var number: Int? { self == .cpsr ? nil : (rawValue - 0x04) / 4 }

  /// pc.
  public static var instructionPointer: ARMRegister { .pc }
  /// sp.
  public static var stackPointer: ARMRegister { .sp }
  /// r11, the frame pointer of ARM code and of Windows on ARM.
  public static var framePointer: ARMRegister? { .r11 }
  /// lr: `bl` and `blx` leave the return address there.
  public static var returnAddress: ARMRegister? { .lr }
  /// r0 … r3.
  public static var argumentRegisters: [ARMRegister] { [.r0, .r1, .r2, .r3] }

  /// Looks a register up by name (`r0` … `r15`, `fp`, `ip`, `sp`, `lr`, `pc`, `cpsr`, `psr`).
  public init?(name: String) {
    let lower = name.lowercased()
    if lower.first == "r", lower.count <= 3, let number = Int(lower.dropFirst()), let register = Self.general(number) {
      self = register
      return
    }
    switch lower {
    case "fp": self = .r11
    case "ip": self = .r12
    case "sp": self = .sp
    case "lr": self = .lr
    case "pc": self = .pc
    case "cpsr", "psr": self = .cpsr
    default: return nil
    }
  }
}
