//===--- TextSpanTests.swift - A span of the file in one word ---------------===//
//
// The index keeps every name and rule as an offset (40 bits) and a length (24 bits)
// in one word. Ranges that fit come back as given; longer texts keep 16 MiB (every
// reader cuts at 8 KiB); an offset past 1 TiB, or negative, is an empty span.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Testing

@testable import BreakpadSymbols

@Suite("Spans of a symbol file in one word")
struct TextSpanTests {
  @Test("Offsets and lengths that fit come back as given")
  func roundTrip() {
    #expect(MemoryLayout<TextSpan>.size == 8)
    for (start, count) in [(0, 0), (1, 1), (123_456_789, 4_096), (TextSpan.maximumStart, TextSpan.maximumCount), (1 << 32, 17)] {
      let span = TextSpan(start: start, count: count)
      #expect(span.start == start && span.count == count, "\(start), \(count)")
    }
  }

  @Test("Longer texts keep 16 MiB; offsets out of range give an empty span")
  func limits() {
    let long = TextSpan(start: 10, count: 100 << 20)
    #expect(long.start == 10 && long.count == TextSpan.maximumCount)
    for start in [TextSpan.maximumStart + 1, Int.max, -1, Int.min] {
      let span = TextSpan(start: start, count: 5)
      #expect(span.count == 0, "\(start)")
    }
    #expect(TextSpan(start: 3, count: -4).count == 0)
  }

  @Test("FILE numbers that run on by one, then stop doing so, are all found")
  func denseThenNot() {
    var table = FileTable()
    let spans = (0..<6).map { TextSpan(start: $0 * 10, count: 3) }
    for (number, span) in zip([0, 1, 2, 3, 1, 9], spans) { table.add(number, span) }
    table.finish()
    #expect(table[0] == spans[0] && table[2] == spans[2] && table[3] == spans[3])
    #expect(table[1] == spans[4], "the later record of a number wins")
    #expect(table[9] == spans[5] && table[4] == nil && table[-1] == nil)

    var edge = FileTable()
    edge.add(Int.max - 1, spans[0])
    edge.add(Int.max, spans[1])
    edge.add(Int.min, spans[2])
    edge.finish()
    #expect(edge[Int.max - 1] == spans[0] && edge[Int.max] == spans[1] && edge[Int.min] == spans[2])
    #expect(edge[0] == nil)

    var dense = FileTable()
    for (number, span) in zip(5..., spans) { dense.add(number, span) }
    dense.finish()
    #expect(dense[5] == spans[0] && dense[10] == spans[5] && dense[11] == nil && dense[4] == nil)
    #expect(dense[Int.min] == nil && dense[Int.max] == nil)
  }
}
