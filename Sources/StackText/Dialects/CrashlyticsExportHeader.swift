//===--- CrashlyticsExportHeader.swift - The header of Crashlytics' text export ===//
//
// Crashlytics' console exports an issue's stack as text under a header of `#`
// lines, Android's and iOS's:
//
//   # Crashlytics - Stack trace
//   # Application: com.example.ledger
//   # Platform: android
//   # Version: 2.4.0 (240)
//   # Issue: 5c0e9a7d3b1f48e2a6d4c8b0e2f4a6c8
//   # Session: 6753CB3201EC000146B15ABEB28DBD62_DNE_0_v2
//   # Date: Mon Dec 07 2026 10:41:07 GMT+0100 (Central European Standard Time)
//
//   # Crashlytics - plaintext stacktrace downloaded by … at …
//   # URL: https://console.firebase.google.com/…
//   # Platform: ios
//   # Bundle Identifier: com.example.ledger
//   # Issue ID: …   # Session ID: …   # OS Version: 17.1.2 (21B101)   # Device: iPhone 14 Pro
//
// Each field the triage needs becomes a property: the application, its version,
// the platform and OS, the device, the issue and session, the date and the URL.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The `# Key: value` lines under `# Crashlytics - …`, as properties.
struct CrashlyticsExportHeaderCollector {
  /// Whether the header is being read.
  private(set) var isCollecting = false
  private var fields = 0
  /// The most fields read from one header.
  static let maximumFields = 32

  /// Whether `line` opens a header: `# Crashlytics - …`.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    line.tokens.count >= 3 && line.tokenEquals(0, "#") && line.tokenEquals(1, "Crashlytics") && line.tokenEquals(2, "-")
  }

  /// The fields kept, by the header's name, and the property each becomes.
  private static let keys: [String: String] = [
    "Application": "Application", "Bundle Identifier": "Application", "Version": "Application version",
    "Platform": "Platform", "OS Version": "OS version", "Device": "Device", "Issue": "Crashlytics issue",
    "Issue ID": "Crashlytics issue", "Session": "Crashlytics session", "Session ID": "Crashlytics session",
    "Date": "Crash date", "URL": "Crash report",
  ]

  /// Takes a line; false for one it does not read (which ends the header).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void) -> Bool {
    if Self.mayOpen(line) {
      isCollecting = true
      fields = 0
      return true
    }
    guard isCollecting else { return false }
    guard line.tokens.count >= 2, line.tokenEquals(0, "#") else {
      isCollecting = false
      return false
    }
    let text = Substring(line.text(fromToken: 1))
    if let colon = text.firstRange(of: ": "), fields < Self.maximumFields, let key = Self.keys[String(text[..<colon.lowerBound])] {
      let value = text[colon.upperBound...].trimmingBlanks()
      if !value.isEmpty {
        fields += 1
        emit(.systemProperty(SystemProperty(key: key, value: TextLimits.singleLine(TextLimits.capped(String(value), maximumBytes: 1024)))))
      }
    }
    return true
  }
}
