//===--- JavaScriptStack.swift - A JavaScript error's stack, as V8 prints it ---===//
//
// What Node.js prints for an exception nobody caught, and what browsers'
// consoles, Electron and logs carry, is V8's `Error.prototype.stack`:
//
//   /srv/ledger/ledger.js:12                      (Node: where it was thrown,
//       return account.total.value;                the source line and a caret)
//                            ^
//
//   TypeError: Cannot read properties of undefined (reading 'value')
//       at Ledger.balance (/srv/ledger/ledger.js:12:26)
//       at async Promise.all (index 0)
//       at /srv/ledger/app.js:3:5
//       at node:internal/main/run_main_module:23:47
//     [cause]: Error: disk full
//         at write (/srv/ledger/disk.js:7:9)
//
//   Node.js v18.17.0
//
// (V8's messages.cc and Node's util.inspect for `[cause]`.) Firefox and Safari
// print a row as one word, `balance@https://…/ledger.js:12:26`. A V8 row is `at`, the
// function (`new Ledger`, `Object.<anonymous>`, `async` before an awaited one)
// and its place in parentheses, or the place alone for code at a module's top:
// a URL or path with line and column, `<anonymous>`, `native`, `index 0`. The
// error's line (`TypeError: …`, `Uncaught TypeError: …` in a browser's console)
// opens the stack when such a row follows it. Hermes, React Native's engine,
// prints V8's rows, a place in its bytecode as `(address at index.android.bundle:1:11939)`
// and a built-in's as `(native)`. Each error is a thread, innermost
// frame first; a `[cause]:` is the error the one before it wraps, and the last
// cause, where the chain began, crashed (as Java's root cause). An error is no
// signal: the report keeps it as the `JavaScript exception` property (and the
// crashed one's as `JavaScript root cause` when they differ).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A JavaScript error's stack, gathered line by line.
struct JavaScriptStackCollector {
  private var chain = ErrorChain()
  /// A line that may name an error, held until a row follows it.
  private var pendingError: (text: String, line: Int, isCause: Bool)?

  /// Whether a stack is being read.
  private(set) var isCollecting = false

  /// Whether anything is held (the decoder then offers every line).
  private(set) var holdsAnything = false

