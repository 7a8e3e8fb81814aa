//===--- AnalyseExitStatus.swift - What `analyse` exits with ----------------===//

import CrashCore

/// The exit statuses of `analyse`, documented in the README and in `--help`.
enum AnalyseExitStatus: Int32 {
  /// A stack was decoded and the input was whole.
  case success = 0
  /// The input was read, is whole, and holds no stack.
  case noStackFound = 2
  /// The input could not be read, or is not a crash input at all.
  case unreadableInput = 3
  /// The input is damaged (error diagnostics: a cut or corrupt dump), whether or not a stack
  /// was decoded from what is left.
  case damagedInput = 4
  /// A batch finished, but some of its inputs could not be analysed.
  case batchHadFailures = 5
  /// The output could not be written (a full disk, an I/O error): what was asked for is not there.
  case outputFailed = 6
  /// A rule file named by --plugins (or a shipped one) is missing, has mistakes or reuses an
  /// id: the report was made without it. An input's own status (2–5) comes first.
  case pluginErrors = 7

  init(for report: CrashReport) {
    // Damage first: a dump cut before its thread list has no stack *because* it is damaged.
    if report.worstSeverity == .error {
      self = .damagedInput
    } else if !report.hasStack {
      self = .noStackFound
    } else {
      self = .success
    }
  }
}

/// The version printed by `--version`.
enum AnalyseVersion {
  static let current = "0.1.0"
}

/// Default limits, surfaced for the option help.
