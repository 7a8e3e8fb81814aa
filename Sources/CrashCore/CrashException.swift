//===--- CrashException.swift - The exception that ended the process --------===//

// Optionals spelled `Optional<T>`: the initialiser then builds without a copy (see `StackFrame`).
/// The exception a process died of, as far as the input tells.
public struct CrashException: Sendable, Hashable, Codable {
  /// The exception code.
  public var code: ExceptionCode
  /// How the input described it (`access violation`), when it did.
  public var description: Optional<String>
  /// The faulting instruction's address, when known.
  public var address: Optional<Address>
  /// The thread that raised it, when known.
  public var threadID: Optional<UInt32>
  /// Where the input stated it.
  public var lines: Optional<LineRange>

  /// Creates an exception record.
  public init(
    code: ExceptionCode, description: String? = nil, address: Address? = nil,
    threadID: UInt32? = nil, lines: LineRange? = nil
  ) {
    self.code = code
    self.description = description
    self.address = address
    self.threadID = threadID
    self.lines = lines
  }
}
