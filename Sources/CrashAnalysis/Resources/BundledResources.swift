//===--- BundledResources.swift - Where the data that ships is found ---------===//
//
// `analyse` ships data beside its code: the rule files, the frame catalogs, the
// learned symbol maps and the examples. Each is found, in this order:
//
//   1. its environment variable (CRASH_ANALYSIS_RULES, CRASH_ANALYSIS_FRAMES,
//      CRASH_ANALYSIS_SYMBOLS, CRASH_ANALYSIS_EXAMPLES); set but empty turns it off;
//   2. $CRASH_ANALYSIS_HOME/<kind> (rules, frames, symbols, examples);
//   3. <prefix>/share/crash-analysis/<kind>, where <prefix> is the directory
//      above the running executable's (`scripts/install PREFIX` puts it there,
//      so an installed binary never needs its checkout);
//   4. the checkout this library was built from (`swift run`, the tests, and
//      packages that depend on this one by path), found from this file's path.
//
// The first that exists wins; `analyse plugins list` prints which, and a run
// that finds none of them says so.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The data shipped with the library and `analyse`, and where it was found.
public enum BundledResources {
  /// A kind of shipped data.
  public enum Kind: String, Sendable, CaseIterable {
    /// The YAML rule files (`Plugins/rules` in the checkout).
    case rules
    /// The frame catalogs (`Plugins/frames`).
    case frames
    /// The learned symbol maps (`Symbols`).
    case symbols
    /// The bundled examples (`Examples`).
    case examples

    /// The environment variable that names its directory.
    public var environmentVariable: String { "CRASH_ANALYSIS_" + rawValue.uppercased() }

    /// Its directory in a checkout, relative to the package root.
    var checkoutPath: String {
      switch self {
      case .rules: "Plugins/rules"
      case .frames: "Plugins/frames"
      case .symbols: "Symbols"
      case .examples: "Examples"
      }
    }
  }

  /// How a directory was found.
  public enum Origin: String, Sendable {
    /// Named by its environment variable.
    case environment
    /// Under `$CRASH_ANALYSIS_HOME`.
    case home
    /// Under the installation prefix of the running executable.
    case installed
    /// In the checkout the library was built from.
    case checkout
  }

  /// The environment variable naming a directory that holds every kind (`rules/`, `frames/`…).
  public static let homeVariable = "CRASH_ANALYSIS_HOME"
  /// The directory under `<prefix>/share` that `scripts/install` creates.
  public static let shareDirectory = "share/crash-analysis"

  /// The directory of `kind` and how it was found, or nil (turned off, or found nowhere).
  public static func location(of kind: Kind) -> (path: String, origin: Origin)? {
    if let value = getenv(kind.environmentVariable) {
      let path = String(cString: value)
      return path.isEmpty ? nil : (path, .environment)
    }
    for (path, origin) in candidates(for: kind) where isDirectory(path) { return (path, origin) }
    return nil
  }

  /// Every place `kind` is looked for after its environment variable, in order.
  public static func candidates(for kind: Kind) -> [(path: String, origin: Origin)] {
    var result: [(String, Origin)] = []
    if let home = getenv(homeVariable).map({ String(cString: $0) }), !home.isEmpty {
      result.append((home + "/" + kind.rawValue, .home))
    }
    if let prefix = installationPrefix { result.append((prefix + "/" + shareDirectory + "/" + kind.rawValue, .installed)) }
    result.append((checkoutRoot + "/" + kind.checkoutPath, .checkout))
    return result
  }

  /// The directory above the running executable's (`/usr/local` for `/usr/local/bin/analyse`).
  public static var installationPrefix: String? {
    var buffer = [CChar](repeating: 0, count: 4097)
    let count = readlink("/proc/self/exe", &buffer, 4096)
    guard count > 0 else { return nil }
    let executable = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let directory = parent(executable)
    return directory.isEmpty ? nil : parent(directory)
  }

  /// The package root of the checkout this library was compiled from (it may no longer exist).
  public static var checkoutRoot: String {
    // …/Sources/CrashAnalysis/Resources/BundledResources.swift → …
    var path = #filePath
    for _ in 0..<4 { path = parent(path) }
    return path
  }

  private static func parent(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return String(path[..<slash])
  }

  private static func isDirectory(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
  }
}
