//===--- ToolSummaryLeads.swift - Which lines may open a tool's summary --------===//
//
// SOS's managed stacks open on `OS Thread Id:`, their columns (`Child SP IP Call
// Site`, `ESP EIP`), `!pe`'s `Exception type:` or `!pe -nested`'s `Nested exception ---`; Socorro's crashing thread on
// `Crash report:`, `Top 10 frames of crashing thread:` or crash-stats' `Frame
// Module Signature Source`; Node's native stack on `FATAL ERROR:`, V8's `# …`
// lines, `node[1234]:` or its first row ` 1: 0x…`; Chromium's fatal signal on
// `Received signal`, the registers it prints on `r8:` or `gs:`; Crashlytics' export on `# Crashlytics -`; a Unity log's crash handler on `========== OUTPUTTING STACK
// TRACE`, its module list on a path (`C:\Games\…:UnityPlayer.dll (…)`) and its
// `… caused an Access Violation (0xc0000005)`. The decoder asks this one question of every line before
// asking their readers: most lines of a listing answer no after their first byte.
//
//===----------------------------------------------------------------------===//

/// The first bytes of lines that may open a debugger extension's or a crash service's summary.
enum ToolSummaryLeads {
  /// Whether the line's first byte is one such a line starts with (a digit only before a colon
  /// that ends the first word, as Node's row number has): a few instructions.
  @inline(__always)
  static func mayLead(_ line: TextLine) -> Bool {
    let tokens = line.tokens
    guard tokens.count >= 2 else { return false }
    let bytes = line.bytes
    switch bytes[tokens[0].lowerBound] {
    case UInt8(ascii: "O"), UInt8(ascii: "C"), UInt8(ascii: "E"), UInt8(ascii: "T"), UInt8(ascii: "F"), UInt8(ascii: "R"),
      UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "#"):
      return true
    case UInt8(ascii: "1"): return bytes[tokens[0].upperBound - 1] == ASCII.colon
    // The registers Chromium's fatal signal handler prints after its stack (`r8:`, 32-bit `gs:`).
    case UInt8(ascii: "r"), UInt8(ascii: "g"): return ChromiumSignalRegistersCollector.mayOpen(line)
    // A Unity log's crash handler: its markers, its module list (`D:\Games\…:UnityPlayer.dll (…),
    // size: …`) and its `X caused an Access Violation (0xc0000005)`.
    default: return UnityCrashLogCollector.mayOpen(line)
    }
  }
}
