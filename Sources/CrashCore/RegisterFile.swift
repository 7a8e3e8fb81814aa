//===--- RegisterFile.swift - Register values with validity -----------------===//
//
// A register file holds the values that are *known* for one architecture's
// registers. A register that a dump did not show, or an unwinder could not
// recover, is absent rather than zero.
//
// Storage: the known registers in `CONTEXT` order (a register's raw value is its
// offset in the `CONTEXT`), in one small array. A file holds tens of registers,
// so a scan finds one faster than hashing would, and building a file from a text
// dump or a minidump context costs one allocation, not a hash table's.
//
//===----------------------------------------------------------------------===//

/// Known register values of one architecture; absent registers are unknown.
public struct RegisterFile<Register: CPURegister>: Sendable, Hashable, Codable {
  // Inlinable: the file is generic, and a client module (the text decoder, the stack
  // walkers) would otherwise run unspecialised code with a metadata lookup per access.
  @usableFromInline
  struct Entry: Sendable, Hashable, Codable {
    @usableFromInline var register: Register
    @usableFromInline var value: UInt64

    @inlinable
    init(register: Register, value: UInt64) {
      self.register = register
      self.value = value
    }
  }

  /// Known registers, ordered by raw value (`CONTEXT` order), each at most once.
  @usableFromInline var entries: [Entry]

  /// An empty register file: every register unknown.
  @inlinable
  public init() { entries = [] }

  /// The register's value, or `nil` when it is not known.
  @inlinable
  public subscript(_ register: Register) -> UInt64? {
    get {
      for entry in entries where entry.register == register { return entry.value }
      return nil
    }
    set {
      let position = insertionPoint(of: register)
      let present = position < entries.count && entries[position].register == register
      switch (newValue, present) {
      case (let value?, true): entries[position].value = value
      case (let value?, false):
        // A dump or context shows a couple of dozen registers: one allocation, not five.
        if entries.isEmpty { entries.reserveCapacity(24) }
        entries.insert(Entry(register: register, value: value), at: position)
      case (nil, true): entries.remove(at: position)
      case (nil, false): break
      }
    }
  }

  /// Whether no register is known.
  @inlinable
  public var isEmpty: Bool { entries.isEmpty }

  /// The known registers with their values, in `CONTEXT` order.
  public var knownRegisters: [(register: Register, value: UInt64)] {
    entries.map { ($0.register, $0.value) }
  }

  /// The instruction pointer, if known.
  @inlinable
  public var instructionPointer: UInt64? { self[Register.instructionPointer] }
  /// The stack pointer, if known.
  @inlinable
  public var stackPointer: UInt64? { self[Register.stackPointer] }
  /// The frame pointer register, if the architecture has one and it is known.
  @inlinable
  public var framePointer: UInt64? { Register.framePointer.flatMap { self[$0] } }
  /// The return-address register, if the architecture has one and it is known.
  @inlinable
  public var returnAddressRegister: UInt64? { Register.returnAddress.flatMap { self[$0] } }

  /// The index of the first entry whose raw value is not below `register`'s.
  @inlinable
  func insertionPoint(of register: Register) -> Int {
    let key = register.rawValue
    // Registers mostly arrive in CONTEXT order: try the end first.
    if entries.last.map({ $0.register.rawValue < key }) ?? true { return entries.count }
    var low = 0
    var high = entries.count
    while low < high {
      let middle = (low + high) / 2
      if entries[middle].register.rawValue < key { low = middle + 1 } else { high = middle }
    }
    return low
  }
}
