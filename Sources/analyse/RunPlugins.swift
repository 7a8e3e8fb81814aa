//===--- RunPlugins.swift - The plugins of one run of `analyse` --------------===//
//
// The built-in plugins, the shipped rules and every --plugins path (a rule
// file or a directory of them). A rule that cannot be loaded (a missing path,
// a mistake, an id already taken) is named on standard error with its file and
// line, listed in JSON as `plugin_errors`, and makes the run exit 7 once the
// report is out: a verdict made without a rule the user asked for is not a
// success.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import CrashAnalysis
import Signatures

#if canImport(Glibc)
  import Glibc
#endif

/// The plugins of a run, loaded once, with what could not be loaded.
struct RunPlugins {
  /// The pipeline over every plugin that loaded; its classifications carry `errors`.
  let pipeline: SignaturePipeline
  /// The rules that were not loaded.
  let errors: [PluginLoadError]

  /// Loads the bundled plugins and `rulePaths`, printing each error once on standard error.
  init(rulePaths: [String], external: Bool = true, timeLimit: Double = ExternalPlugin.defaultTimeLimit) {
    ShippedData.warnIfMissing(.rules)
    ShippedData.warnIfMissing(.frames)
    let path = getenv("PATH").map { String(cString: $0) }
    // Reading every PATH directory (/usr/bin's thousand names) was a tenth of a small dump's
    // time: their plugin names are kept in the user's cache while the directories are unchanged.
    let cache = external ? PluginDirectoryCache.defaultPath.map { PluginDirectoryCache(path: $0) } : nil
    pipeline = BundledPlugins.pipeline(
      rulePaths: rulePaths, external: external, searchPath: path, timeLimit: timeLimit, pathCache: cache)
    errors = pipeline.loadErrors
    for error in errors { Console.error("analyse: rule skipped: \(error)\n") }
  }

  /// Exits 7 when a rule could not be loaded.
  func requireAllLoaded() throws {
    if !errors.isEmpty { throw ExitCode(AnalyseExitStatus.pluginErrors.rawValue) }
  }
}
