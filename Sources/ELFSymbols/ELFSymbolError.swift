//===--- ELFSymbolError.swift - Why an ELF file gave no symbols ---------------===//

/// Why an ELF file could not be opened for symbols.
public enum ELFSymbolError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be opened (missing, unreadable, a directory).
  case cannotOpen(path: String, reason: String)
  /// libelf does not recognise the file as ELF.
  case notELF(path: String)
  /// libelf or libdw reported an error, with its message.
  case library(path: String, function: String, message: String)

  /// One sentence naming the file.
  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)"
    case .notELF(let path): "\(path): not an ELF file"
    case .library(let path, let function, let message): "\(path): \(function) failed: \(message)"
    }
  }
}
