//===--- NodeNativeStack.swift - Node.js's native stack on a fatal error -------===//
//
// When Node.js dies in its native code (V8 runs out of heap, a CHECK or a
// node assertion fails), it prints the reason and its native stack
// (src/node_errors.cc, DumpNativeBacktrace):
//
//   FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
//    1: 0xb7b150 node::Abort() [node]
//    2: 0xa8c89a  [node]
//    3: 0xd647c0 v8::Utils::ReportOOMFailure(v8::internal::Isolate*, char const*, bool) [node]
//
// V8's own failures print `# Fatal error in …` / `# Check failed: …` lines first,
// a failed node assertion `node[1234]: ../src/node_file.cc:1234:void …: Assertion
// `…' failed.`. Each row is its number (from 1), the pc, the function when the
// binary's symbols name it, and in brackets the file that holds it (`[node]`,
// `[/usr/local/bin/node]`, `[/lib/x86_64-linux-gnu/libc.so.6]`). The rows are
// the crashed thread; the reason is kept as the `Node fatal error` property. They
// name no processor.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Node.js's native stack after a fatal error, gathered line by line.
struct NodeNativeStackCollector {
  private var rows: [(address: UInt64, function: String?, module: String?, line: Int)] = []
  /// Whether rows or a reason are held (kept as a flag: asked of every line while true).
  private(set) var holdsAnything = false
  private var lines: LineRange?
  /// The reason printed before the rows, held until they come.
  private var reason: (text: String, line: Int)?
  private var nextNumber = 1
  /// The most rows kept.
  var maximumRows = 4096


  /// Whether the line may be a row or a reason: its first byte is a digit, `F`, `#` or `n`.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, line.tokens.count >= 2 else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "1"): return row(line)?.number == 1
    case UInt8(ascii: "F"), UInt8(ascii: "#"), UInt8(ascii: "n"): return reasonText(line) != nil
    default: return false
    }
  }

  /// ` 1: 0xb7b150 node::Abort() [node]`, ` 2: 0xa8c89a  [node]`: the number, pc, function and file.
  static func row(_ line: TextLine) -> (number: Int, address: UInt64, function: String?, module: String?)? {
    let count = line.tokens.count
    guard count >= 3, line.token(0).count >= 2, line.token(0).count <= 6, line.token(0).last == ASCII.colon,
      let number = Int(line.string(0).dropLast()), number >= 1,
      Bytes.hasPrefix(line.token(1), "0x"), line.token(1).count > 2, line.token(1).count <= 18,
      let address = HexNumber.digits(line.token(1).dropFirst(2))
    else { return nil }
    let rest = line.text(fromToken: 2)
    // The file in brackets, last.
    guard rest.hasSuffix("]"), let open = rest.lastIndex(of: "["), open < rest.index(before: rest.endIndex),
      open == rest.startIndex || rest[rest.index(before: open)] == " "
    else { return nil }
    let file = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
    guard !file.isEmpty, !file.contains(" ") else { return nil }
    let function = rest[..<open].trimmingBlanks()
    let module = file.split(separator: "/").last.map { TextLimits.capped(String($0), maximumBytes: 256) }
    return (number, address, function.isEmpty ? nil : TextLimits.capped(String(function)), module)
  }

  /// `FATAL ERROR: …`, `# Fatal error in …`, `# Check failed: …`, or a node assertion
  /// (`node[1234]: ../src/…: Assertion `…' failed.`): the reason.
  static func reasonText(_ line: TextLine) -> String? {
    // The words first: the text is built only for a line that may be one.
    guard line.tokens.count >= 2 else { return nil }
    let first = line.token(0)
    guard (line.tokenEquals(0, "FATAL") && line.tokenEquals(1, "ERROR:"))
      || (line.tokenEquals(0, "#") && (line.tokenEquals(1, "Fatal") || line.tokenEquals(1, "Check")))
      || Bytes.hasPrefix(first, "node[")
    else { return nil }
    let text = line.text(fromToken: 0)
    var reason: Substring?
    if text.hasPrefix("FATAL ERROR: ") {
      reason = text.dropFirst(13)
    } else if text.hasPrefix("# Fatal error in ") || text.hasPrefix("# Check failed: ") {
      reason = text.dropFirst(2)
    } else if text.hasPrefix("node["), let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]: "),
      text.contains("Assertion")
    {
      reason = text[text.index(close, offsetBy: 3)...]
    }
    guard let reason, !reason.isEmpty else { return nil }
    return TextLimits.singleLine(TextLimits.capped(String(reason), maximumBytes: 512))
  }

  /// Takes a line; false for one it does not read (which ends the stack).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    defer { holdsAnything = !rows.isEmpty || reason != nil }
    if let row = Self.row(line), row.number == nextNumber || (row.number == 1 && rows.isEmpty) {
      if row.number == 1, !rows.isEmpty { finish(emit: emit, emitThread: emitThread) }
      if rows.count < maximumRows { rows.append((row.address, row.function, row.module, line.number)) }
      lines = lines?.including(line.number) ?? LineRange(line: line.number)
      nextNumber = row.number + 1
      return true
    }
    if !rows.isEmpty { finish(emit: emit, emitThread: emitThread) }
    if let text = Self.reasonText(line) {
      // `# Fatal error in …` comes before `# Check failed: …`: the check says more.
      if reason == nil || text.hasPrefix("Check failed") { reason = (text, line.number) }
      return true
    }
    // V8's lines between its reason and the rows: `#`, `#FailureMessage Object: 0x7ffc…`.
    if reason != nil, line.tokens.count >= 1, line.token(0).first == UInt8(ascii: "#") { return true }
    if reason != nil, !line.isBlank { reason = nil }
    return false
  }

  /// Ends the stack: the reason as a property, the rows as the crashed thread.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      rows = []
      lines = nil
      reason = nil
      nextNumber = 1
      holdsAnything = false
    }
    guard !rows.isEmpty, var lines else { return }
    if let reason {
      emit(.systemProperty(SystemProperty(key: "Node fatal error", value: reason.text)))
      lines = lines.including(reason.line)
    }
    var frames: [StackFrame] = []
    for (index, row) in rows.enumerated() {
      var symbol = FrameSymbol(module: row.module, function: row.function, printedText: row.function ?? "")
      if row.function == nil { symbol.address = Address(row.address) }
      frames.append(
        StackFrame(index: index, symbol: symbol, trust: .text, lines: LineRange(line: row.line), printedNumber: index + 1))
    }
    CallStack.place(rows.map { .returnAddress($0.address) }, in: &frames, architecture: .unknown)
    emitThread(
      CrashThread(
        architectureEvidence: ["Node's native stack names no processor"], frames: frames, format: .nodeNative, lines: lines,
        label: "Node.js native stack", isCrashed: true))
  }
}
