//===--- NativeDebuggerLeads.swift - Which lines may open a native tool's text ---===//
//
// The dialects of today's Linux and Apple tools (gdb, lldb, the sanitizers,
// glibc's backtrace_symbols, the Swift runtime, Apple's crash reports, Go) each open
// on a line whose first word is one of a few (`#0 …`, `==9345==ERROR`, `*** Signal`,
// `Thread 1 crashed:`, `Process:`, `Program received`, `Exception Type:`, `frame #0:`,
// `[Switching to …]`, `WARNING:`, `panic:`, `goroutine`, `Mapped address spaces:`,
// Crashlytics' `Crashed:`, the Java VM's `# A fatal error …`, `Native frames:`, Python's
// `Fatal Python error:`, systemd-coredump's `Signal:`, `Module …` and `Stack trace of thread`) or
// whose last word holds `[0x` (`./app(main+0x1d)[0x400b1d]`); a kernel's messages open
// on `BUG:`, `Call Trace:` and the like after their log prefix (KernelOopsCollector's
// own first-byte mask). The decoder asks this one question of a line
// before asking any of them: the lines of a Windows listing or a Dr. Watson log
// answer no in a few instructions, and the collectors' code is not touched.
//
//===----------------------------------------------------------------------===//

/// The first and last words of lines that may open a native tool's text.
enum NativeDebuggerLeads {
  /// Whether `line` may open one of the native tools' texts: its first word is one they open
  /// with, or its last word holds `[0x` (a byte and a word or two looked at).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    opensDebuggerText(line) || KernelOopsCollector.mayOpen(line)
  }

  @inline(__always)
  private static func opensDebuggerText(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, let last = line.tokens.last else { return false }
    if line.bytes[last.upperBound - 1] == UInt8(ascii: "]"), Bytes.contains(line.bytes[last], "[0x") { return true }
    switch line.bytes[first.lowerBound] {
    case ASCII.hash:
      return GDBBacktrace.mayBeRow(line) || HotSpotErrorLogCollector.mayOpen(line)
        || CrashlyticsReportCollector.crashedHeader(line) != nil
    case ASCII.star: return first.count == 1 || first.count == 3
    case UInt8(ascii: "="): return first.count >= 4 && line.bytes[first.lowerBound + 1] == UInt8(ascii: "=")
    case ASCII.openBracket: return line.tokenEquals(0, "[Switching") || line.tokenEquals(0, "[Current") || line.tokenEquals(0, "[signal")
    case UInt8(ascii: "T"), UInt8(ascii: "t"): return line.tokens.count >= 2 && line.tokenEquals(0, "Thread")
    case UInt8(ascii: "P"):
      return line.tokens.count >= 2 && (line.tokenEquals(0, "Process:") || line.tokenEquals(0, "Program") || line.tokenEquals(0, "Process"))
        || GoPanicCollector.mayOpen(line) || CrashlyticsReportCollector.mayOpen(line)
    case UInt8(ascii: "E"): return line.tokens.count >= 3 && line.tokenEquals(0, "Exception") && line.tokenEquals(1, "Type:")
    case UInt8(ascii: "I"): return line.tokens.count >= 3 && line.tokenEquals(0, "Incident")
    case UInt8(ascii: "C"):
      return (line.tokens.count >= 4 && line.tokenEquals(0, "Current")) || SwiftFatalErrorTraceCollector.isHeader(line)
        || CrashlyticsReportCollector.mayOpen(line)
    case UInt8(ascii: "W"): return line.tokenEquals(0, "WARNING:") || PythonFaultHandlerCollector.mayOpen(line)
    case UInt8(ascii: "F"):
      return CrashlyticsReportCollector.isFatalException(line) || PythonFaultHandlerCollector.mayOpen(line)
        || SystemdCoredumpCollector.mayOpen(line)
    case UInt8(ascii: "f"): return line.tokenEquals(0, "frame") || GoPanicCollector.mayOpen(line)
    case UInt8(ascii: "p"), UInt8(ascii: "g"), UInt8(ascii: "r"): return GoPanicCollector.mayOpen(line)
    case UInt8(ascii: "S"):
      return GoPanicCollector.mayOpen(line) || GDBBacktrace.isMappingsColumns(line) || SystemdCoredumpCollector.mayOpen(line)
    case UInt8(ascii: "M"): return GDBBacktrace.isMappingsHeading(line) || SystemdCoredumpCollector.mayOpen(line)
    case UInt8(ascii: "N"): return HotSpotErrorLogCollector.mayOpen(line)
    default: return false
    }
  }
}
