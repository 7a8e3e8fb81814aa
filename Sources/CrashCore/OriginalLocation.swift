//===--- OriginalLocation.swift - Where generated code was written -----------===//
//
// A JavaScript frame names a place in the code that ran: a bundler's or
// minifier's output (`at a (app.min.js:1:178)`). A source map (ECMA-426) says
// which line of which original file that place was generated from, and may
// name the function as it was written (`readTotal` for `a`). The frame keeps
// what it printed; the map's answer sits beside it, as a symbol map's
// resolution does for native code.
//
//===----------------------------------------------------------------------===//

/// What a source map says about a frame of generated code: the original file, line and
/// column, and the function's original name when the map gives one.
public struct OriginalLocation: Sendable, Hashable, Codable {
  /// The original source file as the map names it (its `sourceRoot` prefixed).
  public var file: String
  /// The 1-based line in the original file.
  public var line: Int
  /// The 1-based column in the original file.
  public var column: Int
  /// The function's name in the original source, when the map names it (from the caller's
  /// call site, as Node's `--enable-source-maps` finds it); `nil` when the printed name stands.
  public var function: String?
  /// Whether the map lists the file as third-party code (its `ignoreList`).
  public var isIgnored: Bool
  /// The source map that answered.
  public var sourceMap: String
  /// The original line's text, when the map carries its sources (`sourcesContent`).
  public var sourceText: String?

  /// Creates an original location.
  public init(file: String, line: Int, column: Int, function: String? = nil, isIgnored: Bool = false, sourceMap: String) {
    self.file = file
    self.line = line
    self.column = column
    self.function = function
    self.isIgnored = isIgnored
    self.sourceMap = sourceMap
  }

  /// The position as `file:line:column`.
  public var sourceLine: SourceLine { SourceLine(file: file, line: line, column: column) }
}
