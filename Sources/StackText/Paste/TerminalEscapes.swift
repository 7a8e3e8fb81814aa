//===--- TerminalEscapes.swift - A terminal's colours, taken out -------------===//
//
// Text captured from a terminal keeps its escape sequences: CI logs (GitHub
// Actions, GitLab, Jenkins keep the colours of `cargo`, `pytest --color=yes`,
// IPython, Swift's backtracer), `script` captures, `less -R` pastes. They are
// ECMA-48's (the standard behind every terminal's codes):
//   CSI  ESC `[`, parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one
//        final byte 0x40–0x7E (`ESC[0;31m` red, `ESC[0m` reset, `ESC[2K` erase);
//   OSC  ESC `]` … ended by BEL or ST (ESC `\`): titles, OSC 8 hyperlinks;
//   ESC and intermediates then one final byte (`ESC(B` a character set, `ESC=`).
// A line that held an ESC byte (line_scan notes it) goes through the paste stage,
// whose first step takes them out, before its other steps and any recogniser see
// it: `ESC[0;31mZeroDivisionErrorESC[0m` is the word `ZeroDivisionError`, and a
// line's length is what was printed. Source: ECMA-48, 5th edition, §5.4 and §8.3.89.
//
//===----------------------------------------------------------------------===//

/// Removes terminal escape sequences from a line.
enum TerminalEscapes {
  static let escape: UInt8 = 0x1B
  static let bell: UInt8 = 0x07

  /// `source` without its escape sequences, written over `output` (emptied first).
  static func strip(_ source: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
    output.removeAll(keepingCapacity: true)
    var index = 0
    let count = source.count
    while index < count {
      let byte = source[index]
      guard byte == escape else {
        output.append(byte)
        index += 1
        continue
      }
      index = end(of: source, sequenceAt: index)
    }
  }

  /// The offset just past the sequence whose ESC is at `start` (a sequence cut short by the
  /// end of the line ends there).
  static func end(of source: UnsafeBufferPointer<UInt8>, sequenceAt start: Int) -> Int {
    let count = source.count
    var index = start + 1
    guard index < count else { return count }
    switch source[index] {
    case UInt8(ascii: "["):
      index += 1
      while index < count, (0x30...0x3F).contains(source[index]) { index += 1 }
      while index < count, (0x20...0x2F).contains(source[index]) { index += 1 }
      // The final byte; anything else ends a malformed sequence before it.
      if index < count, (0x40...0x7E).contains(source[index]) { index += 1 }
      return index
    case UInt8(ascii: "]"):
      index += 1
      while index < count {
        if source[index] == bell { return index + 1 }
        if source[index] == escape {
          return index + 1 < count && source[index + 1] == UInt8(ascii: "\\") ? index + 2 : index
        }
        index += 1
      }
      return count
    default:
      while index < count, (0x20...0x2F).contains(source[index]) { index += 1 }
      if index < count, (0x30...0x7E).contains(source[index]) { index += 1 }
      return index
    }
  }
}
