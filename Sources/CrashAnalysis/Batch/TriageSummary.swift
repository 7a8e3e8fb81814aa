//===--- TriageSummary.swift - Buckets over many crashes ---------------------===//
//
// Groups analysed inputs by crash signature: how many, first and last seen
// (the files' modification times), the known issue each bucket maps to (the
// most frequent top finding and its confidence), and the crashing modules
// with their versions. Built incrementally from small records, so a batch of
// any size costs memory per bucket, not per crash.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Signatures

/// A known issue as a batch counts it: the plugin that found it and how sure it was.
public struct KnownIssueKey: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The plugin's id (`Q276222`, a rule id): letters, digits, `-` and `_` (see `PluginIdentifier`).
  public var plugin: String
  /// The finding's confidence.
  public var confidence: Confidence

  /// Creates a key.
  public init(plugin: String, confidence: Confidence) {
    self.plugin = plugin
    self.confidence = confidence
  }

  /// `Q276222 likely`.
  public var description: String { "\(plugin) \(confidence.rawValue)" }

  /// Orders by plugin id, then confidence.
  public static func < (lhs: KnownIssueKey, rhs: KnownIssueKey) -> Bool {
    (lhs.plugin, lhs.confidence) < (rhs.plugin, rhs.confidence)
  }
}

/// What a batch keeps of one analysed input.
public struct BatchRecord: Sendable, Hashable {
  /// The input's path.
  public var path: String
  /// The file's modification time (seconds since 1970), when known.
  public var modified: Int?
  /// The crash signature, when the input had a stack.
  public var signature: String?
  /// The top finding: plugin id and confidence.
  public var knownIssue: KnownIssueKey?
  /// The module of the top frame, with its version when known (`EMSMTA 5.5.2653.12`).
  public var crashingModule: String?
  /// Why the input could not be analysed, when it could not.
  public var failure: String?

  /// Creates a record.
  public init(
    path: String, modified: Int? = nil, signature: String? = nil, knownIssue: KnownIssueKey? = nil,
    crashingModule: String? = nil, failure: String? = nil
  ) {
    self.path = path
    self.modified = modified
    self.signature = signature
    self.knownIssue = knownIssue
    self.crashingModule = crashingModule
    self.failure = failure
  }

  /// The record of an analysed report.
  public static func of(_ report: CrashReport, classification: Classification, path: String, modified: Int?) -> BatchRecord {
    var record = BatchRecord(path: path, modified: modified, signature: classification.signature)
    if let top = classification.findings.first { record.knownIssue = KnownIssueKey(plugin: top.plugin, confidence: top.confidence) }
    if let thread = report.crashedThread, let frame = thread.frames.first {
      let module = frame.resolution?.module ?? frame.symbol?.module ?? frame.instruction.flatMap { report.module(containing: $0)?.stem }
      if let module {
        let version = report.modules.first { FrameView.stem($0.name).lowercased() == module.lowercased() }?.version
        record.crashingModule = version.map { "\(module) \($0)" } ?? module
      }
    }
    return record
  }
}

/// One bucket of the triage summary.
public struct TriageBucket: Sendable, Hashable {
  /// The signature (`no stack` for inputs without one).
  public var signature: String
  /// How many inputs.
  public var count = 0
  /// Earliest and latest modification time.
  public var firstSeen: Int?
  /// Latest modification time.
  public var lastSeen: Int?
  /// Known issues seen in the bucket with their counts.
  public var knownIssues: [KnownIssueKey: Int] = [:]
  /// Crashing modules (with versions) and their counts.
  public var modules: [String: Int] = [:]
  /// Up to three example inputs.
  public var examples: [String] = []

  /// The most frequent known issue, when any.
  public var knownIssue: KnownIssueKey? { knownIssues.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key }
}

/// Buckets built from batch records.
public struct TriageSummary: Sendable {
  /// Buckets by signature.
  public private(set) var buckets: [String: TriageBucket] = [:]
  /// Inputs that could not be analysed: path and reason.
  public private(set) var failures: [(path: String, reason: String)] = []
  /// Rules that were not loaded for the batch (listed in JSON as `plugin_errors`).
  public var pluginErrors: [PluginLoadError] = []
  /// Inputs seen.
  public private(set) var total = 0

  /// An empty summary.
  public init() {}

  /// Adds one input.
  public mutating func add(_ record: BatchRecord) {
    total += 1
    if let failure = record.failure {
      failures.append((record.path, failure))
      return
    }
    let key = record.signature ?? "no stack"
    var bucket = buckets[key] ?? TriageBucket(signature: key)
    bucket.count += 1
    if let modified = record.modified {
      bucket.firstSeen = min(bucket.firstSeen ?? modified, modified)
      bucket.lastSeen = max(bucket.lastSeen ?? modified, modified)
    }
    if let issue = record.knownIssue { bucket.knownIssues[issue, default: 0] += 1 }
    if let module = record.crashingModule { bucket.modules[module, default: 0] += 1 }
    if bucket.examples.count < 3 { bucket.examples.append(record.path) }
    buckets[key] = bucket
  }

  /// Merges another summary into this one (per-worker summaries, or `analyse merge`).
  public mutating func merge(_ other: TriageSummary) {
    total += other.total
    failures += other.failures
    for (key, bucket) in other.buckets {
      guard var mine = buckets[key] else {
        buckets[key] = bucket
        continue
      }
      mine.count += bucket.count
      if let first = bucket.firstSeen { mine.firstSeen = min(mine.firstSeen ?? first, first) }
      if let last = bucket.lastSeen { mine.lastSeen = max(mine.lastSeen ?? last, last) }
      mine.knownIssues.merge(bucket.knownIssues, uniquingKeysWith: +)
      mine.modules.merge(bucket.modules, uniquingKeysWith: +)
      mine.examples = Array((mine.examples + bucket.examples).prefix(3))
      buckets[key] = mine
    }
  }

  /// Buckets, largest first (then by signature).
  public var sortedBuckets: [TriageBucket] {
    buckets.values.sorted { ($0.count, $1.signature) > ($1.count, $0.signature) }
  }
}
