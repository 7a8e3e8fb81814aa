//===--- UnsupportedShape.swift - Stacks pasted without the line that opens them ---===//
//
// People paste what they have. Java, .NET and JavaScript frames copied without
// the exception's line before them cannot be read (that line opens the stack
// and names the error), and "no stack found" would be a riddle: the decoder
// notes the first such line, and when nothing decodes the report says what
// the text looks like and which line to paste with it.
//
//===----------------------------------------------------------------------===//

/// Recognises the first line of stacks pasted without the line that opens them.
enum UnsupportedShape {
  /// What a line looked like and what the decoder needs to read it.
  struct Finding: Equatable {
    /// `a Java stack trace`.
    var shape: String
    /// The line the paste left out.
    var missing: String
  }

  /// The note for a text that held no stack but `finding`'s shape at `line`.
  static func note(_ finding: Finding, line: Int) -> String {
    "unsupported input: line \(line) looks like \(finding.shape) without \(finding.missing) before it; analyse reads one from that line on"
  }

  /// What the line looks like, or nil when it is none of the known shapes.
  static func recognise(_ line: TextLine) -> Finding? {
    // Java: `at com.example.Foo.bar(Foo.java:42)`; .NET: `at Ns.Class.Method() in C:\src\x.cs:line 12`;
    // JavaScript: `at Ledger.balance (/srv/ledger/ledger.js:12:26)`.
    guard line.tokens.count >= 2, line.tokenEquals(0, "at"), line.contains(byte: ASCII.openParen) else { return nil }
    if line.contains(":line ") || line.contains(") in ") {
      return Finding(shape: "a .NET stack trace", missing: "its `Unhandled exception.` or `Exception Info:` line")
    }
    if line.contains(".java:") || line.contains("(Native Method)") || line.contains("(Unknown Source)") {
      return Finding(shape: "a Java stack trace", missing: "the exception's line (`Exception in thread …` or its class)")
    }
    if line.contains(".js:") || line.contains(".mjs:") || line.contains("(node:") || line.contains("(<anonymous>)") {
      return Finding(shape: "a JavaScript stack trace", missing: "the error's line (`TypeError: …`)")
    }
    return nil
  }
}
