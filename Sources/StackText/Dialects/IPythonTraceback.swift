//===--- IPythonTraceback.swift - A traceback as IPython and Jupyter print it --===//
//
// IPython (the shell, and Jupyter's Python kernel) prints an exception nobody
// caught in its own layout (IPython/core/ultratb.py), not the traceback module's:
//
//   ---------------------------------------------------------------------------
//   ZeroDivisionError                         Traceback (most recent call last)
//   Cell In[3], line 5                                      IPython 8.4 and later
//         2     return a / b
//         4 x = 0
//   ----> 5 divide(1, x)
//
//   Cell In[3], line 2, in divide(a, b)
//   File ~/ledger/store.py:42, in Ledger.close(self)
//   Input In [3], in <cell line: 1>()                       IPython 8.0 to 8.3
//   <ipython-input-3-9e1622b385b6> in <module>              IPython 7 and earlier
//   ~/ledger/store.py in close(self)
//
//   ZeroDivisionError: division by zero
//
// Frames oldest first, each a line at the left margin naming the cell or file
// (with the line, from 8.4 on) and the function with its arguments (none for
// the cell's own code), then a few numbered source lines, the one running
// marked with an arrow (`---->`, `--->`, `->`: the arrow and the number fill
// the same width), which gives the line where the frame line does not. The
// exception's line, chained exceptions' sentences and groups are the traceback
// module's; PythonTracebackCollector reads the whole, this file its lines.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The lines of IPython's tracebacks.
enum IPythonTracebackLine {
  /// `ZeroDivisionError      Traceback (most recent call last)`: the exception's name, then the
  /// header without its colon.
  static func isHeader(_ line: TextLine) -> Bool {
    let count = line.tokens.count
    return count == 6 && line.tokenEquals(5, "last)") && line.tokenEquals(4, "call") && line.tokenEquals(3, "recent")
      && line.tokenEquals(2, "(most") && line.tokenEquals(1, "Traceback")
  }

  /// The exception IPython's header names (`ZeroDivisionError`).
  static func headerException(_ line: TextLine) -> String { line.string(0) }

  /// A frame line at the left margin: `Cell In[3], line 2, in divide(a, b)`, `File ~/x.py:42, in f(a)`,
  /// `Input In [3], in <cell line: 1>()`, `<ipython-input-3-…> in <module>`, `~/x.py in f(a)`.
  static func frame(_ line: TextLine) -> StackFrame? {
    guard line.contentStart == 0, line.tokens.count >= 2 else { return nil }
    let text = line.text(fromToken: 0)
    var place: Substring
    var number: Int?
    var function: Substring?
    if line.tokenEquals(0, "Cell") || line.tokenEquals(0, "Input") {
      // `Cell In[3], line 2, in f(a)`, `Input In [3], in f(a)`.
      guard let comma = text.firstIndex(of: ",") else {
        // `Cell In[3]` alone never ends a frame line.
        return nil
      }
      place = text[..<comma]
      guard place.contains("In"), place.hasSuffix("]") else { return nil }
      var rest = text[comma...].dropFirst()
      if rest.hasPrefix(" line ") {
        let digits = rest.dropFirst(6).prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        number = Int(digits)
        rest = rest.dropFirst(6 + digits.count)
        if rest.hasPrefix(",") { rest = rest.dropFirst() }
      }
      if rest.hasPrefix(" in ") {
        function = rest.dropFirst(4)
      } else if !rest.isEmpty {
        return nil
      }
    } else if line.tokenEquals(0, "File") {
      // `File ~/x.py:42, in f(a)`, `File /usr/lib/python3.11/x.py:12` (a module's own code).
      var rest = text.dropFirst(5)
      if let separator = rest.firstRange(of: ", in ") {
        function = rest[separator.upperBound...]
        rest = rest[..<separator.lowerBound]
      }
      guard let colon = rest.lastIndex(of: ":") else { return nil }
      let digits = rest[rest.index(after: colon)...]
      guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
      number = Int(digits)
      place = rest[..<colon]
    } else {
      // `<ipython-input-3-…> in <module>`, `~/x.py in f(a)`, `/usr/lib/python3.8/inspect.py in f(a)`.
      guard let separator = text.firstRange(of: " in ") else { return nil }
      place = text[..<separator.lowerBound]
      guard place.hasSuffix(".py") || place.hasSuffix(".pyc") || (place.hasPrefix("<ipython-input-") && place.hasSuffix(">"))
      else { return nil }
      function = text[separator.upperBound...]
    }
    guard !place.isEmpty, let name = functionName(function) else { return nil }
    return StackFrame(
      index: 0, symbol: FrameSymbol(module: nil, function: name, printedText: text),
      sourceLine: SourceLine(file: TextLimits.capped(String(place), maximumBytes: 1024), line: number ?? 0),
      trust: .text, lines: LineRange(line: line.number))
  }

  /// The function without its argument list: `divide(a, b)` → `divide`; a cell's own code
  /// (no function, 8.0's `<cell line: 1>()`) → `<module>`, as the traceback module names it.
  private static func functionName(_ printed: Substring?) -> String? {
    guard let printed else { return "<module>" }
    if printed.hasPrefix("<cell line:") { return "<module>" }
    if printed.hasPrefix("<") { return printed.contains(" ") && !printed.hasSuffix(">") ? nil : TextLimits.capped(String(printed), maximumBytes: 256) }
    let name = printed.prefix { $0 != "(" }
    guard !name.isEmpty, !name.contains(" ") else { return nil }
    return TextLimits.capped(String(name), maximumBytes: 256)
  }

  /// A source line under a frame: `      2     return a / b` (indented, its number first), or the
  /// running one, `----> 5 divide(1, x)`, whose number is returned.
  static func arrowLineNumber(_ line: TextLine) -> Int? {
    guard line.contentStart == 0, line.tokens.count >= 2 else { return nil }
    let arrow = line.token(0)
    guard arrow.count >= 2, arrow.last == UInt8(ascii: ">"), arrow.dropLast().allSatisfy({ $0 == ASCII.minus }) else { return nil }
    let digits = line.token(1)
    guard digits.count <= 9, digits.allSatisfy(ASCII.isDigit) else { return nil }
    return Int(line.string(1))
  }

  /// A numbered source line under a frame (indented), or IPython's notes between frames
  /// (`[... skipping hidden 1 frame]`, `[... skipping similar frames: f at line 3 (2975 times)]`).
  static func isContext(_ line: TextLine) -> Bool {
    if line.contentStart > 0, line.token(0).allSatisfy(ASCII.isDigit) { return true }
    return line.tokenEquals(0, "[...") && line.tokenEquals(1, "skipping")
  }

  /// The rule IPython prints before each header: a line of dashes only.
  static func isRule(_ line: TextLine) -> Bool {
    line.tokens.count == 1 && line.token(0).count >= 20 && line.token(0).allSatisfy { $0 == ASCII.minus }
  }
}
