//===--- AnalysisError.swift - Why an input could not be analysed -----------===//

/// Why an input could not be analysed at all. (Damage inside an input that can
/// still be read becomes a `Diagnostic` in the report instead.)
public enum AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be opened or read (`errno` description).
  case unreadable(path: String, reason: String)
  /// The path names a directory.
  case isDirectory(path: String)
  /// The path names a FIFO, a socket or a device (refused in batches: reading one may never end).
  case notARegularFile(path: String, kind: String)
  /// The input is larger than the limit.
  case tooLarge(path: String, size: Int, limit: Int)
  /// The input is empty.
  case empty(path: String)
  /// The input is neither text nor a minidump.
  case unrecognised(path: String, offset: Int, reason: String)
  /// A file of a known format (an Apple `.ips` crash report) that breaks it at `offset`.
  case damaged(path: String, offset: Int, format: String, reason: String)
  /// A minidump on standard input: dumps are mapped, so they must be files.
  case minidumpOnStandardInput
  /// The minidump's header or directory is unreadable (damage inside streams is a diagnostic).
  case minidump(String)
  /// The Linux core file could not be read (its reader's message, naming the file).
  case core(String)
  /// The zstd, xz, gzip or LZ4 input could not be expanded, or an input arriving through a pipe
  /// could not be kept in a temporary file (the message names the file).
  case compressed(String)

  /// One sentence naming the input and, where there is one, the offset.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
    case .isDirectory(let path): "\(path): is a directory, not a crash file"
    case .notARegularFile(let path, let kind): "\(path): \(kind), not a regular file; skipped"
    case .tooLarge(let path, let size, let limit):
      "\(path): \(size) bytes is larger than the \(limit)-byte limit (raise it with --max-input-size)"
    case .empty(let path): "\(path): the input is empty"
    case .unrecognised(let path, let offset, let reason):
      "\(path): unrecognised input at byte offset \(offset): \(reason); expected text (a stack listing, a Dr. Watson log, an event-log export) or a minidump"
    case .damaged(let path, let offset, let format, let reason):
      "\(path): a damaged \(format) at byte offset \(offset): \(reason)"
    case .minidumpOnStandardInput:
      "-: this is a Windows minidump (MDMP); give it as a file path, not on standard input"
    case .minidump(let message): message
    case .core(let message): message
    case .compressed(let message): message
    }
  }
}
