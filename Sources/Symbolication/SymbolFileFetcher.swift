//===--- SymbolFileFetcher.swift - Symbol files from elsewhere, on demand ----===//
//
// A store's roots are local directories. A fetcher brings the files for one debug
// file and id from somewhere else (a symbol server) into a local cache laid out like
// a store (`CACHE/NAME/ID/FILE`), only when no root has them; the store then reads
// the cache like a root. SymbolServers implements it over HTTP.
//
//===----------------------------------------------------------------------===//

/// Brings symbol files into a local cache when a store has none for a debug file and id.
public protocol SymbolFileFetcher: Sendable {
  /// The local directory fetched files land in, laid out as `NAME/ID/FILE`.
  var cacheRoot: String { get }
  /// Fetches what the source holds for `debugFile` and `identifier` (both already checked
  /// as single path components) into `cacheRoot/debugFile/identifier/`; whether anything
  /// arrived.
  func fetch(debugFile: String, identifier: String) -> Bool
  /// The same, for a module whose GNU build id (lower-case hex, checked) is known: what
  /// sources that index ELF files by build id (debuginfod) need.
  func fetch(debugFile: String, identifier: String, buildID: String?) -> Bool
}

extension SymbolFileFetcher {
  /// Sources that do not use build ids ask by debug file and id alone.
  public func fetch(debugFile: String, identifier: String, buildID: String?) -> Bool {
    fetch(debugFile: debugFile, identifier: identifier)
  }
}
