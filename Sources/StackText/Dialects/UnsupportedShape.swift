//===--- UnsupportedShape.swift - Stacks of other tools, recognised and named ---===//
//
// People paste what they have. When it is a stack this library does not read
// (a Python traceback, Java or .NET frames without the exception's line before them,
// a Dr. Memory report), "no stack found" would be a riddle: the
// decoder notes the first such line, and when nothing decodes the report says
// what the text looks like and what is read instead.
//
//===----------------------------------------------------------------------===//

/// Recognises the first line of stack shapes the decoder does not read.
enum UnsupportedShape {
  /// What the line looks like, or nil when it is none of the known foreign shapes.
  static func recognise(_ line: TextLine) -> String? {
    guard let first = line.tokens.first else { return nil }
    switch line.bytes[first.lowerBound] {
    case ASCII.hash:
      guard line.tokens.count >= 2, line.token(0).count >= 2, line.token(0).dropFirst().allSatisfy(ASCII.isDigit) else { return nil }
      // Dr. Memory: `#1 GDI32.dll!SelectObject`, `#0 ntdll.dll!RtlpAllocateHeap+0xec1b (0x770024f8 <ntdll.dll+0x424f8>)`.
      if line.token(1).contains(ASCII.bang) { return "a Dr. Memory callstack" }
    case 0x54:  // T
      if line.starts(with: "Traceback (most recent call last)") { return "a Python traceback" }
    case 0x45:  // E
      if line.starts(with: "Error #"), line.contains(": UNADDRESSABLE ACCESS") || line.contains(": UNINITIALIZED READ")
        || line.contains(": INVALID HEAP ARGUMENT")
      {
        return "a Dr. Memory report"
      }
    case 0x61:  // a
      // Java: `at com.example.Foo.bar(Foo.java:42)`; .NET: `at Ns.Class.Method() in C:\src\x.cs:line 12`.
      guard line.tokens.count >= 2, line.tokenEquals(0, "at"), line.token(1).contains(ASCII.openParen) else { return nil }
      if line.contains(":line ") || line.contains(") in ") { return "a .NET stack trace" }
      if line.contains(".java:") || line.contains("(Native Method)") || line.contains("(Unknown Source)") { return "a Java stack trace" }
    default:
      return nil
    }
    return nil
  }
}
