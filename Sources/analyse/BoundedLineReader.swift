//===--- BoundedLineReader.swift - Lines of a file, each of bounded length --===//
//
// `analyse merge` reads JSON Lines that came from other machines: a line is
// read into memory only up to a limit; a longer one is skipped to its end and
// reported, so no input can make the reader allocate without bound.
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
  import Glibc
#endif

/// Reads lines from a `FILE`, at most `maximumLength` bytes each.
struct BoundedLineReader {
  /// One line, or the fact that it was too long.
  enum Line {
    /// The line's bytes, without its line break.
    case text([UInt8])
    /// The line was longer than the limit and was skipped.
    case tooLong
  }

  private let file: UnsafeMutablePointer<FILE>
  private let maximumLength: Int
  private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
  private var start = 0
  private var end = 0

  /// A reader of `file` (which the caller closes).
  init(_ file: UnsafeMutablePointer<FILE>, maximumLength: Int) {
    self.file = file
    self.maximumLength = maximumLength
  }

  /// The next line, or nil at the end of the file.
  mutating func next() -> Line? {
    var line: [UInt8] = []
    var tooLong = false
    var sawAnything = false
    while true {
      if start == end {
        end = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        start = 0
        if end == 0 { return sawAnything ? (tooLong ? .tooLong : .text(line)) : nil }
      }
      sawAnything = true
      let chunk = buffer[start..<end]
      let newline = chunk.firstIndex(of: 0x0A)
      let piece = chunk[..<(newline ?? end)]
      if !tooLong {
        if line.count + piece.count > maximumLength {
          tooLong = true
          line = []
        } else {
          line += piece
        }
      }
      if let newline {
        start = newline + 1
        return tooLong ? .tooLong : .text(line)
      }
      start = end
    }
  }
}
