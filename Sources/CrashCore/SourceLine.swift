//===--- SourceLine.swift - A file and line ---------------------------------===//

/// A position in source code: file, line and optionally column.
public struct SourceLine: Sendable, Hashable, CustomStringConvertible, Codable {
  /// The file as the symbol data or listing named it.
  public var file: String
  /// The 1-based line number.
  public var line: Int
  /// The 1-based column, when known.
  public var column: Int?

  /// Creates a source position.
  public init(file: String, line: Int, column: Int? = nil) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// `file:line` or `file:line:column`.
  public var description: String {
    column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
  }
}
