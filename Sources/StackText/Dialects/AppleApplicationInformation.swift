//===--- AppleApplicationInformation.swift - What an Apple process said as it died ---===//
//
// Apple's crash reports keep the messages a process left for the reporter: the
// text report's `Application Specific Information:` lines, the `.ips` file's
// `asi` object (its lines by the image that left them) and, since iOS 15, the
// `.ips` file's `exceptionReason`. An uncaught Objective-C exception leaves
//
//   *** Terminating app due to uncaught exception 'NSRangeException', reason: '*** -[__NSArrayI objectAtIndex:]: index 5 beyond bounds [0 .. 2]'
//   terminating with uncaught exception of type NSException
//   abort() called
//
// and a C++ one libc++abi's `terminating with uncaught exception of type
// std::runtime_error: message` (or `terminating due to uncaught exception…` in
// later releases). The exception's name and reason are what triage reads first;
// its stack is the report's `Last Exception Backtrace` (AppleCrashReport).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The language exception an Apple crash report's application-specific lines name.
public enum AppleApplicationInformation {
  /// The property key of an uncaught Objective-C exception (`NSRangeException: *** -[…]`).
  public static let objectiveCExceptionKey = "Objective-C exception"
  /// The property key of an uncaught C++ exception (`std::runtime_error: message`).
  public static let cxxExceptionKey = "C++ exception"
  /// The property key of each application-specific line.
  public static let lineKey = "Application Specific Information"

  /// The uncaught exception `lines` name, as (property key, `NAME: reason`): Objective-C's
  /// `*** Terminating app due to uncaught exception 'NAME', reason: 'REASON'` (read across the
  /// lines, which a paste or the reporter may have broken), else libc++abi's line for a C++
  /// exception other than `NSException`.
  public static func exception(in lines: [String]) -> (key: String, value: String)? {
    let text = lines.joined(separator: " ")
    if let objectiveC = objectiveCException(text) { return (objectiveCExceptionKey, objectiveC) }
    for line in lines {
      if let cxx = cxxException(line) { return (cxxExceptionKey, cxx) }
    }
    return nil
  }

  /// `NAME: REASON` from `… uncaught exception 'NAME', reason: 'REASON'`.
  static func objectiveCException(_ text: String) -> String? {
    guard let opening = text.firstRange(of: "uncaught exception '") else { return nil }
    let rest = text[opening.upperBound...]
    guard let nameEnd = rest.firstIndex(of: "'") else { return nil }
    let name = rest[..<nameEnd]
    guard !name.isEmpty, name.count <= 256 else { return nil }
    var reason = ""
    if let reasonStart = rest[nameEnd...].firstRange(of: "reason: '") {
      // The reason runs to its closing quote: the last one before libc++abi's line, if any.
      var body = rest[reasonStart.upperBound...]
      if let next = body.firstRange(of: "' terminating ") { body = body[..<next.lowerBound] }
      else if let close = body.lastIndex(of: "'") { body = body[..<close] }
      reason = String(body.trimmingBlanks())
    }
    let value = reason.isEmpty ? String(name) : "\(name): \(reason)"
    return TextLimits.singleLine(TextLimits.capped(value), replacement: " ")
  }

  /// `std::runtime_error: message` from libc++abi's `terminating with uncaught exception of type
  /// std::runtime_error: message` (`terminating due to …` since LLVM 15); nil for `NSException`,
  /// whose name and reason the Objective-C line gives.
  static func cxxException(_ line: String) -> String? {
    for opening in ["terminating with uncaught exception of type ", "terminating due to uncaught exception of type "] {
      guard let range = line.firstRange(of: opening) else { continue }
      let value = String(line[range.upperBound...].trimmingBlanks())
      guard !value.isEmpty, value != "NSException", !value.hasPrefix("NSException ") else { return nil }
      return TextLimits.singleLine(TextLimits.capped(value), replacement: " ")
    }
    return nil
  }
}
