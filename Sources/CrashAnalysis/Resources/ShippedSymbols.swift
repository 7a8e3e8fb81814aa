//===--- ShippedSymbols.swift - Where the symbol maps we ship are -----------===//
//
// The repository's `Symbols/` folder is the default symbol store of `analyse`:
// `$CRASH_ANALYSIS_SYMBOLS` when set, else the `Symbols/` folder of the checkout
// this library was built from (found from this source file's path, so it works
// for `swift run` and for packages that depend on this one).
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The symbol maps shipped with the library.
public enum ShippedSymbols {
  /// Set this environment variable to use another default store.
  public static let environmentVariable = "CRASH_ANALYSIS_SYMBOLS"

  /// The default store root, or nil when none is found.
  public static var defaultRoot: String? {
    if let override = getenv(environmentVariable) {
      let path = String(cString: override)
      return path.isEmpty ? nil : path
    }
    // …/Sources/CrashAnalysis/Resources/ShippedSymbols.swift → …/Symbols
    var path = #filePath
    for _ in 0..<4 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
    let root = path + "/Symbols"
    var status = stat()
    guard stat(root, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { return nil }
    return root
  }
}
