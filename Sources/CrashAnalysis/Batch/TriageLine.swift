//===--- TriageLine.swift - A batch record read back from JSON Lines --------===//
//
// `--jsonl` runs and `analyse worker` write one JSON object per input with a
// `triage` member; `analyse merge` reads those lines back, often from other
// machines. A line is untrusted: the plugin id must follow the id grammar (it
// becomes a CSS class and an anchor on the triage page), the confidence must
// be one of the four, and every text is capped (TextLimits).
//
//===----------------------------------------------------------------------===//

import CrashCore
import Signatures

/// Why a JSON line could not be read as a batch record.
public struct TriageLineError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What was wrong.
  public var reason: String
  /// The reason.
  public var description: String { reason }
}

extension BatchRecord {
  /// The record carried by one JSON line (`path` and `triage`), or why it is refused.
  public static func parse(jsonLine bytes: [UInt8]) -> Result<BatchRecord, TriageLineError> {
    let object: JSONValue
    do {
      object = try JSONValue.parse(bytes)
    } catch {
      return .failure(TriageLineError(reason: error.description))
    }
    guard let path = object["path"]?.stringValue, let triage = object["triage"], case .object = triage else {
      return .failure(TriageLineError(reason: "not a report line (no path and triage)"))
    }
    func text(_ key: String) -> String? { triage[key]?.stringValue.map { TextLimits.capped($0) } }
    var record = BatchRecord(
      path: TextLimits.capped(path), modified: triage["modified"]?.intValue, signature: text("signature"),
      crashingModule: text("crashing_module"), failure: text("failure"))
    if let issue = triage["known_issue"] {
      guard let plugin = issue["plugin"]?.stringValue,
        let confidence = issue["confidence"]?.stringValue.flatMap(Confidence.init(rawValue:))
      else { return .failure(TriageLineError(reason: "known_issue is not {plugin, confidence}")) }
      guard PluginIdentifier.isValid(plugin) else {
        return .failure(TriageLineError(reason: "the plugin id is not 1-64 letters, digits, '-' or '_'"))
      }
      record.knownIssue = KnownIssueKey(plugin: plugin, confidence: confidence)
    }
    return .success(record)
  }
}
