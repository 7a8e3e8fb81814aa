//===--- LinuxReleaseText.swift - Two of Breakpad's Linux text streams --------===//
//
// Breakpad's Linux writer copies /etc/lsb-release (MD_LINUX_LSB_RELEASE:
// `DISTRIB_DESCRIPTION="Ubuntu 16.04.3 LTS"` among `KEY=VALUE` lines; a system
// without it, os-release's `PRETTY_NAME=` in the same shape) and
// /proc/PID/cmdline (MD_LINUX_CMD_LINE: each argument ended by a NUL). Both
// are read as text, each value on one line and capped.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Reads the distribution and the arguments of a Linux dump's text streams.
enum LinuxReleaseText {
  /// The most arguments kept.
  static let maximumArguments = 256

  /// `DISTRIB_DESCRIPTION`, else `PRETTY_NAME`, unquoted; nil without either.
  static func distribution(_ text: String) -> String? {
    var found: [Substring: Substring] = [:]
    for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
      guard let equals = line.firstIndex(of: "=") else { continue }
      let key = line[..<equals]
      guard key == "DISTRIB_DESCRIPTION" || key == "PRETTY_NAME" else { continue }
      var value = line[line.index(after: equals)...]
      if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
        value = value.dropFirst().dropLast()
      }
      if !value.isEmpty { found[key] = value }
    }
    guard let value = found["DISTRIB_DESCRIPTION"] ?? found["PRETTY_NAME"] else { return nil }
    return TextLimits.singleLine(TextLimits.capped(String(value), maximumBytes: 256), replacement: " ")
  }

  /// The NUL-ended arguments; nil when there are none.
  static func arguments(_ bytes: UnsafeRawBufferPointer) -> [String]? {
    var arguments: [String] = []
    for part in bytes.split(separator: 0, omittingEmptySubsequences: false).prefix(maximumArguments) {
      arguments.append(TextLimits.singleLine(TextLimits.capped(String(decoding: part, as: UTF8.self), maximumBytes: 4096), replacement: " "))
    }
    // The last argument's NUL leaves an empty part after it.
    while arguments.last?.isEmpty == true { arguments.removeLast() }
    return arguments.isEmpty ? nil : arguments
  }
}
