//===--- ShippedData.swift - Saying so when shipped data is missing ----------===//
//
// An `analyse` whose rules, frame catalogs or symbol maps cannot be found
// still runs, but never quietly: one line on standard error names what is
// missing and where it was looked for (BundledResources' order).
//
//===----------------------------------------------------------------------===//

import CrashAnalysis

#if canImport(Glibc)
  import Glibc
#endif

enum ShippedData {
  /// Warns once on standard error when `kind` is not found (and not turned off with an empty
  /// environment variable).
  static func warnIfMissing(_ kind: BundledResources.Kind) {
    guard BundledResources.location(of: kind) == nil, getenv(kind.environmentVariable) == nil else { return }
    let places = BundledResources.candidates(for: kind).map(\.path).joined(separator: ", ")
    Console.error(
      "analyse: warning: the shipped \(kind.rawValue) were not found (looked in \(places)); "
        + "set \(kind.environmentVariable) or reinstall with scripts/install\n")
  }

  /// `rules: /usr/local/share/crash-analysis/rules (installed)`, one line per kind.
  static func locations() -> String {
    BundledResources.Kind.allCases.map { kind in
      let name = (kind.rawValue + ":").padded(to: 10)
      guard let found = BundledResources.location(of: kind) else { return name + "(not found)" }
      return name + found.path + " (" + found.origin.rawValue + ")"
    }.joined(separator: "\n") + "\n"
  }
}
