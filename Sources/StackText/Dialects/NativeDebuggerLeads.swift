//===--- NativeDebuggerLeads.swift - Which lines may open a native tool's text ---===//
//
// The dialects of today's Linux and Apple tools (gdb, lldb, the sanitizers,
// glibc's backtrace_symbols, the Swift runtime, Apple's crash reports) each open
// on a line whose first byte is one of a few (`#0 …`, `==9345==ERROR`, `*** Signal`,
// `Thread 1 crashed:`, `Process:`, `frame #0:`, `[Switching to …]`, `WARNING:`) or
// whose last byte is `]` (`./app(main+0x1d)[0x400b1d]`). The decoder asks this
// one question of a line before asking any of them: most lines of a Windows
// listing answer no in a few instructions.
//
//===----------------------------------------------------------------------===//

/// The first and last bytes of lines that may open a native tool's text.
enum NativeDebuggerLeads {
  /// Lead bytes below 64: `#` (0x23), `*` (0x2A), `=` (0x3D).
  private static let lowMask: UInt64 = 1 << 0x23 | 1 << 0x2A | 1 << 0x3D
  /// Lead bytes 64–127, less 64: `[` (27) and C, E, F, I, P, T, W in either case (a constant: a
  /// computed one would be initialised lazily, and checked on every line).
  private static let highMask: UInt64 =
    1 << 27 | 1 << 3 | 1 << 35 | 1 << 5 | 1 << 37 | 1 << 6 | 1 << 38 | 1 << 9 | 1 << 41 | 1 << 16 | 1 << 48
    | 1 << 20 | 1 << 52 | 1 << 23 | 1 << 55

  /// Whether `line` may open one of the native tools' texts.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, let last = line.tokens.last else { return false }
    if line.bytes[last.upperBound - 1] == UInt8(ascii: "]") { return true }
    let lead = line.bytes[first.lowerBound]
    if lead < 64 { return lowMask >> UInt64(lead) & 1 != 0 }
    if lead < 128 { return highMask >> UInt64(lead - 64) & 1 != 0 }
    return false
  }
}
