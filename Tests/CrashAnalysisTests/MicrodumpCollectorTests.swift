//===--- MicrodumpCollectorTests.swift - A microdump found in streamed text ---===//
//
// Standard input is decoded as it comes; MicrodumpCollector watches the same
// chunks for a microdump. Fed in pieces cut at every offset around its BEGIN
// and END markers, it must keep exactly the bytes from BEGIN to END; text
// without one keeps nothing; one larger than the limit is given up.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Testing

@testable import CrashAnalysis

@Suite("Microdumps in streamed text")
struct MicrodumpCollectorTests {
  static let microdump = MicrodumpWalkTests.microdump().text()
  static let log = "I/ActivityManager( 1000): Start proc 3728\n" + microdump + "I/ActivityManager( 1000): Process died\n"

  /// What the collector keeps of `text` fed in pieces of `sizes` bytes (the last repeated).
  static func collect(_ text: String, pieces sizes: [Int], limit: Int = 1 << 20) -> MicrodumpCollector {
    var collector = MicrodumpCollector(limit: limit)
    let bytes = Array(text.utf8)
    var offset = 0
    var index = 0
    while offset < bytes.count {
      let size = sizes[min(index, sizes.count - 1)]
      let end = min(bytes.count, offset + size)
      bytes[offset..<end].withUnsafeBytes { collector.consume($0) }
      offset = end
      index += 1
    }
    return collector
  }

  /// From the BEGIN marker to the END marker, as the collector should keep them.
  static var expected: [UInt8] {
    let bytes = Array(log.utf8)
    let begin = Array("-----BEGIN BREAKPAD MICRODUMP-----".utf8)
    let end = Array("-----END BREAKPAD MICRODUMP-----".utf8)
    let start = (0...(bytes.count - begin.count)).first { Array(bytes[$0..<$0 + begin.count]) == begin }!
    let stop = (0...(bytes.count - end.count)).first { Array(bytes[$0..<$0 + end.count]) == end }! + end.count
    return Array(bytes[start..<stop])
  }

  @Test("cut at every offset around the BEGIN marker, the microdump is kept whole")
  func beginAcrossPieces() {
    let beginAt = Self.log.utf8.count - Self.microdump.utf8.count + 26  // past the logcat prefix
    for first in (beginAt - 2)...(beginAt + 36) {
      let collector = Self.collect(Self.log, pieces: [first, 7, 4096])
      #expect(collector.state == .complete, "first piece \(first)")
      #expect(collector.bytes.count == Self.expected.count && collector.bytes == Self.expected, "first piece \(first)")
    }
  }

  @Test("fed a few bytes at a time, the END marker is found across the pieces")
  func smallPieces() {
    for size in [1, 2, 3, 33, 34, 35, 500] {
      let collector = Self.collect(Self.log, pieces: [size])
      #expect(collector.state == .complete, "pieces of \(size)")
      #expect(collector.bytes.count == Self.expected.count && collector.bytes == Self.expected, "pieces of \(size)")
    }
  }

  @Test("text without a microdump keeps nothing; one cut before its END runs to the end; one past the limit is dropped")
  func otherCases() {
    let listing = "ChildEBP RetAddr\n0012ff80 00401234 app!main+0x14\n"
    let none = Self.collect(String(repeating: listing, count: 100), pieces: [64])
    #expect(none.state == .searching && none.bytes.isEmpty)
    let cut = String(Self.log.utf8.prefix(Self.log.utf8.count - 120))!
    let unfinished = Self.collect(cut, pieces: [100])
    #expect(unfinished.state == .collecting && unfinished.found)
    let large = Self.collect(Self.log, pieces: [100], limit: 200)
    #expect(large.state == .abandoned && large.bytes.isEmpty && !large.found)
  }
}
