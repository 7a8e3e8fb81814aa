//===--- BacktraceSymbols.swift - glibc's backtrace_symbols lines ---------------===//
//
// What a program's own crash handler logs through glibc's `backtrace_symbols`
// or `backtrace_symbols_fd` (debug/backtracesyms.c), one frame a line:
//
//   ./handler(parse_record+0xc)[0x55eb0988d99c]
//   /lib/x86_64-linux-gnu/libc.so.6(+0x3c050)[0x7efefdd0d050]
//   ./handler(+0x9e5)[0x55eb0988d9e5]
//   [0x7f0c2a1b3c4d]
//
// The file the address is in, the nearest dynamic symbol and the distance from
// it (`-0x…` when before it; `+0x…` alone is the distance from the file's load
// address, so the module's base is the address less it), the address. Versions
// since 2.x print a blank before `[`. Every address is a return address
// (backtrace() walks return addresses, the first into the function that called
// it), except the one above a signal trampoline, which is the interrupted pc.
// Log prefixes before the file (`2024-01-02 ERROR  ./app(…)[0x…]`) are skipped.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The lines of glibc's `backtrace_symbols`.
enum BacktraceSymbols {
  /// A frame line.
  struct Row {
    var address: UInt64
    var path: String?
    var symbol: String?
    var offset: UInt64?
    var isNegative = false
    var text: String
    var lineNumber = 0
  }

  /// Whether the line may be one: its last byte is `]`.
  @inline(__always)
  static func mayBeRow(_ line: TextLine) -> Bool {
    guard let last = line.tokens.last else { return false }
    return line.bytes[last.upperBound - 1] == UInt8(ascii: "]")
  }

  /// The frame on the line (its last word), or nil when it is none.
  static func row(_ line: TextLine) -> Row? {
    var text = Substring(line.string(line.tokens.count - 1))
    var address: UInt64?
    // `[0x…]` at the end, glued to the `)` or a word of its own.
    guard text.hasSuffix("]"), let open = text.lastIndex(of: "[") else { return nil }
    let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
    guard inside.hasPrefix("0x"), inside.count > 2, inside.count <= 18 else { return nil }
    address = UInt64(inside.dropFirst(2), radix: 16)
    guard let address else { return nil }
    text = text[..<open]
    var row = Row(address: address, text: TextLimits.capped(line.text(fromToken: max(0, line.tokens.count - 2))))
    if text.isEmpty {
      // `[0x…]` alone, or after `file(sym+0x…)` and a blank.
      if line.tokens.count >= 2, let location = location(Substring(line.string(line.tokens.count - 2))) {
        (row.path, row.symbol, row.offset, row.isNegative) = location
        return row
      }
      // A lone address (the collector takes it only inside a listing).
      row.text = TextLimits.capped(line.string(line.tokens.count - 1))
      return row
    }
    guard let location = location(text) else { return nil }
    (row.path, row.symbol, row.offset, row.isNegative) = location
    row.text = TextLimits.capped(line.string(line.tokens.count - 1))
    return row
  }

  /// `./handler(parse_record+0xc)`, `/lib/…/libc.so.6(+0x3c050)`, `./app()`: the file, symbol and offset.
  private static func location(_ text: Substring) -> (String?, String?, UInt64?, Bool)? {
    guard text.hasSuffix(")"), let open = text.firstIndex(of: "("), open > text.startIndex else { return nil }
    let path = text[..<open]
    let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
    guard !path.contains("["), !path.contains(")") else { return nil }
    if inside.isEmpty { return (String(path), nil, nil, false) }
    guard let sign = inside.lastIndex(where: { $0 == "+" || $0 == "-" }) else { return nil }
    let digits = inside[inside.index(after: sign)...]
    guard digits.hasPrefix("0x"), let offset = UInt64(digits.dropFirst(2), radix: 16) else { return nil }
    let symbol = inside[..<sign]
    return (
      TextLimits.capped(String(path)), symbol.isEmpty ? nil : TextLimits.capped(String(symbol)), offset, inside[sign] == "-"
    )
  }
}

/// The frames of one `backtrace_symbols` listing, gathered line by line.
struct BacktraceSymbolsCollector {
  private var rows: [BacktraceSymbols.Row] = []
  private var lines: LineRange?
  private var clues = LinuxArchitectureClues()
  /// The most frames kept.
  var maximumFrames = 4096

  /// Whether a listing is being read (stored: the decoder asks on every line).
  private(set) var isCollecting = false

  /// Takes a frame line (a lone `[0x…]` only inside a listing); false for any other line,
  /// which ends the listing.
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if BacktraceSymbols.mayBeRow(line), var row = BacktraceSymbols.row(line), row.path != nil || !rows.isEmpty {
      row.lineNumber = line.number
      if rows.count < maximumFrames { rows.append(row) }
      isCollecting = true
      if let path = row.path { clues.observe(path: path[...]) }
      lines = (lines ?? LineRange(line: line.number)).including(line.number)
      return true
    }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// Ends the listing: its thread, then the modules whose base a `(+0x…)` line gave.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      rows = []
      lines = nil
      clues = LinuxArchitectureClues()
      isCollecting = false
    }
    // One line alone is too little to call a listing (a log line that ends in brackets).
    guard rows.count >= 2, let lines else { return }
    let (architecture, evidence) = clues.decision(source: "the backtrace")
    var bases: [String: UInt64] = [:]
    var order: [String] = []
    var frames: [StackFrame] = []
    for (index, row) in rows.enumerated() {
      let module = row.path.map(GDBBacktraceCollector.fileName)
      var symbol = FrameSymbol(module: module, printedText: row.text)
      if let name = row.symbol, !row.isNegative {
        symbol.function = name
        symbol.offset = row.offset
      } else if row.symbol == nil, let offset = row.offset, let path = row.path {
        symbol.moduleOffset = offset
        if bases[path] == nil, row.address >= offset, order.count < 4096 {
          bases[path] = row.address - offset
          order.append(path)
        }
      } else if module == nil {
        symbol.address = Address(row.address)
      }
      frames.append(StackFrame(index: index, symbol: symbol, trust: .text, lines: LineRange(line: row.lineNumber)))
    }
    CallStack.place(rows.map { .returnAddress($0.address) }, in: &frames, architecture: architecture)
    emitThread(
      CrashThread(
        architecture: architecture, architectureEvidence: evidence, frames: frames, format: .backtraceSymbols, lines: lines,
        label: "backtrace"))
    for path in order {
      let name = GDBBacktraceCollector.fileName(path)
      emit(.module(CodeModule(name: name, path: path, base: Address(bases[path]!), debugFile: name)))
    }
  }
}
