//===--- Fixtures.swift - Where the committed test fixtures are -------------===//

/// Paths of the committed fixtures (Tests/Fixtures, provenance in its README).
public enum Fixtures {
  /// `Tests/Fixtures`, found from this file's location so tests run from any directory.
  public static let directory: String = {
    var path = #filePath
    // …/Tests/CrashTestSupport/Fixtures.swift → …/Tests/Fixtures
    for _ in 0..<2 { path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }
    return path + "/Fixtures"
  }()

  /// The repository root.
  public static let repositoryRoot: String = {
    var path = directory
    for _ in 0..<2 { path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }
    return path
  }()

  /// A path inside `Tests/Fixtures`.
  public static func path(_ relative: String) -> String { directory + "/" + relative }
}
