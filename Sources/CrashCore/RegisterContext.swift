//===--- RegisterContext.swift - A thread's registers, any architecture -----===//

/// The register state of a thread, for whichever architecture it ran on.
public enum RegisterContext: Sendable, Hashable, Codable {
  /// i386 registers.
  case x86(RegisterFile<X86Register>)
  /// DEC Alpha AXP registers.
  case alpha(RegisterFile<AlphaRegister>)
  /// x86-64 registers.
  case amd64(RegisterFile<AMD64Register>)
  /// 64-bit ARM registers.
  case arm64(RegisterFile<ARM64Register>)
  /// 32-bit ARM registers.
  case arm(RegisterFile<ARMRegister>)
  /// 64-bit RISC-V registers.
  case riscv64(RegisterFile<RISCV64Register>)

  /// The architecture these registers belong to.
  public var architecture: Architecture {
    switch self {
    case .x86: .x86
    case .alpha: .alpha
    case .amd64: .amd64
    case .arm64: .arm64
    case .arm: .arm
    case .riscv64: .riscv64
    }
  }

  /// The instruction pointer (`eip`, `fir`, `pc`), if known.
  public var instructionPointer: UInt64? {
    switch self {
    case .x86(let file): file.instructionPointer
    case .alpha(let file): file.instructionPointer
    case .amd64(let file): file.instructionPointer
    case .arm64(let file): file.instructionPointer
    case .arm(let file): file.instructionPointer
    case .riscv64(let file): file.instructionPointer
    }
  }

  /// The stack pointer (`esp`, `sp`), if known.
  public var stackPointer: UInt64? {
    switch self {
    case .x86(let file): file.stackPointer
    case .alpha(let file): file.stackPointer
    case .amd64(let file): file.stackPointer
    case .arm64(let file): file.stackPointer
    case .arm(let file): file.stackPointer
    case .riscv64(let file): file.stackPointer
    }
  }

  /// The frame pointer (`ebp`, `fp`, `r11`), if known.
  public var framePointer: UInt64? {
    switch self {
    case .x86(let file): file.framePointer
    case .alpha(let file): file.framePointer
    case .amd64(let file): file.framePointer
    case .arm64(let file): file.framePointer
    case .arm(let file): file.framePointer
    case .riscv64(let file): file.framePointer
    }
  }

  /// Every known register as (name, value, width in hex digits), in `CONTEXT` order.
  public var namedValues: [(name: String, value: UInt64, digits: Int)] {
    switch self {
    case .x86(let file):
      file.knownRegisters.map { ($0.register.name, $0.value, 8) }
    case .alpha(let file):
      file.knownRegisters.map { ($0.register.name, $0.value, $0.register.byteWidth * 2) }
    case .amd64(let file):
      file.knownRegisters.map { ($0.register.name, $0.value, $0.register.byteWidth * 2) }
    case .arm64(let file):
      file.knownRegisters.map { ($0.register.name, $0.value, $0.register.byteWidth * 2) }
    case .arm(let file):
      file.knownRegisters.map { ($0.register.name, $0.value, 8) }
    case .riscv64(let file):
      file.knownRegisters.map { ($0.register.name, $0.value, 16) }
    }
  }

  /// Whether no register is known.
  public var isEmpty: Bool {
    switch self {
    case .x86(let file): file.isEmpty
    case .alpha(let file): file.isEmpty
    case .amd64(let file): file.isEmpty
    case .arm64(let file): file.isEmpty
    case .arm(let file): file.isEmpty
    case .riscv64(let file): file.isEmpty
    }
  }
}
