//===--- CombinedSymbolSource.swift - Several symbol files for one module ---===//
//
// A module may have a Breakpad file, a linker map and an ELF debug file, in one
// store or across roots. They are asked in order; the first that answers wins,
// and its answer names the file it came from (`SymbolLookup.origin`).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Symbol sources for one module, asked in order.
public final class CombinedSymbolSource: SymbolSource {
  /// The sources, in the order they are asked.
  public let sources: [any SymbolSource]

  /// Combines `sources` (at least one).
  public init(_ sources: [any SymbolSource]) {
    precondition(!sources.isEmpty, "a combined source needs at least one source")
    self.sources = sources
  }

  /// The first source's origin (each answer carries its own).
  public var origin: SymbolSourceOrigin { sources[0].origin }

  /// The first answer, in source order.
  public func lookup(_ relativeAddress: UInt64) -> SymbolLookup? {
    for source in sources {
      if let answer = source.lookup(relativeAddress) { return answer }
    }
    return nil
  }

  /// Whether any source answers.
  public func covers(_ relativeAddress: UInt64) -> Bool {
    sources.contains { $0.covers(relativeAddress) }
  }

  /// Every source's names for a function starting there.
  public func names(startingAt relativeAddress: UInt64) -> [String] {
    sources.flatMap { $0.names(startingAt: relativeAddress) }
  }

  /// The first source's tail calls that has any (only DWARF records call sites).
  public func tailCallSites(returnAddress: UInt64, calleeStart: UInt64) -> [UInt64] {
    for source in sources {
      let sites = source.tailCallSites(returnAddress: returnAddress, calleeStart: calleeStart)
      if !sites.isEmpty { return sites }
    }
    return []
  }

  /// The first source's answer.
  public func externalCallee(returnAddress: UInt64) -> String? {
    for source in sources {
      if let name = source.externalCallee(returnAddress: returnAddress) { return name }
    }
    return nil
  }

  /// The first source's tail calls that has any.
  public func tailCallSites(fromFunctionNamed name: String, calleeStart: UInt64) -> [UInt64] {
    for source in sources {
      let sites = source.tailCallSites(fromFunctionNamed: name, calleeStart: calleeStart)
      if !sites.isEmpty { return sites }
    }
    return []
  }
}
