//===--- ShippedSymbols.swift - Where the symbol maps we ship are -----------===//
//
// The learned maps (`Symbols/` in the checkout) are the default symbol store of
// `analyse`, found as every shipped resource is (BundledResources):
// $CRASH_ANALYSIS_SYMBOLS, $CRASH_ANALYSIS_HOME/symbols, the installation
// prefix's share/crash-analysis/symbols, then the checkout.
//
//===----------------------------------------------------------------------===//

/// The symbol maps shipped with the library.
public enum ShippedSymbols {
  /// Set this environment variable to use another default store (empty: none).
  public static let environmentVariable = BundledResources.Kind.symbols.environmentVariable

  /// The default store root, or nil when none is found.
  public static var defaultRoot: String? { BundledResources.location(of: .symbols)?.path }
}
