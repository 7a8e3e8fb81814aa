//===--- LineRange.swift - Where in a text input something came from --------===//

/// A range of 1-based line numbers in a text input.
public struct LineRange: Hashable, Sendable, CustomStringConvertible, Codable {
  /// The first line (1-based).
  public var first: Int
  /// The last line (1-based, inclusive).
  public var last: Int

  /// A range from `first` to `last` inclusive; `last` is raised to `first` if lower.
  public init(_ first: Int, _ last: Int) {
    self.first = first
    self.last = max(first, last)
  }

  /// A single line.
  public init(line: Int) { self.init(line, line) }

  /// This range extended to include `line`.
  public func including(_ line: Int) -> LineRange {
    LineRange(min(first, line), max(last, line))
  }

  /// `12` or `12-19`.
  public var description: String { first == last ? "\(first)" : "\(first)-\(last)" }
}
