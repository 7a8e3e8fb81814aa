//===--- ChromiumFatalSignal.swift - Chromium's line for a fatal signal ----------===//
//
// Chromium's fatal signal handler (base/debug/stack_trace_posix.cc), in Chrome,
// Electron and every embedder on Linux and macOS, prints the signal before the
// stack it dumps (`#0 0x55a8c1b2d3e9 base::debug::CollectStackTrace()`, read as
// a sanitizer-style stack):
//
//   Received signal 11 SEGV_MAPERR 000000000010
//   Received signal 6
//
// the signal's number, its code's name (`<unknown>` when none) and the fault
// address in hex without a prefix.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Chromium's `Received signal N CODE ADDRESS` line.
enum ChromiumFatalSignal {
  /// Whether the line may be one (its first byte looked at).
  @inline(__always)
  static func mayBe(_ line: TextLine) -> Bool {
    line.tokens.count >= 3 && line.bytes[line.tokens[0].lowerBound] == UInt8(ascii: "R") && line.contentStart == 0
  }

  /// The exception the line reports, or nil.
  static func exception(_ line: TextLine) -> CrashException? {
    guard line.tokens.count <= 5, line.tokenEquals(0, "Received"), line.tokenEquals(1, "signal"),
      let number = UInt32(line.string(2)), number > 0, number < 65, let name = LinuxSignal.names[number]
    else { return nil }
    var description = name
    if line.tokens.count >= 4 {
      let code = line.string(3)
      guard code == "<unknown>" || code.allSatisfy({ $0.isUppercase || $0 == "_" }) else { return nil }
      if code != "<unknown>" { description += " / " + code }
    }
    var address: Address?
    if line.tokens.count == 5 {
      let digits = line.token(4)
      guard digits.count <= 16, let value = HexNumber.digits(digits) else { return nil }
      address = Address(value)
    }
    return CrashException(
      code: ExceptionCode(rawValue: number), description: description, address: address, lines: LineRange(line: line.number))
  }
}
