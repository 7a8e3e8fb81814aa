//===--- BatchFileFilter.swift - Which files of a directory a batch takes ----===//
//
// `analyse DIR --include '*.log' --exclude '*.o'`: shell globs (fnmatch), tried
// on the file's name and on its whole path (a pattern with a `/` can say
// `*/dumps/*`). A file is taken when it matches an include (or there are none)
// and no exclude. Files named on the command line are always taken.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Include and exclude globs for the files a batch finds in directories.
public struct BatchFileFilter: Sendable, Hashable {
  /// Globs a file must match one of (none: every file).
  public var include: [String]
  /// Globs a file must match none of.
  public var exclude: [String]

  /// A filter; with no patterns it takes every file.
  public init(include: [String] = [], exclude: [String] = []) {
    self.include = include
    self.exclude = exclude
  }

  /// Whether the file at `path` is taken.
  public func accepts(_ path: String) -> Bool {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    func matches(_ pattern: String) -> Bool {
      fnmatch(pattern, name, 0) == 0 || fnmatch(pattern, path, 0) == 0
    }
    if !include.isEmpty && !include.contains(where: matches) { return false }
    return !exclude.contains(where: matches)
  }
}
