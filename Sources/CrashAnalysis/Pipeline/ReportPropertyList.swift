//===--- ReportPropertyList.swift - Properties gathered from a report's fields ===//
//
// The JSON reports (Node.js's, Sentry's) name the process, its system and the
// reporter in fields of their own; each becomes a property on one line, capped,
// an empty or missing one left out.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// System properties gathered field by field.
struct ReportPropertyList {
  /// The properties added, in order.
  private(set) var properties: [SystemProperty] = []

  /// Adds `value` under `key` (on one line, capped), unless it is missing or empty.
  mutating func add(_ key: String, _ value: String?) {
    guard let value, !value.isEmpty else { return }
    properties.append(SystemProperty(key: key, value: TextLimits.singleLine(TextLimits.capped(value), replacement: " ")))
  }
}
