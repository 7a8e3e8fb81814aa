//===--- CITimeColumn.swift - The time a CI log puts before every line -------===//
//
// Logs downloaded from continuous-integration services carry each line's time
// in front of what the job printed, in UTC:
//
//   2026-11-30T10:15:09.9100000Z thread 'main' panicked at …       GitHub Actions
//   2026-11-30T10:15:09.910486Z 00O Traceback (most recent …       GitLab (stream 00, stdout;
//                                                                  `00E` stderr, `00O+` a
//                                                                  continued line)
//   [2026-11-30T10:15:09.910Z] #0  0x000055d0c2a4b1ad in …          Jenkins' Timestamper
//
// The column is an ISO 8601 time ending in `Z` (a log's own timestamps in
// local time, the journal's `+01:00`, are left to the readers that know them),
// then one blank. What follows is the line as the tool printed it.
//
//===----------------------------------------------------------------------===//

/// A CI log's time column.
enum CITimeColumn {
  /// Whether a column may start at `start`: a date's `-` and the `T` after it where they would
  /// be (a kd row's hex words fail on the first), asked before `end` of every line led by a digit.
  @inline(__always)
  static func mayStart(_ line: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
    let date = line[start] == ASCII.openBracket ? start + 1 : start
    return line.count - date >= 20 && line[date + 4] == ASCII.minus && line[date + 10] == UInt8(ascii: "T")
  }

  /// Where the text after the column at `start` begins, or nil when none is there.
  static func end(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    guard mayStart(line, at: start) else { return nil }
    // The shortest: `2026-11-30T10:15:09Z ` (21 bytes).
    guard line.count - start >= 21 else { return nil }
    var index = start
    let bracketed = line[index] == ASCII.openBracket
    if bracketed { index += 1 }
    guard let afterTime = timeEnd(line, from: index) else { return nil }
    index = afterTime
    if bracketed {
      guard index < line.count, line[index] == ASCII.closeBracket else { return nil }
      index += 1
    }
    guard index < line.count, line[index] == ASCII.space else { return index == line.count ? index : nil }
    index += 1
    // GitLab's stream marker: two digits, `O` or `E`, a `+` on a continued line, a blank.
    if !bracketed, index + 3 < line.count, ASCII.isDigit(line[index]), ASCII.isDigit(line[index + 1]),
      line[index + 2] == UInt8(ascii: "O") || line[index + 2] == UInt8(ascii: "E")
    {
      var marker = index + 3
      if line[marker] == ASCII.plus { marker += 1 }
      if marker < line.count, line[marker] == ASCII.space { return marker + 1 }
      if marker == line.count { return marker }
    }
    return index
  }

  /// The end of `YYYY-MM-DDTHH:MM:SS`, a fraction of up to nine digits, and `Z`, at `start`.
  @inline(__always)
  private static func timeEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    guard line.count - start >= 20 else { return nil }
    // Digits, and the separators at their places: `2026-11-30T10:15:09`.
    for offset in 0..<19 {
      let byte = line[start + offset]
      switch offset {
      case 4, 7: guard byte == ASCII.minus else { return nil }
      case 10: guard byte == UInt8(ascii: "T") else { return nil }
      case 13, 16: guard byte == ASCII.colon else { return nil }
      default: guard ASCII.isDigit(byte) else { return nil }
      }
    }
    var index = start + 19
    if line[index] == ASCII.period {
      index += 1
      let digits = index
      while index < line.count, index - digits < 9, ASCII.isDigit(line[index]) { index += 1 }
      guard index > digits else { return nil }
    }
    guard index < line.count, line[index] == UInt8(ascii: "Z") else { return nil }
    return index + 1
  }
}
