//===--- CrashThread.swift - One thread (or one stack listing) of a crash ---===//
//
// A text input yields one thread per stack listing it holds (a Dr. Watson state
// dump, a `kb` block, …); a minidump yields one per thread in its thread list.
//
//===----------------------------------------------------------------------===//

// Optionals spelled `Optional<T>`: the initialiser then builds without a copy (see `StackFrame`).
/// The instruction a Dr. Watson or debugger log marked as the fault.
public struct FaultInstruction: Sendable, Hashable, Codable {
  /// The faulting instruction's address.
  public var address: Address
  /// The disassembly as printed (`mov edx,[eax+ecx*8-0x4]`), when given.
  public var disassembly: Optional<String>
  /// The function the log named for the fault (`function: wcscpy`), when given.
  public var function: Optional<String>
  /// Where it was printed.
  public var lines: Optional<LineRange>

  /// Creates a fault record.
  public init(address: Address, disassembly: String? = nil, function: String? = nil, lines: LineRange? = nil) {
    self.address = address
    self.disassembly = disassembly
    self.function = function
    self.lines = lines
  }
}

// Optionals spelled `Optional<T>`: the initialiser then builds without a copy (see `StackFrame`).
/// One thread of a crash: its frames, registers and stack memory.
public struct CrashThread: Sendable, Hashable, Codable {
  /// The thread id, when the input gave one.
  public var id: Optional<UInt32>
  /// The architecture the thread ran on.
  public var architecture: Architecture
  /// Why that architecture was chosen, one reason per entry.
  public var architectureEvidence: [String]
  /// The frames, innermost first.
  public var frames: [StackFrame]
  /// The register state, when known.
  public var context: Optional<RegisterContext>
  /// Where the registers were printed, for text inputs.
  public var contextLines: Optional<LineRange>
  /// Raw stack memory, when the input carried any.
  public var stackMemory: [MemoryRegion]
  /// The instruction marked as faulting, when the input marked one.
  public var fault: Optional<FaultInstruction>
  /// The format the frames were decoded from.
  public var format: Optional<StackFormat>
  /// Where the stack listing was printed, for text inputs.
  public var lines: Optional<LineRange>
  /// A label for the listing (`State Dump for Thread Id 0xf3`, `kd> kv`), when one was printed,
  /// or the thread's name (a dump's thread-names stream).
  public var label: Optional<String>
  /// Whether the crash happened on this thread (a dump's exception thread).
  public var isCrashed: Bool

  /// Creates a thread.
  public init(
    id: UInt32? = nil, architecture: Architecture = .unknown, architectureEvidence: [String] = [],
    frames: [StackFrame] = [], context: RegisterContext? = nil, contextLines: LineRange? = nil,
    stackMemory: [MemoryRegion] = [], fault: FaultInstruction? = nil, format: StackFormat? = nil,
    lines: LineRange? = nil, label: String? = nil, isCrashed: Bool = false
  ) {
    self.id = id
    self.architecture = architecture
    self.architectureEvidence = architectureEvidence
    self.frames = frames
    self.context = context
    self.contextLines = contextLines
    self.stackMemory = stackMemory
    self.fault = fault
    self.format = format
    self.lines = lines
    self.label = label
    self.isCrashed = isCrashed
  }
}
