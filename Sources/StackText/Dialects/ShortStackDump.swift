//===--- ShortStackDump.swift - SQL Server's `Short Stack Dump` -------------===//
//
//   Short Stack Dump
//   752150B1 Module(MSEIDRDA+000150B1)
//   (std::deque<Xo2Db2Token,std::allocator<Xo2Db2Token>
//   >::erase+00000321) 11E04010 Module(UNKNOWN+00000000)
//
// Each frame: a return address, `Module(name+offset)`, then optionally
// `(symbol+offset)`; frames wrap anywhere, even inside a template, so the lines
// of the block are joined and scanned as one text.
//
//===----------------------------------------------------------------------===//

import CrashCore

enum ShortStackDump {
  /// Whether the line is the block's header.
  static func isHeader(_ line: TextLine) -> Bool {
    line.tokens.count == 3 && line.tokenEquals(0, "short") && line.tokenEquals(1, "stack") && line.tokenEquals(2, "dump")
  }

  /// Scans the joined text of the block into frames.
  static func frames(_ text: String, lines: LineRange) -> [StackFrame] {
    var frames: [StackFrame] = []
    let bytes = Array(text.utf8)
    var index = 0
    func skipBlanks() { while index < bytes.count && bytes[index] == ASCII.space { index += 1 } }
    while index < bytes.count {
      skipBlanks()
      let start = index
      while index < bytes.count && ASCII.isHexDigit(bytes[index]) { index += 1 }
      guard index - start == 8, let address = HexNumber.digits(bytes[start..<index]) else { break }
      skipBlanks()
      guard Bytes.hasPrefix(bytes[index...], "Module(") else { break }
      index += "Module(".count
      guard let close = bytes[index...].firstIndex(of: ASCII.closeParen) else { break }
      let moduleText = Bytes.string(bytes[index..<close])
      index = close + 1
      var symbol = FrameSymbol(printedText: nil)
      if let plus = moduleText.lastIndex(of: "+") {
        symbol.module = String(moduleText[..<plus])
        symbol.moduleOffset = UInt64(moduleText[moduleText.index(after: plus)...], radix: 16)
      } else {
        symbol.module = moduleText
      }
      var printed = "Module(\(moduleText))"
      skipBlanks()
      if index < bytes.count && bytes[index] == ASCII.openParen {
        // A balanced (symbol+offset) group; templates may contain parentheses.
        var depth = 0
        var end = index
        while end < bytes.count {
          if bytes[end] == ASCII.openParen { depth += 1 }
          if bytes[end] == ASCII.closeParen {
            depth -= 1
            if depth == 0 { break }
          }
          end += 1
        }
        let inner = Bytes.string(bytes[(index + 1)..<min(end, bytes.count)])
        printed += " (\(inner))"
        if let plus = inner.lastIndex(of: "+") {
          symbol.function = String(inner[..<plus])
          symbol.offset = UInt64(inner[inner.index(after: plus)...], radix: 16)
        } else {
          symbol.function = inner
        }
        index = min(end + 1, bytes.count)
      }
      if symbol.module == "UNKNOWN" && symbol.function == nil { symbol.isUnresolved = true }
      symbol.printedText = printed
      frames.append(
        StackFrame(
          index: frames.count, returnAddress: Address(address), symbol: symbol, trust: .text, lines: lines))
    }
    return frames
  }
}
