//===--- TriageReportWriter.swift - The triage summary as text and JSON ------===//

import CrashCore
import Signatures

#if canImport(Glibc)
  import Glibc
#endif

/// Renders a `TriageSummary`.
public enum TriageReportWriter {
  /// A table: count, signature, known issue, first and last seen, modules; then failures,
  /// unless `listingFailures` is false (a batch printed each on its own line already).
  /// Control characters from inputs are shown as escapes.
  public static func text(_ summary: TriageSummary, listingFailures: Bool = true) -> String {
    let buckets = summary.sortedBuckets
    var out = "Triage: \(summary.total) input(s), \(buckets.count) bucket(s), \(summary.failures.count) failed\n"
    if !buckets.isEmpty {
      out += "  count  known issue            first seen        last seen         signature  [modules]\n"
    }
    for bucket in buckets {
      var row = "  " + pad(String(bucket.count), 5, right: true) + "  " + pad(bucket.knownIssue?.description ?? "-", 21)
      row += "  " + pad(bucket.firstSeen.map(date) ?? "-", 16) + "  " + pad(bucket.lastSeen.map(date) ?? "-", 16)
      row += "  " + bucket.signature
      let modules = bucket.modules.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3).map(\.key)
      if !modules.isEmpty { row += "  [" + modules.joined(separator: ", ") + "]" }
      out += row + "\n"
    }
    guard listingFailures else { return TextLimits.printable(out) }
    for failure in summary.failures.prefix(50) {
      out += "  failed: " + (failure.reason.hasPrefix(failure.path) ? failure.reason : "\(failure.path): \(failure.reason)") + "\n"
    }
    if summary.failures.count > 50 { out += "  … and \(summary.failures.count - 50) more failures\n" }
    return TextLimits.printable(out)
  }

  /// The summary as a JSON object: `inputs`, `failed`, `buckets`, `failures`, `plugin_errors`.
  public static func json(_ summary: TriageSummary) -> String {
    value(summary).serialized(indent: 2)
  }

  /// The summary as a JSON tree.
  public static func value(_ summary: TriageSummary) -> JSONValue {
    .object([
      ("inputs", .int(summary.total)), ("failed", .int(summary.failures.count)),
      (
        "buckets",
        .array(
          summary.sortedBuckets.map { bucket in
            var members: [(String, JSONValue)] = [("signature", .string(bucket.signature)), ("count", .int(bucket.count))]
            if let issue = bucket.knownIssue { members.append(("known_issue", .string(issue.description))) }
            if let first = bucket.firstSeen { members.append(("first_seen", .string(date(first)))) }
            if let last = bucket.lastSeen { members.append(("last_seen", .string(date(last)))) }
            members.append(("modules", .object(bucket.modules.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })))
            members.append(("examples", .array(bucket.examples.map(JSONValue.string))))
            return .object(members)
          })
      ),
      (
        "failures",
        .array(summary.failures.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })
      ),
      ("plugin_errors", .array(summary.pluginErrors.map(JSONReportWriter.pluginError))),
    ])
  }

  /// The triage facts of one input, as JSON Lines outputs carry them for `analyse merge`:
  /// `signature`, `known_issue` {`plugin`, `confidence`}, `crashing_module`, `modified` (seconds), `failure`.
  public static func recordValue(_ record: BatchRecord) -> JSONValue {
    var members: [(String, JSONValue)] = []
    if let signature = record.signature { members.append(("signature", .string(signature))) }
    if let issue = record.knownIssue {
      members.append(
        ("known_issue", .object([("plugin", .string(issue.plugin)), ("confidence", .string(issue.confidence.rawValue))])))
    }
    if let module = record.crashingModule { members.append(("crashing_module", .string(module))) }
    if let modified = record.modified { members.append(("modified", .int(modified))) }
    if let failure = record.failure { members.append(("failure", .string(failure))) }
    return .object(members)
  }

  /// `2026-11-25 09:30` (UTC).
  static func date(_ seconds: Int) -> String {
    var time = time_t(seconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min))"
  }

  private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    guard text.count < width else { return text }
    let fill = String(repeating: " ", count: width - text.count)
    return right ? fill + text : text + fill
  }
}
