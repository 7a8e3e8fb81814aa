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
import Dispatch
import Signatures
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The plugins of a run, loaded once, with what could not be loaded.
struct RunPlugins: Sendable {
  /// The pipeline over every plugin that loaded; its classifications carry `errors`.
  let pipeline: SignaturePipeline
  /// The rules that were not loaded.
  let errors: [PluginLoadError]

  /// Loads the bundled plugins and `rulePaths`, printing each error once on standard error.
  init(rulePaths: [String], external: Bool = true, timeLimit: Double = ExternalPlugin.defaultTimeLimit) {
    self.init(loading: rulePaths, external: external, timeLimit: timeLimit)
    printErrors()
  }

  /// Loads without printing anything.
  private init(loading rulePaths: [String], external: Bool, timeLimit: Double) {
    let path = getenv("PATH").map { String(cString: $0) }
    pipeline = BundledPlugins.pipeline(rulePaths: rulePaths, external: external, searchPath: path, timeLimit: timeLimit)
    errors = pipeline.loadErrors
  }

  /// Says what is missing from the shipped data, then each rule that was skipped.
  private func printErrors() {
    ShippedData.warnIfMissing(.rules)
    ShippedData.warnIfMissing(.frames)
    for error in errors { Console.error("analyse: rule skipped: \(error)\n") }
  }

  /// Starts loading on another thread, so that the plugins (rules, catalogs, external
  /// processes: about a millisecond) load while the input is read and walked. `wait()` gives
  /// them and prints what `init` would have, at that point, so messages keep their order.
  static func start(rulePaths: [String], timeLimit: Double) -> Loading {
    Loading(rulePaths: rulePaths, timeLimit: timeLimit)
  }

  /// Plugins loading on another thread.
  final class Loading: Sendable {
    private let done = DispatchGroup()
    private let result = Mutex<RunPlugins?>(nil)

    fileprivate init(rulePaths: [String], timeLimit: Double) {
      done.enter()
      DispatchQueue.global().async { [self] in
        let plugins = RunPlugins(loading: rulePaths, external: true, timeLimit: timeLimit)
        result.withLock { $0 = plugins }
        done.leave()
      }
    }

    /// The plugins, once loaded; their errors are printed now.
    func wait() -> RunPlugins {
      done.wait()
      let plugins = result.withLock { $0 }!
      plugins.printErrors()
      return plugins
    }
  }

  /// Exits 7 when a rule could not be loaded.
  func requireAllLoaded() throws {
    if !errors.isEmpty { throw ExitCode(AnalyseExitStatus.pluginErrors.rawValue) }
  }
}
