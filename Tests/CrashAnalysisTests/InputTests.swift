//===--- InputTests.swift - What the analyser accepts and what it refuses ---===//
//
// Inputs come from crashed machines and strangers. Each bad input must give an
// error naming the file (and the offset where there is one) or a report with
// diagnostics — never a crash, a hang or an allocation the size of a claim.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Testing

@Suite("Inputs, good and bad")
struct InputTests {
  static let exampleText: String = {
    (try? String(contentsOfFile: Fixtures.repositoryRoot + "/Examples/Q276222/drwtsn32.log", encoding: .utf8)) ?? ""
  }()

  private func analysisError(_ path: String, options: AnalysisOptions = AnalysisOptions()) -> AnalysisError? {
    do {
      _ = try Analyser(options: options).analyse(path: path)
      return nil
    } catch {
      return error
    }
  }

  @Test("binary garbage is refused with the file and the offset")
  func binaryGarbage() throws {
    let file = try TemporaryFile(SeededBytes(seed: 7, count: 256 * 1024), suffix: ".bin")
    let error = try #require(analysisError(file.path))
    guard case .unrecognised(let path, _, _) = error else {
      Issue.record("expected unrecognised input, got \(error)")
      return
    }
    #expect(path == file.path)
    #expect(error.description.contains(file.path))
    #expect(error.description.contains("byte offset"))
  }

  @Test("a terminal's colours are text, not binary: a coloured IPython traceback decodes")
  func colouredText() throws {
    let e = "\u{1B}"
    let text = [
      "\(e)[0;31m---------------------------------------------------------------------------\(e)[0m",
      "\(e)[0;31mZeroDivisionError\(e)[0m                         Traceback (most recent call last)",
      "Cell \(e)[0;32mIn[3], line 5\(e)[0m", "\(e)[1;32m----> 5\(e)[0m divide(\(e)[38;5;241m1\(e)[39m, x)", "",
      "File \(e)[0;32m~/ledger/store.py:42\(e)[0m, in \(e)[0;36mLedger.close\(e)[0;34m(self, account)\(e)[0m",
      "\(e)[1;32m---> 42\(e)[0m \(e)[38;5;28;01mreturn\(e)[39;00m x", "",
      "\(e)[0;31mZeroDivisionError\(e)[0m: division by zero",
    ].joined(separator: "\n")
    let file = try TemporaryFile(Array(text.utf8), suffix: ".txt")
    let report = try Analyser().analyse(path: file.path)
    #expect(report.threads.first?.frames.map { $0.symbol?.function ?? "" } == ["Ledger.close", "<module>"])
  }

  @Test("random printable text decodes to no stack, without invented frames")
  func randomPrintableText() throws {
    let file = try TemporaryFile(randomText(seed: 11, count: 8 << 20))
    let report = try Analyser().analyse(path: file.path)
    let invented = report.threads.filter { !$0.frames.isEmpty }.map { "lines \($0.lines?.description ?? "?")" }
    #expect(invented.isEmpty, "frames invented from random text")
    #expect(report.input.byteCount == 8 << 20)
  }

  @Test("a truncated log keeps what it has and says it was cut")
  func truncatedLog() throws {
    let text = Self.exampleText
    let cut = try #require(text.range(of: "EMSMTA!otpamain"))
    let file = try TemporaryFile(text: String(text[..<cut.lowerBound]))
    let report = try Analyser().analyse(path: file.path)
    let stack = try #require(report.threads.first { !$0.frames.isEmpty })
    #expect(stack.frames.count == 6)
    #expect(report.diagnostics.contains { $0.severity == .error && $0.message.contains("truncated") })
  }

  @Test("lines of a megabyte are cut and reported; the stack after them still decodes")
  func megabyteLines() throws {
    let long = String(repeating: "0af8fb88 ", count: (1 << 20) / 9)
    let file = try TemporaryFile(text: long + "\n" + long + "\n" + Self.exampleText)
    let report = try Analyser().analyse(path: file.path)
    #expect(report.threads.first { !$0.frames.isEmpty }?.frames.count == 9)
    #expect(report.diagnostics.contains { $0.message.contains("longer than") })
  }

  @Test("a few NUL bytes in text are read as blanks and reported")
  func someNULBytes() throws {
    var bytes = Array(Self.exampleText.utf8)
    bytes.replaceSubrange(100..<104, with: [0, 0, 0, 0])
    let file = try TemporaryFile(bytes)
    let report = try Analyser().analyse(path: file.path)
    #expect(report.hasStack)
    #expect(report.diagnostics.contains { $0.message.contains("NUL") })
  }

