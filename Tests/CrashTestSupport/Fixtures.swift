//===--- Fixtures.swift - Where the committed test fixtures are -------------===//

#if canImport(Glibc)
  import Glibc
#endif

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

/// Files that came from public repositories: the KB sample (`kb/`) and the Breakpad and
/// `dump_syms` fixtures (`fixtures/`). They are never committed here; tests read them from
/// `../shared` beside the checkout and are skipped, with one line naming what is missing,
/// when it is absent (`.enabled(if: SharedFixtures.has("kb"), …)`).
public enum SharedFixtures {
  /// `../shared` beside the repository (overridden by `$CRASH_ANALYSIS_SHARED`).
  public static let directory: String = {
    if let override = getenv("CRASH_ANALYSIS_SHARED"), override.pointee != 0 { return String(cString: override) }
    var path = Fixtures.repositoryRoot
    path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    return path + "/shared"
  }()

  /// A path inside `../shared` (`kb/Q276222.md`, `fixtures/breakpad/minidump2.dmp`).
  public static func path(_ relative: String) -> String { directory + "/" + relative }

  /// Whether `relative` exists under `../shared`.
  public static func has(_ relative: String) -> Bool {
    var status = stat()
    return stat(path(relative), &status) == 0
  }
}
