//===--- RegisterFile.swift - Register values with validity -----------------===//
//
// A register file holds the values that are *known* for one architecture's
// registers. A register that a dump did not show, or an unwinder could not
// recover, is absent rather than zero.
//
//===----------------------------------------------------------------------===//

/// Known register values of one architecture; absent registers are unknown.
public struct RegisterFile<Register: CPURegister>: Sendable, Hashable {
  private var values: [Register: UInt64]

  /// An empty register file: every register unknown.
  public init() { values = [:] }

  /// The register's value, or `nil` when it is not known.
  public subscript(_ register: Register) -> UInt64? {
    get { values[register] }
    set { values[register] = newValue }
  }

  /// Whether no register is known.
  public var isEmpty: Bool { values.isEmpty }

  /// The known registers with their values, in `CONTEXT` order.
  public var knownRegisters: [(register: Register, value: UInt64)] {
    Register.allCases.compactMap { register in values[register].map { (register, $0) } }
  }

  /// The instruction pointer, if known.
  public var instructionPointer: UInt64? { values[Register.instructionPointer] }
  /// The stack pointer, if known.
  public var stackPointer: UInt64? { values[Register.stackPointer] }
  /// The frame pointer register, if the architecture has one and it is known.
  public var framePointer: UInt64? { Register.framePointer.flatMap { values[$0] } }
  /// The return-address register, if the architecture has one and it is known.
  public var returnAddressRegister: UInt64? { Register.returnAddress.flatMap { values[$0] } }
}
