//===--- PasteTransformTests.swift - The KB sample, pasted every way -----------===//
//
// Every article of the KB sample decodes to the same frames after what people
// do to text when they paste it: quoting with `> ` and `>> `, indenting with a
// tab, CRLF line ends, hard wrapping at 60 columns mid-token (`fold -w 60`),
// where a listing has a header, flattening it onto one line; and what CI logs and
// terminals add: a time column on every line, colours and hyperlinks.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Pasted KB articles", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
struct PasteTransformTests {
  static let articles: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: SharedFixtures.path("kb"))) ?? []
    return names.filter { $0.hasSuffix(".md") }.sorted()
  }()

  /// What is compared: every frame's columns and printed symbol, stack by stack.
  static func frames(_ report: CrashReport) -> [String] {
    report.threads.filter { !$0.frames.isEmpty }.flatMap { thread in
      thread.frames.map { frame in
        let columns = [frame.framePointer, frame.returnAddress].map { $0.map { String($0.rawValue, radix: 16) } ?? "-" }
        let parameters = frame.parameters.map { $0.map { String($0, radix: 16) } ?? "?" }.joined(separator: ",")
        return columns.joined(separator: " ") + " [" + parameters + "] " + (frame.symbol?.displayText ?? "")
      }
    }
  }

  enum Transform: String, CaseIterable {
    case quoted, doubleQuoted, tabIndented, crlf, wrapped60, flattened, ciTimestamped, jenkinsTimestamped, coloured
  }

  static func apply(_ transform: Transform, to text: String, report: CrashReport) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    switch transform {
    case .quoted: return lines.map { "> " + $0 }.joined(separator: "\n")
    case .doubleQuoted: return lines.map { ">> " + $0 }.joined(separator: "\n")
    case .tabIndented: return lines.map { "\t" + $0 }.joined(separator: "\n")
    case .crlf: return lines.joined(separator: "\r\n")
    case .ciTimestamped:
      // A GitHub Actions log: each line's UTC time in front of it.
      return lines.enumerated().map { number, line in
        let second = number % 60
        return "2026-11-30T10:15:" + (second < 10 ? "0" : "") + String(second) + ".1234567Z " + line
      }.joined(separator: "\n")
    case .jenkinsTimestamped: return lines.map { "[2026-11-30T10:15:09.910Z] " + $0 }.joined(separator: "\n")
    case .coloured:
      // A terminal's capture: each line's first word bold, a reset at the end, a hyperlink's
      // escapes (OSC 8) around the second.
      return lines.map { line -> String in
        var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard let first = words.firstIndex(where: { !$0.isEmpty }) else { return line }
        words[first] = "\u{1B}[1;31m" + words[first] + "\u{1B}[0m"
        if let second = words[(first + 1)...].firstIndex(where: { !$0.isEmpty }) {
          words[second] = "\u{1B}]8;;https://example.com/x\u{1B}\\" + words[second] + "\u{1B}]8;;\u{07}"
        }
        return words.joined(separator: " ") + "\u{1B}[K"
      }.joined(separator: "\n")
    case .wrapped60:
      // `fold -w 60`: every line cut into pieces of 60 characters, wherever that falls.
      return lines.flatMap { line -> [String] in
        guard line.count > 60 else { return [line] }
        var pieces: [String] = []
        var rest = Substring(line)
        while rest.count > 60 {
          pieces.append(String(rest.prefix(60)))
          rest = rest.dropFirst(60)
        }
        pieces.append(String(rest))
        return pieces
      }.joined(separator: "\n")
    case .flattened:
      // Each listing printed under a column header with one row per line, its lines joined
      // with blanks. (A listing whose rows the source itself wrapped keeps its line breaks:
      // they are what its repairs read.)
      var output = lines
      let headed: Set<StackFormat> = [.framePtrReturnAd, .framePtrRetAddr, .childEBPArgs, .childEBP, .calleeSPReturnRA, .calleeSPArguments]
      for thread in report.threads.reversed() where thread.format.map(headed.contains) == true {
        guard thread.frames.allSatisfy({ $0.lines.map { $0.first == $0.last } ?? false && ($0.framePointer != nil || $0.returnAddress != nil) })
        else { continue }
        guard let range = thread.lines, range.first >= 1, range.last <= output.count, range.last > range.first else { continue }
        let joined = output[(range.first - 1)...(range.last - 1)].map { $0.trimmingCharacters(in: .whitespaces) }
          .filter { !$0.isEmpty }.joined(separator: " ")
        output.replaceSubrange((range.first - 1)...(range.last - 1), with: [joined])
      }
      return output.joined(separator: "\n")
    }
  }

  @Test("each article decodes to the same frames however it was pasted", arguments: Transform.allCases)
  func transform(_ transform: Transform) throws {
    var failures: [String] = []
    var compared = 0
    for article in Self.articles {
      let text = try String(contentsOfFile: SharedFixtures.path("kb/" + article), encoding: .utf8)
      let original = decodeReport(text)
      let expected = Self.frames(original)
      guard !expected.isEmpty else { continue }
      compared += 1
      let pasted = decodeReport(Self.apply(transform, to: text, report: original))
      if Self.frames(pasted) != expected { failures.append(article) }
    }
    #expect(compared > 100)
    #expect(failures == [], "\(failures.count) of \(compared) articles decode differently after \(transform.rawValue)")
  }
}
