//===--- PluginLoadError.swift - A plugin that could not be loaded -----------===//
//
// A rule file that is missing, unreadable or wrong, or whose id another plugin
// already uses. Loading goes on without it, and the error travels with every
// classification (`plugin_errors` in JSON) so a skipped rule is never silent.
//
//===----------------------------------------------------------------------===//

/// Why a plugin (a rule file) was not loaded: the file, the line when known, the reason.
public struct PluginLoadError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file (or directory) at fault.
  public var file: String
  /// The 1-based line, when known.
  public var line: Int?
  /// What is wrong.
  public var message: String

  /// Creates an error.
  public init(file: String, line: Int?, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  /// `file:line: message`.
  public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
