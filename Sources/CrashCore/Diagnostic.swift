//===--- Diagnostic.swift - What went wrong reading an input ----------------===//

/// A problem found while reading an input, with where it was found.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible, Codable {
  /// How serious the problem is.
  public enum Severity: String, Sendable, Hashable, Comparable, Codable {
    /// Worth knowing; nothing was lost (a noise line skipped, a repaired wrap).
    case note
    /// Something could not be decoded and was skipped.
    case warning
    /// The input is damaged or incomplete: results may be missing.
    case error

    private var rank: Int {
      switch self {
      case .note: 0
      case .warning: 1
      case .error: 2
      }
    }

    /// Orders severities from note to error.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
  }

  /// How serious it is.
  public var severity: Severity
  /// What is wrong, in one sentence.
  public var message: String
  /// The 1-based line in a text input, when the problem has one.
  public var line: Int?
  /// The byte offset in the input, when the problem has one.
  public var offset: Int?

  /// Creates a diagnostic.
  public init(_ severity: Severity, _ message: String, line: Int? = nil, offset: Int? = nil) {
    self.severity = severity
    self.message = message
    self.line = line
    self.offset = offset
  }

  /// `line 12: warning: message` / `offset 0x40: error: message` / `error: message`.
  public var description: String {
    var where_ = ""
    if let line { where_ = "line \(line): " } else if let offset { where_ = "offset \(offset): " }
    return where_ + severity.rawValue + ": " + message
  }
}
