//===--- WindowsFrameInfo.swift - A STACK WIN record --------------------------===//
//
// How to unwind an x86 frame, as symbol data gives it: Breakpad's `STACK WIN
// type rva code_size prologue_size epilogue_size parameter_size
// saved_register_size local_size max_stack_size has_program_string
// (program_string | allocates_base_pointer)` — the FPO and frame-data records
// that dump_syms copies from a PDB (google/breakpad docs/symbol_files.md) — and
// `STACK CFI` rules. Symbol readers produce them; the stack walkers use them.
//
//===----------------------------------------------------------------------===//

/// One `STACK WIN` record, all fields hexadecimal in the file.
public struct WindowsFrameInfo: Sendable, Hashable, Codable {
  /// The record type: 0 FPO, 1 trap, 2 TSS, 3 standard, 4 frame data.
  public enum Kind: Int, Sendable, Hashable, Codable {
    /// `FPO_DATA` from the PDB.
    case fpo = 0
    /// A kernel trap frame.
    case trap = 1
    /// A task-state-segment frame.
    case tss = 2
    /// A standard EBP frame.
    case standard = 3
    /// Frame data with a program string (the newer form).
    case frameData = 4
  }

  /// The record type.
  public var kind: Kind
  /// Start of the code the record covers, module-relative.
  public var address: UInt64
  /// Bytes of code covered.
  public var codeSize: UInt64
  /// Bytes of prologue.
  public var prologueSize: UInt64
  /// Bytes of epilogue.
  public var epilogueSize: UInt64
  /// Bytes of parameters the function pops.
  public var parameterSize: UInt64
  /// Bytes of callee-saved registers pushed.
  public var savedRegisterSize: UInt64
  /// Bytes of locals.
  public var localSize: UInt64
  /// Largest stack use.
  public var maxStackSize: UInt64
  /// The postfix program that recovers the caller's registers (`$T0 $ebp = …`), when given.
  public var programString: String?
  /// For records without a program: whether the function uses EBP as a frame pointer.
  public var allocatesBasePointer: Bool

  /// Creates a record.
  public init(
    kind: Kind, address: UInt64, codeSize: UInt64, prologueSize: UInt64, epilogueSize: UInt64,
    parameterSize: UInt64, savedRegisterSize: UInt64, localSize: UInt64, maxStackSize: UInt64,
    programString: String?, allocatesBasePointer: Bool
  ) {
    self.kind = kind
    self.address = address
    self.codeSize = codeSize
    self.prologueSize = prologueSize
    self.epilogueSize = epilogueSize
    self.parameterSize = parameterSize
    self.savedRegisterSize = savedRegisterSize
    self.localSize = localSize
    self.maxStackSize = maxStackSize
    self.programString = programString
    self.allocatesBasePointer = allocatesBasePointer
  }
}

/// The `STACK CFI` rules in force at an address: the INIT record's, then each delta up
/// to the address, in order. Rule strings are kept as written (`.cfa: $esp 4 + .ra: .cfa 4 - ^`).
public struct CFIRules: Sendable, Hashable, Codable {
  /// Start of the range the INIT record covers, module-relative.
  public var start: UInt64
  /// Bytes covered.
  public var size: UInt64
  /// The INIT rules, then the delta rules at or below the address, oldest first.
  public var rules: [String]

  /// Creates a rule set.
  public init(start: UInt64, size: UInt64, rules: [String]) {
    self.start = start
    self.size = size
    self.rules = rules
  }
}
