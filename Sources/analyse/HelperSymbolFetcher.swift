//===--- HelperSymbolFetcher.swift - A symbol server, asked through analyse-net ===//
//
// The store's fetcher for one server of the symbol path. The downloads themselves run in
// `analyse-net fetch` (NetworkHelper), one long-lived helper per download slot, started
// when a module first needs the server and kept for the rest of the run (a batch asks
// through the same few processes). Each request is one line, each answer one line
// (docs/symbol-servers.md, "The helper"); the helper does what SymbolServerFetcher does
// for a library user: layouts, limits, retries, the negative cache, atomic writes into
// the cache, trimming. Here: --offline, one thread per debug file and id, at most
// `slots` downloads at once, and a deadline on each answer, so a helper that hangs is
// stopped and the module goes without symbols instead of the run waiting; after two
// helpers in a row failed (not found, would not start, exited, hung), the server is not
// asked again in this run.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import Dispatch
import Symbolication
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// One symbol server of the symbol path, its files kept in `cacheRoot`.
final class HelperSymbolFetcher: SymbolFileFetcher, Sendable {
  let cacheRoot: String
  /// The helper's arguments after its name.
  private let arguments: [String]
  private let offline: Bool
  /// debuginfod knows files by build id only: a module without one is not asked.
  private let needsBuildID: Bool
  private let idle = Mutex<[HelperProcess]>([])
  private let slots: DispatchSemaphore
  private let inFlight = Mutex<Set<String>>([])
  /// Helpers that failed in a row (would not start, exited, hung); at `maximumFailures` the
  /// server is not asked again in this run.
  private let failures = Mutex(0)
  private let url: String

  /// Failures in a row after which a server's helper is given up.
  static let maximumFailures = 2

  /// The longest one answer may take, in seconds: every file a server may hold for one
  /// module (five requests), each tried three times with the helper's 60-second limit.
  static let answerSeconds = 1_000.0

  /// A fetcher for the server at `url` (debuginfod when `debuginfod`), caching in
  /// `cacheRoot`; `logs` passes --log (one line per request on standard error).
  init(url: String, cacheRoot: String, debuginfod: Bool = false, offline: Bool, logs: Bool, slots: Int = 4) {
    self.cacheRoot = cacheRoot
    self.url = url
    self.offline = offline
    needsBuildID = debuginfod
    arguments =
      ["fetch", "--cache", cacheRoot, "--layout", debuginfod ? "debuginfod" : "symbol-server"] + (logs ? ["--log"] : [])
    self.slots = DispatchSemaphore(value: max(1, slots))
  }

  func fetch(debugFile: String, identifier: String) -> Bool {
    fetch(debugFile: debugFile, identifier: identifier, buildID: nil)
  }

  func fetch(debugFile: String, identifier: String, buildID: String?) -> Bool {
    guard !offline, !needsBuildID || buildID != nil, failures.withLock({ $0 }) < Self.maximumFailures else { return false }
    let key = debugFile + "/" + identifier
    // One thread per debug file and id; the others wait, then ask the helper, which finds
    // the files already in the cache.
    while !inFlight.withLock({ $0.insert(key).inserted }) { usleep(5_000) }
    defer { _ = inFlight.withLock { $0.remove(key) } }
    slots.wait()
    defer { slots.signal() }
    guard let helper = idle.withLock({ $0.popLast() }) ?? HelperProcess.start(arguments, server: url) else {
      noteFailure()
      return false
    }
    let request = "fetch\t\(debugFile)\t\(identifier)\t\(buildID ?? "")"
    do throws(PluginProcessError) {
      let answer = String(decoding: try helper.process.exchange(request, seconds: Self.answerSeconds), as: UTF8.self)
      idle.withLock { $0.append(helper) }
      failures.withLock { $0 = 0 }
      if answer.hasPrefix("error: ") {
        Console.error("analyse: symbol server: \(NetworkHelper.name) refused a request: \(answer.dropFirst(7))\n")
      }
      return answer == "stored"
    } catch {
      Console.error("analyse: symbol server: \(NetworkHelper.name): \(error)\n")
      noteFailure()
      return false
    }
  }

  /// Counts a failed helper; says so when the server is given up.
  private func noteFailure() {
    let count = failures.withLock { count in
      count += 1
      return count
    }
    if count == Self.maximumFailures {
      Console.error(
        "analyse: symbol server: \(NetworkHelper.name) failed \(count) times in a row; "
          + "\(SymbolPath.withoutCredentials(url)) is not asked again in this run\n")
    }
  }

}

/// One running `analyse-net fetch`; used by one thread at a time (taken from and given
/// back to a fetcher's idle list under its lock).
final class HelperProcess: @unchecked Sendable {
  // @unchecked Sendable: only the thread that took it from the idle list touches it.
  let process: LineProcess

  private init(_ process: LineProcess) { self.process = process }

  /// How long a helper may take to start and say `ready`, in seconds.
  static let startSeconds = 30.0

  /// Starts the helper with `arguments` and names `server` to it on its input (never on its
  /// command line, which every user of the machine can read); nil when it cannot be found,
  /// started or told (the first said once, the others each time).
  static func start(_ arguments: [String], server: String) -> HelperProcess? {
    guard let path = NetworkHelper.path else {
      NetworkHelper.warnMissing()
      return nil
    }
    do throws(PluginProcessError) {
      let process = try LineProcess(path: path, arguments: arguments)
      let answer = String(decoding: try process.exchange("server\t" + server, seconds: startSeconds), as: UTF8.self)
      guard answer == "ready" else {
        process.stop()
        Console.error("analyse: symbol server: \(NetworkHelper.name) did not take the server: \(answer.prefix(200))\n")
        return nil
      }
      return HelperProcess(process)
    } catch {
      Console.error("analyse: symbol server: \(NetworkHelper.name): \(error)\n")
      return nil
    }
  }
}
