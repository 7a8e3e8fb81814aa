//===--- StreamingTests.swift - Chunked input, line limits, damage ----------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Streaming and limits")
struct StreamingTests {
  static let listing = """
    Application exception occurred:
            App: emsmta.exe (pid=1234)
            When: 10/12/2000 @ 15:04:05.123
            Exception number: c0000005 (access violation)

    FramePtr  RetAddr   Param1   Param2   Param3   Function Name
    0af8fb88  0043298e  cffa119e 07ad9838 0069578c EMSMTA!otpmralt+0x25
    0af8fbc0  00432781  07ad9838 0af8fc70 00000000 EMSMTA!otpmrdsp+0x1a3
    0af8fbf0  00431f2c  0af8fc70 00000000 00000000
    EMSMTA!otpmrsrv+0x4c

      Event ID: 9405
      An unexpected error has occurred which may cause the MTA to terminate.

    """

  /// A `k` listing of `rows` frames, with `between` after each row.
  static func childEBPListing(rows: Int, between: String = "") -> String {
    var text = "ChildEBP RetAddr\n"
    for index in 0..<rows {
      text += HexFormat.digits(0x0012_F000 + UInt64(index) * 0x20, width: 8) + " 77e8a2c1 ntdll!Wait+0xb\n" + between
    }
    return text
  }

  @Test("the result does not depend on how the input is chunked", arguments: [1, 2, 7, 64, 4096])
  func chunkingIsInvisible(chunkSize: Int) throws {
    let whole = StackSummary.render(decodeReport(Self.listing))
    #expect(whole.contains("otpmrsrv"))
    #expect(StackSummary.render(decodeReport(Self.listing, chunkSize: chunkSize)) == whole)
  }

  @Test("a KB article decodes the same fed one byte at a time", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func articleByteByByte() throws {
    let text = try String(contentsOfFile: SharedFixtures.path("kb/Q166544.md"), encoding: .utf8)
    #expect(StackSummary.render(decodeReport(text, chunkSize: 1)) == StackSummary.render(decodeReport(text)))
  }

  @Test("CRLF and CR-only line ends decode like LF")
  func lineEnds() {
    let lf = StackSummary.render(decodeReport(Self.listing))
    let crlf = Self.listing.replacingOccurrences(of: "\n", with: "\r\n")
    #expect(StackSummary.render(decodeReport(crlf)) == lf)
    var options = TextDecoderOptions()
    options.crEndsLines = true
    let cr = Self.listing.replacingOccurrences(of: "\n", with: "\r")
    #expect(StackSummary.render(decodeReport(cr, options: options)) == lf)
  }

  @Test("over-long lines are cut, reported, and do not hide the stack after them")
  func longLines() throws {
    var options = TextDecoderOptions()
    options.maximumLineLength = 1024
    let text = String(repeating: "x", count: 1 << 20) + "\n" + Self.listing
    let report = decodeReport(text, options: options)
    #expect(report.stacks.first?.frames.count == 3)
    let warning = try #require(report.diagnostics.first { $0.message.contains("longer than 1024 bytes") })
    #expect(warning.line == 1)
  }

  @Test("NUL bytes read as blanks and are reported with their offset")
  func nulBytes() throws {
    let text = Self.listing.replacingOccurrences(of: "0af8fbc0  00432781", with: "0af8fbc0\u{0}\u{0}00432781")
    let report = decodeReport(text)
    #expect(report.stacks.first?.frames.count == 3)
    #expect(report.stacks.first?.frames[1].ret == 0x0043_2781)
    #expect(report.diagnostics.contains { $0.message.contains("NUL bytes") && $0.message.contains("offset") })
  }

  @Test("a listing cut off mid-row is decoded as far as it goes and flagged as truncated")
  func truncated() throws {
    let cut = String(Self.listing.utf8.prefix(upTo: Self.listing.utf8.firstRange(of: "EMSMTA!otpmrdsp".utf8)!.lowerBound))!
    let report = decodeReport(cut)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.count == 2)
    #expect(report.diagnostics.contains { $0.severity == .error && $0.message.contains("truncated") })
  }

  @Test("a stack longer than the frame limit is split, with a warning")
  func frameLimit() {
    var options = TextDecoderOptions()
    options.maximumFramesPerStack = 10
    let text = Self.childEBPListing(rows: 25)
    let report = decodeReport(text, options: options)
    #expect(report.stacks.map(\.frames.count).allSatisfy { $0 <= 10 })
    #expect(report.stacks.map(\.frames.count).reduce(0, +) == 25)
    #expect(report.diagnostics.contains { $0.message.contains("more than 10 rows") })
  }

  @Test("diagnostics stop at the limit and say how many were dropped")
  func diagnosticLimit() {
    var options = TextDecoderOptions()
    options.maximumDiagnostics = 5
    let text = Self.childEBPListing(
      rows: 20, between: "WARNING: Stack unwind information not available. Following frames may be wrong.\n")
    let report = decodeReport(text, options: options)
    #expect(report.stacks.first?.frames.count == 20)
    #expect(report.diagnostics.count == 6)
    #expect(report.diagnostics.contains { $0.message.contains("further diagnostics were not reported") })
  }

  @Test("the decoder counts lines and bytes")
  func counts() {
    let decoder = StackTextDecoder()
    Array(Self.listing.utf8).withUnsafeBytes { decoder.consume($0) { _ in } }
    decoder.finish { _ in }
    #expect(decoder.lineCount == Self.listing.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
    #expect(decoder.byteCount == Self.listing.utf8.count)
  }
}
