//===--- RuntimeReportLeads.swift - Which lines may open a runtime's report ---===//
//
// Android's ANR dumps open on `"main" prio=5 tid=1 …` or `----- pid …`, Dr.
// Memory's reports on `Error #1:` (or `~~Dr.M~~`), Rust's panics on `thread '…'
// panicked`, `stack backtrace:` or a row of a full backtrace (and anyhow's `Error:`
// line is watched for the backtrace that may follow), pytest's failures on `____ test_x
// ____`, and Python's tracebacks on a line ending
// `Traceback (most recent call last):` (IPython's: `last)`). The decoder asks this one question of
// every line before asking any of their readers: a line of a Windows listing
// answers no after its first and last bytes.
//
//===----------------------------------------------------------------------===//

/// The first and last bytes of lines that may open a runtime's or a checker's report.
enum RuntimeReportLeads {
  /// Whether the line's first and last bytes are ones such a line has: the question every line
  /// is asked, a few instructions, before `mayOpen`.
  @inline(__always)
  static func mayLead(_ line: TextLine) -> Bool {
    let tokens = line.tokens
    guard tokens.count >= 2 else { return false }
    let bytes = line.bytes
    let end = bytes[bytes.count - 1]
    if end == ASCII.colon || end == UInt8(ascii: ")") { return true }
    let lead = bytes[tokens[0].lowerBound]
    return lead == UInt8(ascii: "\"") || lead == ASCII.minus || lead == UInt8(ascii: "_") || lead == UInt8(ascii: "E") || lead == UInt8(ascii: "~")
      || lead == UInt8(ascii: "t") || lead | 0x20 == UInt8(ascii: "s") || (lead == UInt8(ascii: "[") && tokens.count >= 5)
      || (bytes[tokens[0].upperBound - 1] == ASCII.colon && ASCII.isDigit(lead))
  }

  /// Whether `line` may open an ANR dump, a Dr. Memory report, a pytest failure, a Rust panic
  /// or a Python traceback.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "\""), ASCII.minus: if AndroidANRTraceCollector.mayOpen(line) { return true }
    case UInt8(ascii: "E"), UInt8(ascii: "~"):
      if DrMemoryReportCollector.mayOpen(line) || RustPanicCollector.isErrorLine(line) { return true }
    case UInt8(ascii: "_"): if PytestFailureCollector.mayOpen(line) { return true }
    case UInt8(ascii: "t"), UInt8(ascii: "s"), UInt8(ascii: "S"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "["):
      if RustPanicCollector.mayOpen(line) { return true }
    default: break
    }
    let end = line.bytes[line.bytes.count - 1]
    return (end == ASCII.colon || end == UInt8(ascii: ")")) && PythonTracebackCollector.mayOpen(line)
  }
}
