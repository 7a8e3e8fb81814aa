//===--- Win31DrWatson.swift - Windows 3.1 Dr. Watson 0.80 stack frames -----===//
//
//   Stack Dump (stack)
//   Stack Frame 0 is BICHO _DoCommand+006b        ss:bp 0d7f:237a
//   Stack Frame 4 is BICHO 1:00a3                 ss:bp 0d7f:23ca
//
// 16-bit frames: module, function+offset (or segment:offset when there is no
// symbol), and the SS:BP far pointer of the frame. Disassembly and comments may
// sit between the frames.
//
//===----------------------------------------------------------------------===//

import CrashCore

enum Win31DrWatson {
  /// Parses `Stack Frame N is MODULE symbol ss:bp SSSS:OOOO`; nil for other lines.
  /// A cheap test that must hold for `frame` to succeed: `Stack Frame …`.
  @inline(__always)
  static func mayBeFrame(_ line: TextLine) -> Bool {
    line.tokens.count >= 5 && line.tokenEquals(0, "stack")
  }

  static func frame(_ line: TextLine) -> (number: Int, frame: StackFrame)? {
    guard line.tokens.count >= 5, line.tokenEquals(0, "stack"), line.tokenEquals(1, "frame"), line.tokenEquals(3, "is"),
      let number = Int(line.string(2))
    else { return nil }
    let module = line.string(4)
    var symbol = FrameSymbol(module: module)
    var annotations: [FrameAnnotation] = []
    var index = 5
    if index < line.tokens.count, !line.tokenEquals(index, "ss:bp") {
      let text = line.string(index)
      if text.contains(":") && !text.contains("+") {
        symbol.isUnresolved = true
        annotations.append(.other("segment:offset \(text)"))
      } else if let plus = text.lastIndex(of: "+") {
        symbol.function = String(text[..<plus])
        symbol.offset = UInt64(text[text.index(after: plus)...], radix: 16)
      } else {
        symbol.function = text
      }
      index += 1
    }
    if index + 1 < line.tokens.count, line.tokenEquals(index, "ss:bp") {
      annotations.append(.other("ss:bp \(line.string(index + 1))"))
    }
    symbol.printedText = line.text(fromToken: 4, throughToken: min(5, line.tokens.count - 1))
    let frame = StackFrame(
      index: number, symbol: symbol, annotations: annotations, trust: .text, lines: LineRange(line: line.number),
      printedNumber: number)
    return (number, frame)
  }
}
