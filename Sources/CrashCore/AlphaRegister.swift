//===--- AlphaRegister.swift - The Alpha AXP registers of the NT CONTEXT ----===//
//
// Raw values are byte offsets in the native (quad) Alpha `CONTEXT`, 0x230 bytes,
// CONTEXT_ALPHA = 0x00020000 (ksalpha.h in the Win32 SDK for Alpha; winnt.h
// ALPHA_NT5_CONTEXT): FltF0–FltF31 0x000–0x0F8, IntV0 0x100 … IntZero 0x1F8,
// Fpcr 0x200, SoftFpcr 0x208, Fir 0x210, Psr 0x218, ContextFlags 0x21C.
// Register names and roles: the Windows NT for Alpha calling standard, table 2-1.
//
//===----------------------------------------------------------------------===//

/// A DEC Alpha AXP register, numbered by its offset in the Windows NT `CONTEXT`.
public enum AlphaRegister: Int, CPURegister {
  /// Floating-point register f0.
  case fltF0 = 0x000
  /// Floating-point register f1.
  case fltF1 = 0x008
  /// Floating-point register f2.
  case fltF2 = 0x010
  /// Floating-point register f3.
  case fltF3 = 0x018
  /// Floating-point register f4.
  case fltF4 = 0x020
  /// Floating-point register f5.
  case fltF5 = 0x028
  /// Floating-point register f6.
  case fltF6 = 0x030
  /// Floating-point register f7.
  case fltF7 = 0x038
  /// Floating-point register f8.
  case fltF8 = 0x040
  /// Floating-point register f9.
  case fltF9 = 0x048
  /// Floating-point register f10.
  case fltF10 = 0x050
  /// Floating-point register f11.
  case fltF11 = 0x058
  /// Floating-point register f12.
  case fltF12 = 0x060
  /// Floating-point register f13.
  case fltF13 = 0x068
  /// Floating-point register f14.
  case fltF14 = 0x070
  /// Floating-point register f15.
  case fltF15 = 0x078
  /// Floating-point register f16.
  case fltF16 = 0x080
  /// Floating-point register f17.
  case fltF17 = 0x088
  /// Floating-point register f18.
  case fltF18 = 0x090
  /// Floating-point register f19.
  case fltF19 = 0x098
  /// Floating-point register f20.
  case fltF20 = 0x0A0
  /// Floating-point register f21.
  case fltF21 = 0x0A8
  /// Floating-point register f22.
  case fltF22 = 0x0B0
  /// Floating-point register f23.
  case fltF23 = 0x0B8
  /// Floating-point register f24.
  case fltF24 = 0x0C0
  /// Floating-point register f25.
  case fltF25 = 0x0C8
  /// Floating-point register f26.
  case fltF26 = 0x0D0
  /// Floating-point register f27.
  case fltF27 = 0x0D8
  /// Floating-point register f28.
  case fltF28 = 0x0E0
  /// Floating-point register f29.
  case fltF29 = 0x0E8
  /// Floating-point register f30.
  case fltF30 = 0x0F0
  /// Floating-point register f31.
  case fltF31 = 0x0F8
  /// $0 `v0`: function result.
  case intV0 = 0x100
  /// $1 `t0`: scratch.
  case intT0 = 0x108
  /// $2 `t1`: scratch.
  case intT1 = 0x110
  /// $3 `t2`: scratch.
  case intT2 = 0x118
  /// $4 `t3`: scratch.
  case intT3 = 0x120
  /// $5 `t4`: scratch.
  case intT4 = 0x128
  /// $6 `t5`: scratch.
  case intT5 = 0x130
  /// $7 `t6`: scratch.
  case intT6 = 0x138
  /// $8 `t7`: scratch.
  case intT7 = 0x140
  /// $9 `s0`: saved (callee preserves).
  case intS0 = 0x148
  /// $10 `s1`: saved (callee preserves).
  case intS1 = 0x150
  /// $11 `s2`: saved (callee preserves).
  case intS2 = 0x158
  /// $12 `s3`: saved (callee preserves).
  case intS3 = 0x160
  /// $13 `s4`: saved (callee preserves).
  case intS4 = 0x168
  /// $14 `s5`: saved (callee preserves).
  case intS5 = 0x170
  /// $15 `fp`: frame base for variable-size frames (s6).
  case intFp = 0x178
  /// $16 `a0`: argument 1.
  case intA0 = 0x180
  /// $17 `a1`: argument 2.
  case intA1 = 0x188
  /// $18 `a2`: argument 3.
  case intA2 = 0x190
  /// $19 `a3`: argument 4.
  case intA3 = 0x198
  /// $20 `a4`: argument 5.
  case intA4 = 0x1A0
  /// $21 `a5`: argument 6.
  case intA5 = 0x1A8
  /// $22 `t8`: scratch.
  case intT8 = 0x1B0
  /// $23 `t9`: scratch.
  case intT9 = 0x1B8
  /// $24 `t10`: scratch.
  case intT10 = 0x1C0
  /// $25 `t11`: scratch.
  case intT11 = 0x1C8
  /// $26 `ra`: return address.
  case intRa = 0x1D0
  /// $27 `t12`: procedure value (pv) / scratch.
  case intT12 = 0x1D8
  /// $28 `at`: assembler temporary.
  case intAt = 0x1E0
  /// $29 `gp`: global pointer.
  case intGp = 0x1E8
  /// $30 `sp`: stack pointer.
  case intSp = 0x1F0
  /// $31 `zero`: always zero.
  case intZero = 0x1F8
  /// Floating-point control register.
  case fpcr = 0x200
  /// Software floating-point control (NT's shadow of fpcr).
  case softFpcr = 0x208
  /// Fault instruction register: the continuation program counter.
  case fir = 0x210
  /// Processor status register (a ULONG).
  case psr = 0x218

