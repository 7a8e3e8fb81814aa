//===--- StoreEntry.swift - One symbol file in a store ------------------------===//
//
// What the store knows about a symbol file before loading it: read from the
// path and, for Breakpad files, the MODULE and INFO lines at its top. Learned
// maps (written by `analyse symbols learn`) add INFO lines that Breakpad's own
// tools ignore:
//   INFO LEARNED_FROM <source>…              which listings the map came from
//   INFO LOAD_ADDRESS <hex>                  where the module was loaded in them
//   INFO RETURN_SITE <rva> <function>+<off>  an address a listing showed, exactly
//   INFO ADDRESS_RANGE <low> <high>          lowest start and highest site, module-relative
//   INFO CALL_TARGET <rva> <function>        the call that returns to <rva> entered <function>
//                                            (the row above a caller's in a listing)
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A symbol file in a store, described from its path and header.
public struct StoreEntry: Sendable, Hashable {
  /// The file's path.
  public var path: String
  /// Its format.
  public var format: SymbolSourceOrigin.Format
  /// The debug file directory it sits in (`test_app.pdb`, `EMSMTA`).
  public var debugFile: String
  /// The debug identifier directory it sits in.
  public var debugIdentifier: String
  /// The module name a listing would print (`test_app`, `EMSMTA`), lowercased.
  public var moduleKey: String
  /// The load address a learned map records, when it records one.
  public var loadAddress: UInt64?
  /// Whether a learned map keeps addresses as the listings printed them (load address
  /// unknown): then no module list's base applies to it.
  public var addressesAreAbsolute = false
  /// Module-relative addresses a learned map saw exactly in its listings.
  public var returnSites: Set<UInt64>
  /// The module-relative addresses a learned map knows, lowest start to highest site
  /// (for frames printed without a module name).
  public var addressRange: ClosedRange<UInt64>?
  /// The listings a learned map came from.
  public var learnedFrom: [String]
  /// Return sites whose call the listings show entering a function of this module (by name):
  /// names a frame no FUNC covers by the call site that entered it.
  public var callTargets: [UInt64: String] = [:]

  /// The processor its `MODULE` line names, when it names one this library knows.
  public var architecture: Architecture?

  /// Whether this is a map learned from listings (it records where it was loaded).
  public var isLearned: Bool { loadAddress != nil && !learnedFrom.isEmpty }

  /// Creates an entry.
  public init(
    path: String, format: SymbolSourceOrigin.Format, debugFile: String, debugIdentifier: String,
    moduleKey: String, loadAddress: UInt64? = nil, returnSites: Set<UInt64> = [], addressRange: ClosedRange<UInt64>? = nil,
    learnedFrom: [String] = []
  ) {
    self.path = path
    self.format = format
    self.debugFile = debugFile
    self.debugIdentifier = debugIdentifier
    self.moduleKey = moduleKey
    self.loadAddress = loadAddress
    self.returnSites = returnSites
    self.addressRange = addressRange
    self.learnedFrom = learnedFrom
  }

  /// The module a file name is for, lowercased: `emsmta` for `EMSMTA.EXE` and `EMSMTA.map`,
  /// `test_app` for `test_app.pdb`, `libc.so.6` for `libc.so.6` and `libc.so.6.sym`,
  /// `linux_inline` for `linux_inline.debug` (ModuleName's stem, less a symbol file's extension).
  public static func moduleKey(for name: String) -> String {
    let lower = ModuleName.stem(name).lowercased()
    for suffix in [".sym", ".map", ".debug"] where lower.hasSuffix(suffix) && lower.count > suffix.count {
      return ModuleName.stem(String(lower.dropLast(suffix.count)))
    }
    return lower
  }
}
