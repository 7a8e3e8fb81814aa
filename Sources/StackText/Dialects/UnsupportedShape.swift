//===--- UnsupportedShape.swift - Stacks of other tools, recognised and named ---===//
//
// People paste what they have. When it is a stack this library does not read
// (Java or .NET frames without the exception's line before them,
// a Dr. Memory report), "no stack found" would be a riddle: the
// decoder notes the first such line, and when nothing decodes the report says
// what the text looks like and what is read instead.
//
//===----------------------------------------------------------------------===//

/// Recognises the first line of stack shapes the decoder does not read.
enum UnsupportedShape {
  /// What a line looked like and what would be read instead.
  struct Finding: Equatable {
    /// `a Java stack trace`.
    var shape: String
    /// What the decoder needs to read it (a line the paste left out), or nil when the shape is
    /// not read at all.
    var missing: String? = nil
  }

  /// The note for a text that held no stack but `finding`'s shape at `line`.
  static func note(_ finding: Finding, line: Int) -> String {
    if let missing = finding.missing {
      return "unsupported input: line \(line) looks like \(finding.shape) without \(missing) before it; analyse reads one from that line on"
    }
    return "unsupported input: line \(line) looks like \(finding.shape), which analyse does not read; it reads "
      + "Windows debugger listings (kd, WinDbg, cdb, !analyze), Dr. Watson logs, Windows Error Reporting events, Visual Studio "
      + "call stacks, gdb and lldb backtraces, sanitizer reports, Go panics, Linux kernel oopses, Swift runtime backtraces, "
      + "macOS and iOS crash reports, Crashlytics issues, Android tombstones, Java, .NET and Python exceptions, the Java VM's "
      + "fatal error logs, Python's faulthandler, minidump_stackwalk text and minidumps"
  }

  /// What the line looks like, or nil when it is none of the known foreign shapes.
  static func recognise(_ line: TextLine) -> Finding? {
    guard let first = line.tokens.first else { return nil }
    switch line.bytes[first.lowerBound] {
    case ASCII.hash:
      guard line.tokens.count >= 2, line.token(0).count >= 2, line.token(0).dropFirst().allSatisfy(ASCII.isDigit) else { return nil }
      // Dr. Memory: `#1 GDI32.dll!SelectObject`, `#0 ntdll.dll!RtlpAllocateHeap+0xec1b (0x770024f8 <ntdll.dll+0x424f8>)`.
      if line.token(1).contains(ASCII.bang) { return Finding(shape: "a Dr. Memory callstack") }
    case 0x45:  // E
      if line.starts(with: "Error #"), line.contains(": UNADDRESSABLE ACCESS") || line.contains(": UNINITIALIZED READ")
        || line.contains(": INVALID HEAP ARGUMENT")
      {
        return Finding(shape: "a Dr. Memory report")
      }
    case 0x61:  // a
      // Java: `at com.example.Foo.bar(Foo.java:42)`; .NET: `at Ns.Class.Method() in C:\src\x.cs:line 12`.
      guard line.tokens.count >= 2, line.tokenEquals(0, "at"), line.token(1).contains(ASCII.openParen) else { return nil }
      if line.contains(":line ") || line.contains(") in ") {
        return Finding(shape: "a .NET stack trace", missing: "its `Unhandled exception.` or `Exception Info:` line")
      }
      if line.contains(".java:") || line.contains("(Native Method)") || line.contains("(Unknown Source)") {
        return Finding(shape: "a Java stack trace", missing: "the exception's line (`Exception in thread …` or its class)")
      }
    default:
      return nil
    }
    return nil
  }
}
