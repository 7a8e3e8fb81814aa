//===--- Architecture.swift - CPU architectures a crash can come from -------===//
//
// The architectures that crash data exists for: Windows NT's and its successors',
// and the Linux ones. x86, DEC Alpha, amd64, arm64, 32-bit ARM and RISC-V 64 are
// decoded and walked; the others (MIPS, PowerPC) are named.
// What differs between them and matters to analysis lives here as data: pointer
// width, instruction alignment and how far a return address is from the call.
//
//===----------------------------------------------------------------------===//

/// The processor architecture of a thread or a whole crash.
public enum Architecture: String, Sendable, Hashable, CaseIterable, Codable {
  /// 32-bit Intel (i386).
  case x86
  /// 64-bit x86 (AMD64 / x64).
  case amd64
  /// DEC Alpha AXP running 32-bit Windows NT (64-bit registers, 32-bit pointers).
  case alpha
  /// DEC Alpha AXP with 64-bit pointers (AXP64).
  case alpha64
  /// 64-bit ARM.
  case arm64
  /// 32-bit ARM (ARMv7 and earlier, Android's and iOS's older devices, Windows RT), ARM and Thumb code.
  case arm
  /// MIPS R4000, as Windows NT 3.x and 4.0 ran on.
  case mips
  /// PowerPC, as Windows NT 3.51 and 4.0 ran on.
  case ppc
  /// 64-bit RISC-V (RV64, with the compressed instructions Linux distributions build for).
  case riscv64
  /// Not decided: the evidence in the input did not settle it.
  case unknown

  /// Bytes in a pointer, or `nil` when unknown.
  public var pointerSize: Int? {
    switch self {
    case .x86, .alpha, .arm, .mips, .ppc: 4
    case .amd64, .alpha64, .arm64, .riscv64: 8
    case .unknown: nil
    }
  }

  /// Whether every instruction is 4 bytes long and 4-byte aligned (the RISC ports).
  public var hasFixedWidthInstructions: Bool {
    switch self {
    case .alpha, .alpha64, .arm64, .mips, .ppc: true
    case .x86, .amd64, .arm, .riscv64, .unknown: false
    }
  }

  /// How many bytes to step back from a return address to land inside the call
  /// instruction, so that a symbol lookup names the caller rather than whatever
  /// follows the call. x86 and amd64 use 1 (variable-length calls); the
  /// fixed-width RISC ports use 4, the call instruction itself; 32-bit ARM uses 2,
  /// as Breakpad does, which lands inside a Thumb call as well as an ARM one; RISC-V 2,
  /// inside a compressed call (`c.jalr`) as well as a full one (`jal`, `jalr`). `nil`
  /// when the architecture is unknown.
  public var returnAddressAdjustment: UInt64? {
    switch self {
    case .x86, .amd64: 1
    case .alpha, .alpha64, .arm64, .mips, .ppc: 4
    case .arm, .riscv64: 2
    case .unknown: nil
    }
  }

  /// The architecture's name as people write it (`x86`, `Alpha`, …).
  public var displayName: String {
    switch self {
    case .x86: "x86"
    case .amd64: "amd64"
    case .alpha: "Alpha"
    case .alpha64: "Alpha64"
    case .arm64: "arm64"
    case .arm: "arm"
    case .mips: "MIPS"
    case .ppc: "PowerPC"
    case .riscv64: "riscv64"
    case .unknown: "unknown"
    }
  }
}

extension Architecture {
  /// The architecture an Apple crash report names (`Code Type:` / `cpuType`: `X86-64`, `ARM-64`,
  /// `X86`, `ARM`, `PPC`, with or without `(Native)` or `(Translated)` after it), or nil.
  public init?(appleCPUType text: String) {
    let name = text.split(separator: " ").first.map(String.init) ?? ""
    switch name.uppercased() {
    case "X86-64", "X86_64": self = .amd64
    case "ARM-64", "ARM64", "ARM64E": self = .arm64
    case "X86", "I386": self = .x86
    case "ARM", "ARMV7", "ARMV7S": self = .arm
    case "PPC", "POWERPC": self = .ppc
    default: return nil
    }
  }
}
