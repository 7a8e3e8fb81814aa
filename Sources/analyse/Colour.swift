//===--- Colour.swift - A report's key lines in colour, on a terminal --------===//
//
// `--color auto` (the default) colours when standard output is a terminal, TERM
// is not `dumb` and NO_COLOR is not set (https://no-color.org); `always` and
// `never` force it. Only whole lines the reader scans for are coloured: the
// verdict by its confidence, evidence for (green) and against (red), the
// signature, failures and error diagnostics. JSON is never coloured.
//
//===----------------------------------------------------------------------===//

import ArgumentParser

#if canImport(Glibc)
  import Glibc
#endif

/// When to colour.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
  case auto, always, never

  // Spelled out: ArgumentParser's defaults describe each case with `String(describing:)`,
  // whose dynamic casts scan every protocol conformance in the binary (0.5 M of every
  // run's start, measured with callgrind).
  /// The word for this choice in help and completions.
  var defaultValueDescription: String { rawValue }
  /// Every word `--color` accepts.
  static var allValueStrings: [String] { allCases.map(\.rawValue) }
  /// No word has a description apart from itself (what ArgumentParser's default concludes).
  static var allValueDescriptions: [String: String] { [:] }

  /// Whether to colour standard output now.
  var isOn: Bool {
    switch self {
    case .always: return true
    case .never: return false
    case .auto:
      if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
      if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
      return isatty(1) == 1
    }
  }
}

enum Colour {
  static let reset = "\u{1B}[0m"
  static let bold = "\u{1B}[1m"
  static let red = "\u{1B}[31m"
  static let green = "\u{1B}[32m"
  static let yellow = "\u{1B}[33m"
  static let cyan = "\u{1B}[36m"

  /// `text` with its key lines coloured.
  static func apply(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count + 256)
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      out += colour(line) + "\n"
    }
    out.removeLast()
    return out
  }

  private static func colour(_ line: Substring) -> String {
    if line.hasPrefix("Known issue:") {
      let tone =
        line.hasSuffix("confirmed") ? red : line.hasSuffix("likely") ? yellow : line.hasSuffix("ruled-out") ? green : cyan
      return bold + tone + line + reset
    }
    if line.hasPrefix("Signature:") { return bold + line + reset }
    if line.hasPrefix("  + ") { return green + line + reset }
    if line.hasPrefix("  - ") { return red + line + reset }
    if line.hasPrefix("  error: ") || line.contains(": FAILED: ") { return red + line + reset }
    if line.hasPrefix("  warning: ") { return yellow + line + reset }
    return String(line)
  }
}