  /// Whether `line` may name an error (its first word ends `Error:`, or is `Uncaught`) or be a
  /// V8 row (`at` with a place ending in a line and column): a byte or two looked at.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, first.count >= 2 else { return false }
    let bytes = line.bytes
    if bytes[first.upperBound - 1] == ASCII.colon, first.count >= 6 {
      return bytes[first.upperBound - 2] == UInt8(ascii: "r") && error(line) != nil
    }
    // Node's coded errors: `TypeError [ERR_INVALID_ARG_TYPE]: …`.
    if bytes[first.upperBound - 1] == UInt8(ascii: "r"), line.tokens.count >= 2, bytes[line.tokens[1].lowerBound] == UInt8(ascii: "[") {
      return error(line) != nil
    }
    return first.count == 8 && bytes[first.lowerBound] == UInt8(ascii: "U") && line.tokenEquals(0, "Uncaught")
  }

  /// `TypeError: Cannot read …`, `Error: ENOENT: …`, `Uncaught RangeError: …`, `[cause]: Error: …`,
  /// `TypeError [ERR_INVALID_ARG_TYPE]: …` (Node's coded errors), with whether it is a cause: an
  /// error's name (`…Error`, or `Error`) and its message.
  static func error(_ line: TextLine) -> (text: String, isCause: Bool)? {
    guard line.tokens.count >= 1 else { return nil }
    var start = 0
    var isCause = false
    if line.tokenEquals(0, "[cause]:") {
      start = 1
      isCause = true
    }
    if start < line.tokens.count, line.tokenEquals(start, "Uncaught") { start += 1 }
    guard start < line.tokens.count else { return nil }
    let name = line.string(start)
    let bare = name.hasSuffix(":") ? name.dropLast() : Substring(name)
    guard bare.hasSuffix("Error"), bare.count <= 128, let lead = bare.first, lead.isUppercase,
      bare.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }),
      name.hasSuffix(":") || line.tokens.count == start + 1 || isErrorCode(line, start + 1)
    else { return nil }
    return (TextLimits.singleLine(TextLimits.capped(line.text(fromToken: start), maximumBytes: 512)), isCause)
  }

  /// Whether token `index` is Node's error code after the name, `[ERR_INVALID_ARG_TYPE]:`.
  private static func isErrorCode(_ line: TextLine, _ index: Int) -> Bool {
    guard index < line.tokens.count else { return false }
    let code = line.token(index)
    guard code.count >= 4, code.count <= 96, code.first == UInt8(ascii: "["), Bytes.hasSuffix(code, "]:") else { return false }
    return code.dropFirst().dropLast(2).allSatisfy { (0x41...0x5A).contains($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "_") }
  }

  /// `at Ledger.balance (/srv/ledger/ledger.js:12:26)`, `at async Promise.all (index 0)`,
  /// `at /srv/ledger/app.js:3:5`, `at Array.map (<anonymous>)`: the function and its place.
  static func frame(_ line: TextLine) -> StackFrame? {
    if line.tokens.count == 1 { return geckoFrame(line) }
    guard line.tokens.count >= 2, line.tokenEquals(0, "at") else { return nil }
    var text = Substring(line.text(fromToken: 1))
    if text.hasPrefix("async ") { text = text.dropFirst(6) }
    // Node's inspection of an error with properties opens them after its last row:
    // `at loadLedger (/srv/ledger/load.js:4:13) {`.
    if text.hasSuffix(" {") { text = text.dropLast(2) }
    var function: Substring?
    var place = text
    if text.hasSuffix(")"), let open = text.firstRange(of: " (") {
      function = text[..<open.lowerBound]
      place = text[open.upperBound..<text.index(before: text.endIndex)]
    }
    // Hermes (React Native) runs bytecode and prints a place in it as `address at FILE:1:OFFSET`,
    // the offset counted from 0 where V8's columns count from 1 (the offset is the column its
    // source map knows, as Metro's and Sentry's symbolicators look it up).
    let isBytecode = place.hasPrefix("address at ")
    if isBytecode { place = place.dropFirst(11) }
    var source: SourceLine?
    if let (file, number, column) = placeLine(place) {
      source = SourceLine(
        file: TextLimits.capped(String(file), maximumBytes: 1024), line: number, column: isBytecode ? column + 1 : column)
    } else if function == nil {
      // A row of no place is no V8 row (a Java row has its parenthesis without a blank).
      return nil
    } else if !(place == "<anonymous>" || place == "native" || place.hasPrefix("index ") || place.hasPrefix("eval at ")) {
      return nil
    }
    if let name = function, name.isEmpty || name.utf8.count > 1024 { return nil }
    return StackFrame(
      index: 0, symbol: FrameSymbol(module: nil, function: function.map { String($0) }, printedText: String(text)),
      sourceLine: source, trust: .text, lines: LineRange(line: line.number))
  }

  /// Firefox's and Safari's row, one word: `balance@https://ledger.example/js/ledger.js:12:26`,
  /// `@https://ledger.example/js/app.js:3:5` (top-level code), `Ledger/<@…` (an inner function).
  private static func geckoFrame(_ line: TextLine) -> StackFrame? {
    let text = Substring(line.text(fromToken: 0))
    guard let at = text.firstIndex(of: "@"), let (file, number, column) = placeLine(text[text.index(after: at)...]),
      file.contains("/") || file.contains(":")
    else { return nil }
    let name = text[..<at]
    guard name.utf8.count <= 1024 else { return nil }
    return StackFrame(
      index: 0, symbol: FrameSymbol(module: nil, function: name.isEmpty ? nil : String(name), printedText: String(text)),
      sourceLine: SourceLine(file: TextLimits.capped(String(file), maximumBytes: 1024), line: number, column: column),
      trust: .text,
      lines: LineRange(line: line.number))
  }

  /// `/srv/ledger/ledger.js:12:26`, `https://x/main.js:2:45678`, `node:internal/x:23:47`: the file,
  /// the line and the column (a source map's key); nil without both numbers.
  private static func placeLine(_ place: Substring) -> (Substring, Int, Int)? {
    guard let columnColon = place.lastIndex(of: ":") else { return nil }
    let column = place[place.index(after: columnColon)...]
    guard !column.isEmpty, column.count <= 9, column.allSatisfy({ $0.isASCII && $0.isNumber }), let columnNumber = Int(column)
    else { return nil }
    let beforeColumn = place[..<columnColon]
    guard let lineColon = beforeColumn.lastIndex(of: ":") else { return nil }
    let number = beforeColumn[beforeColumn.index(after: lineColon)...]
    guard !number.isEmpty, number.count <= 9, number.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(number), value > 0
    else { return nil }
    let file = beforeColumn[..<lineColon]
    return file.isEmpty ? nil : (file, value, columnNumber)
  }

  /// Takes a line; false for one it does not read (which ends the stack).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    defer { holdsAnything = isCollecting || pendingError != nil }
    if let frame = Self.frame(line) {
      if let pending = pendingError {
        pendingError = nil
        if isCollecting, !pending.isCause { finish(emit: emit, emitThread: emitThread) }
        isCollecting = true
        chain.open(pending.text, line: pending.line)
      }
      guard isCollecting, !chain.isEmpty else { return false }
      chain.append(frame, line: line.number)
      return true
    }
    if let found = Self.error(line) {
      pendingError = (found.text, line.number, found.isCause && isCollecting)
      // Held, not taken: without a row after it, the line is another reader's.
      return isCollecting && found.isCause
    }
    pendingError = nil
    guard isCollecting else { return false }
    // `... 2 lines matching cause stack trace ...`.
    if line.tokens.count >= 5, line.tokenEquals(0, "..."), line.tokenEquals(line.tokens.count - 1, "...") {
      chain.extend(line: line.number)
      return true
    }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// Ends the stack: the error as a property, each error a thread; the last cause crashed.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      pendingError = nil
      isCollecting = false
      holdsAnything = false
    }
    chain.finish(
      exceptionKey: "JavaScript exception", rootCauseKey: "JavaScript root cause",
      evidence: "JavaScript frames name no processor", format: .javascript, emit: emit, emitThread: emitThread)
  }
}