  @Test("a file of NUL bytes is refused")
  func allNULBytes() throws {
    let file = try TemporaryFile([UInt8](repeating: 0, count: 4096))
    guard case .unrecognised(_, let offset, let reason) = analysisError(file.path) else {
      Issue.record("a NUL-filled file was accepted")
      return
    }
    #expect(offset == 0)
    #expect(reason.contains("NUL"))
  }

  @Test("stray bytes that are not UTF-8 are read as Windows-1252, with a note")
  func legacyCodePage() throws {
    let text = Self.exampleText.replacingOccurrences(of: "Application exception occurred:", with: "Application exception occurred \u{FFFD}:")
    var bytes = Array(text.utf8)
    let marker = Array("\u{FFFD}".utf8)
    if let at = bytes.firstRange(of: marker) { bytes.replaceSubrange(at, with: [0xE9]) }
    let file = try TemporaryFile(bytes)
    let report = try Analyser().analyse(path: file.path)
    #expect(report.input.encoding == "Windows-1252")
    #expect(report.threads.first { !$0.frames.isEmpty }?.frames.count == 9)
    #expect(report.diagnostics.contains { $0.message.contains("Windows-1252") })
  }

  @Test("mostly invalid UTF-8 is refused")
  func invalidUTF8() throws {
    let bytes = (0..<8192).map { UInt8(0x80 + $0 % 0x40) }
    let file = try TemporaryFile(bytes)
    guard case .unrecognised = analysisError(file.path) else {
      Issue.record("invalid UTF-8 was accepted")
      return
    }
  }

  @Test("UTF-16 text (Event Viewer exports) decodes like UTF-8")
  func utf16() throws {
    var little: [UInt8] = [0xFF, 0xFE]
    for unit in Self.exampleText.utf16 { little += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    let file = try TemporaryFile(little)
    let report = try Analyser().analyse(path: file.path)
    #expect(report.input.encoding == "UTF-16LE")
    #expect(report.threads.first { !$0.frames.isEmpty }?.frames.first?.symbol?.displayText == "EMSMTA!otpmralt+0x25")
    #expect(report.events.map(\.id) == [9202, 9405])
  }

  @Test("empty files, directories, missing files and oversized files are refused by name")
  func refusals() throws {
    let empty = try TemporaryFile([])
    #expect(analysisError(empty.path) == .empty(path: empty.path))
    #expect(analysisError(NSTemporaryDirectory()) == .isDirectory(path: NSTemporaryDirectory()))
    let missing = NSTemporaryDirectory() + "no-such-file-\(UUID().uuidString)"
    guard case .unreadable(let path, _) = analysisError(missing) else {
      Issue.record("a missing file was not reported as unreadable")
      return
    }
    #expect(path == missing)
    var options = AnalysisOptions()
    options.maximumInputSize = 1000
    let big = try TemporaryFile(text: Self.exampleText)
    #expect(analysisError(big.path, options: options) == .tooLarge(path: big.path, size: Self.exampleText.utf8.count, limit: 1000))
  }

  @Test("a minidump is read as one: an empty one has no stack, a cut header is an error naming the file")
  func minidump() throws {
    let empty = try TemporaryFile(Array("MDMP".utf8) + [0x93, 0xA7, 0, 0] + [UInt8](repeating: 0, count: 24), suffix: ".dmp")
    let report = try Analyser().analyse(path: empty.path)
    #expect(report.input.kind == .minidump)
    #expect(!report.hasStack)
    let cut = try TemporaryFile(Array("MDMP".utf8) + [0x93, 0xA7, 0, 0, 5, 0, 0, 0], suffix: ".dmp")
    guard case .minidump(let message)? = analysisError(cut.path) else {
      Issue.record("a cut header was accepted")
      return
    }
    #expect(message.hasPrefix(cut.path + ": damaged minidump header"))
    let stdin = try TemporaryFile(Array("MDMP".utf8) + [0x93, 0xA7, 0, 0] + [UInt8](repeating: 0, count: 24), suffix: ".dmp")
    _ = stdin
  }

  @Test("text in memory decodes like the same text in a file")
  func textInMemory() throws {
    let fromText = Analyser().analyse(text: Self.exampleText)
    let file = try TemporaryFile(text: Self.exampleText)
    let fromFile = try Analyser().analyse(path: file.path)
    #expect(StackSummary.render(fromText) == StackSummary.render(fromFile))
  }
}
