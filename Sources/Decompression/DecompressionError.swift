//===--- DecompressionError.swift - Why a compressed input was not read -----===//

/// Why a compressed input could not be expanded.
public enum DecompressionError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be opened or mapped.
  case unreadable(path: String, reason: String)
  /// The format's library could not be opened (missing, or too old).
  case libraryUnavailable(format: CompressionFormat, reason: String)
  /// The data is damaged, cut short or asks for too much memory, found after byte `offset` of the
  /// compressed file (the libraries read ahead: the fault can lie a little beyond it).
  case damaged(path: String, format: CompressionFormat, offset: Int, reason: String)
  /// Expanded, the input would be larger than `limit` bytes.
  case tooLarge(path: String, format: CompressionFormat, limit: Int)
  /// Expanding took longer than the time limit; stopped after byte `offset` of the compressed file.
  case timedOut(path: String, format: CompressionFormat, seconds: Double, offset: Int)
  /// The bytes (expanded, or as they came through a pipe) could not be written to a temporary
  /// file in `directory`.
  case cannotWrite(path: String, directory: String, reason: String)

  /// One sentence naming the file.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
    case .libraryUnavailable(let format, let reason): "cannot read \(format.rawValue)-compressed input: \(reason)"
    case .damaged(let path, let format, let offset, let reason):
      "\(path): \(format.rawValue) data after byte \(offset): \(reason)"
    case .tooLarge(let path, let format, let limit):
      "\(path): expanded, this \(format.rawValue) input is over the limit of \(limit) bytes"
    case .timedOut(let path, let format, let seconds, let offset):
      "\(path): expanding this \(format.rawValue) input stopped after \(seconds) s (the time limit) at byte \(offset)"
    case .cannotWrite(let path, let directory, let reason):
      "\(path): cannot write its temporary copy in \(directory): \(reason)"
    }
  }
}
