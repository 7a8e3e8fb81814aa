//===--- SymbolPathOptions.swift - --symbol-path, --offline, the cache -------===//
//
// The options every command that looks symbols up shares: a symbol path in the
// _NT_SYMBOL_PATH syntax (Symbolication.SymbolPath; the environment variable is read
// when the option is absent), debuginfod servers from DEBUGINFOD_URLS (asked for ELF
// modules by build id, after the path's servers), the cache servers' files are kept in,
// --offline, --sysroot (where the files a core or dump names are looked up: `/` for
// this machine's own), and
// --symbol-log (one line per request on standard error; credentials in URLs are
// never printed). Servers are asked through the helper analyse-net (HelperSymbolFetcher).
// SymbolPathSettings holds the values and does the work; the options only declare them.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Symbolication

#if canImport(Glibc)
  import Glibc
#endif

struct SymbolPathOptions: ParsableArguments {
  @Option(
    name: .customLong("symbol-path"),
    help: ArgumentHelp(
      "Where symbols are, in _NT_SYMBOL_PATH syntax: DIR;srv*CACHE*https://server;… (default: $_NT_SYMBOL_PATH). $DEBUGINFOD_URLS adds debuginfod servers for ELF modules.",
      valueName: "path"))
  var symbolPath: String?

  @Option(
    name: .customLong("symbol-cache"),
    help: ArgumentHelp("Where servers' files are kept when srv* names no cache.", valueName: "dir"))
  var symbolCache: String?

  @Flag(name: .customLong("offline"), help: "Ask no symbol server: only local stores and the cache answer.")
  var offline = false

  @Option(
    name: .customLong("sysroot"),
    help: ArgumentHelp(
      "Look up the files a core or dump names under DIR (/ for this machine's own; their debug files under DIR/usr/lib/debug), each taken only when its build id matches (repeatable).",
      valueName: "dir"))
  var systemRoots: [String] = []

  @Flag(name: .customLong("symbol-log"), help: "Print one line per symbol server request on standard error.")
  var symbolLog = false

  /// The options as plain values.
  var settings: SymbolPathSettings {
    SymbolPathSettings(
      symbolPath: symbolPath, symbolCache: symbolCache, offline: offline, symbolLog: symbolLog, systemRoots: systemRoots)
  }

  /// The parsed path (option, else environment), its notes printed once.
  var parsedPath: SymbolPath? { settings.parsedPath }

  /// A store over `roots` and the path's directories, asking its servers for the rest;
  /// nil when there is nothing to search.
  func store(roots: [String], maximumFileSize: Int = 4 << 30) -> SymbolStore? {
    settings.store(roots: roots, maximumFileSize: maximumFileSize)
  }
}

/// What the symbol-server options asked for, as plain values (the report command's quick
/// reading fills it without ArgumentParser).
struct SymbolPathSettings: Equatable {
  /// --symbol-path.
  var symbolPath: String?
  /// --symbol-cache.
  var symbolCache: String?
  /// --offline.
  var offline = false
  /// --symbol-log.
  var symbolLog = false
  /// --sysroot, each.
  var systemRoots: [String] = []

  /// The cache used when the path names none: $XDG_CACHE_HOME or ~/.cache, crash-analysis/symbols.
  var defaultCache: String {
    if let symbolCache { return symbolCache }
    if let xdg = Self.environment("XDG_CACHE_HOME"), !xdg.isEmpty {
      return xdg + "/crash-analysis/symbols"
    }
    return (Self.environment("HOME") ?? "/tmp") + "/.cache/crash-analysis/symbols"
  }

  /// The parsed path (option, else environment), its notes printed once.
  var parsedPath: SymbolPath? {
    guard let text = symbolPath ?? Self.environment("_NT_SYMBOL_PATH"),
      !text.isEmpty
    else {
      return nil
    }
    let path = SymbolPath(parsing: text, defaultCache: defaultCache)
    for note in path.notes { Console.error("analyse: symbol path: \(note)\n") }
    return path
  }

  /// A store over `roots` and the path's directories, asking its servers for the rest;
  /// nil when there is nothing to search.
  func store(roots: [String], maximumFileSize: Int = 4 << 30) -> SymbolStore? {
    let path = parsedPath
    let (offline, logs) = (self.offline, symbolLog)
    var fetchers = (path?.elements ?? []).compactMap { element -> HelperSymbolFetcher? in
      guard case .server(let url, let cache) = element else { return nil }
      return HelperSymbolFetcher(url: url, cacheRoot: cache, offline: offline, logs: logs)
    }
    if let urls = Self.environment("DEBUGINFOD_URLS"), !urls.isEmpty {
      var notes: [String] = []
      for url in SymbolPath.debuginfodServers(parsing: urls, notes: &notes) {
        fetchers.append(
          HelperSymbolFetcher(url: url, cacheRoot: defaultCache, debuginfod: true, offline: offline, logs: logs))
      }
      for note in notes { Console.error("analyse: \(note)\n") }
    }
    let all = (path?.directories ?? []) + roots
    guard !all.isEmpty || !fetchers.isEmpty || !systemRoots.isEmpty else { return nil }
    return SymbolStore(roots: all, systemRoots: systemRoots, fetchers: fetchers, maximumFileSize: maximumFileSize)
  }

  /// One environment variable (Foundation's `ProcessInfo.environment` copies the whole
  /// environment into a dictionary first: 0.7 M instructions a run).
  private static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }
}