  /// Size of the native Alpha `CONTEXT`.
  public static let contextSize = 0x230
  /// `CONTEXT_ALPHA`, the architecture bit of `ContextFlags`.
  public static let contextFlag: UInt32 = 0x0002_0000

  /// The register's name as Dr. Watson and the kernel debugger print it.
  public var name: String {
    switch self {
    case .fltF0: "f0"
    case .fltF1: "f1"
    case .fltF2: "f2"
    case .fltF3: "f3"
    case .fltF4: "f4"
    case .fltF5: "f5"
    case .fltF6: "f6"
    case .fltF7: "f7"
    case .fltF8: "f8"
    case .fltF9: "f9"
    case .fltF10: "f10"
    case .fltF11: "f11"
    case .fltF12: "f12"
    case .fltF13: "f13"
    case .fltF14: "f14"
    case .fltF15: "f15"
    case .fltF16: "f16"
    case .fltF17: "f17"
    case .fltF18: "f18"
    case .fltF19: "f19"
    case .fltF20: "f20"
    case .fltF21: "f21"
    case .fltF22: "f22"
    case .fltF23: "f23"
    case .fltF24: "f24"
    case .fltF25: "f25"
    case .fltF26: "f26"
    case .fltF27: "f27"
    case .fltF28: "f28"
    case .fltF29: "f29"
    case .fltF30: "f30"
    case .fltF31: "f31"
    case .intV0: "v0"
    case .intT0: "t0"
    case .intT1: "t1"
    case .intT2: "t2"
    case .intT3: "t3"
    case .intT4: "t4"
    case .intT5: "t5"
    case .intT6: "t6"
    case .intT7: "t7"
    case .intS0: "s0"
    case .intS1: "s1"
    case .intS2: "s2"
    case .intS3: "s3"
    case .intS4: "s4"
    case .intS5: "s5"
    case .intFp: "fp"
    case .intA0: "a0"
    case .intA1: "a1"
    case .intA2: "a2"
    case .intA3: "a3"
    case .intA4: "a4"
    case .intA5: "a5"
    case .intT8: "t8"
    case .intT9: "t9"
    case .intT10: "t10"
    case .intT11: "t11"
    case .intRa: "ra"
    case .intT12: "t12"
    case .intAt: "at"
    case .intGp: "gp"
    case .intSp: "sp"
    case .intZero: "zero"
    case .fpcr: "fpcr"
    case .softFpcr: "softfpcr"
    case .fir: "fir"
    case .psr: "psr"
    }
  }

  /// Integer and floating registers are quadwords; `psr` is a ULONG.
  public var byteWidth: Int { self == .psr ? 4 : 8 }

  /// Whether this is one of the 32 integer registers.
  public var isInteger: Bool { rawValue >= 0x100 && rawValue < 0x200 }

  /// `fir`, the continuation program counter.
  public static var instructionPointer: AlphaRegister { .fir }
  /// `sp` ($30).
  public static var stackPointer: AlphaRegister { .intSp }
  /// `fp` ($15), used as a frame base only by procedures with variable-size frames.
  public static var framePointer: AlphaRegister? { .intFp }
  /// `ra` ($26).
  public static var returnAddress: AlphaRegister? { .intRa }
  /// `a0`–`a5` ($16–$21): the first six integer arguments.
  public static var argumentRegisters: [AlphaRegister] {
    [.intA0, .intA1, .intA2, .intA3, .intA4, .intA5]
  }

  /// Accepts the NT names (`v0`, `ra`, `fir`), the numeric forms (`$26`, `r26`),
  /// `pv` for t12, `s6` for fp and `pcr` (a dumpexam spelling of `fpcr`).
  public init?(name: String) {
    let lower = name.lowercased()
    if let found = AlphaRegister.byName[lower] {
      self = found
      return
    }
    var digits = Substring(lower)
    if digits.hasPrefix("$") || digits.hasPrefix("r") { digits = digits.dropFirst() } else { return nil }
    guard let number = Int(digits), (0..<32).contains(number),
      let register = AlphaRegister(rawValue: 0x100 + number * 8)
    else { return nil }
    self = register
  }

  private static let byName: [String: AlphaRegister] = {
    var table: [String: AlphaRegister] = [:]
    for register in AlphaRegister.allCases { table[register.name] = register }
    table["pv"] = .intT12
    table["s6"] = .intFp
    table["pcr"] = .fpcr
    return table
  }()
}
