//===--- LimitsTests.swift - Every limit has a default, a setting, a diagnostic -===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Symbolication
import Testing

@Suite("Limits")
struct LimitsTests {
  static let dump = Fixtures.repositoryRoot + "/Examples/Q276222/emsmta.dmp"

  /// The Q276222 example dump with three more threads (ids 2–4) that copy the crashed one.
  static func fourThreadDump() throws -> TemporaryFile {
    var synthetic = ExampleDumps.q276222()
    for id in 2...4 as ClosedRange<UInt32> {
      var extra = synthetic.threads[0]
      extra.id = id
      extra.stackBase += UInt64(id) << 24
      synthetic.threads.append(extra)
    }
    return try TemporaryFile(synthetic.bytes(), suffix: ".dmp")
  }

  @Test("frames per thread: the walk is cut with a warning")
  func frames() throws {
    var options = AnalysisOptions()
    options.walk.maximumFrames = 3
    let report = try Analyser(options: options).analyse(path: Self.dump)
    #expect(report.threads.first?.frames.count == 3)
    #expect(report.diagnostics.contains { $0.severity == .warning && $0.message.contains("frame limit (3)") })
  }

  @Test("frames per text input: stacks past the total are dropped with a warning, so a huge listing cannot exhaust memory")
  func totalFrames() throws {
    var text = ""
    for stack in 0..<5 {
      text += "ChildEBP RetAddr\n"
      for row in 0..<40 { text += "0012f\(100 + row) 0040\(1000 + stack * 100 + row) mod!f\(row)+0x10\n" }
      text += "\n"
    }
    var options = AnalysisOptions()
    options.maximumFramesPerInput = 100
    let report = Analyser(options: options).analyse(text: text)
    #expect(report.threads.filter { !$0.frames.isEmpty }.count == 2)
    #expect(report.diagnostics.contains { $0.message == "3 stack(s) with 120 frame(s) were not kept: the report holds at most 100 frames" })
    let whole = Analyser().analyse(text: text)
    #expect(whole.threads.filter { !$0.frames.isEmpty }.count == 5)
  }

  @Test("threads per dump: the crashed thread is walked, the others over the limit are reported")
  func threads() throws {
    let file = try Self.fourThreadDump()
    var options = AnalysisOptions()
    options.maximumThreads = 2
    let report = try Analyser(options: options).analyse(path: file.path)
    #expect(report.threads.count == 2)
    #expect(report.threads.first?.isCrashed == true)
    #expect(report.diagnostics.contains { $0.message == "2 thread(s) not walked: the thread limit is 2" })
  }

  @Test("frames per dump: threads past the total are listed without frames, with a warning")
  func totalFramesInDump() throws {
    let file = try Self.fourThreadDump()
    var options = AnalysisOptions()
    options.maximumFramesPerInput = 1
    let report = try Analyser(options: options).analyse(path: file.path)
    #expect(report.threads.first?.isCrashed == true)
    #expect(report.threads.filter { !$0.frames.isEmpty }.count == 1)
    #expect(report.diagnostics.contains { $0.message.hasPrefix("3 thread(s) not walked:") && $0.message.hasSuffix("the limit is 1") })
  }

  @Test("threads repeating the crashed thread's id: only the first is walked past the limits")
  func repeatedCrashedID() throws {
    var synthetic = ExampleDumps.q276222()
    let crashed = synthetic.threads[0]
    synthetic.threads += Array(repeating: crashed, count: 3)
    let file = try TemporaryFile(synthetic.bytes(), suffix: ".dmp")
    var options = AnalysisOptions()
    options.maximumThreads = 1
    let report = try Analyser(options: options).analyse(path: file.path)
    #expect(report.threads.filter(\.isCrashed).count == 1)
    #expect(report.threads.filter { !$0.frames.isEmpty }.count == 1)
    #expect(report.diagnostics.contains { $0.message == "3 thread(s) not walked: the thread limit is 1" })
  }

  @Test("bytes of stack scanned: a walk that only scanning could continue says the scan limit stopped it")
  func scanBytes() throws {
    var dump = SyntheticMinidump()
    var stack = StackSection(base: 0x8000_0000)
    stack.fill(256)
    stack.d32(0x0040_1234)  // a return address 256 bytes up
    stack.fill(64)
    dump.threads = [
      SyntheticThread(id: 1, context: .x86(eip: 0x0040_0100, esp: 0x8000_0000, ebp: 0x10), stackBase: stack.base, stack: stack.finished())
    ]
    dump.modules = [SyntheticModule(base: 0x0040_0000, size: 0x10000, name: "app.exe")]
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    var options = AnalysisOptions()
    options.walk.limitScan(toBytes: 64)
    let cut = try Analyser(options: options).analyse(path: file.path)
    #expect(cut.threads.first?.frames.count == 1)
    #expect(cut.diagnostics.contains { $0.message.contains("no return address within 64 bytes scanned") })
    let whole = try Analyser().analyse(path: file.path)
    #expect((whole.threads.first?.frames.count ?? 0) >= 2)
  }

  @Test("symbol-file size: a file over the limit is refused with its size, and nothing is named", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func symbolFileSize() throws {
    let store = SymbolStore(roots: [SharedFixtures.path("fixtures/breakpad/symbols")], maximumFileSize: 1000)
    let report = Symbolicator(store: store).symbolicate(try Analyser().analyse(path: SharedFixtures.path("fixtures/breakpad/minidump2.dmp")))
    #expect(report.threads.first?.frames.allSatisfy { $0.resolution == nil } == true)
    #expect(report.diagnostics.contains { $0.message.contains("over the limit of 1000 bytes") })
  }

  @Test("time per input: decoding stops with an error diagnostic naming the byte", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func time() throws {
    let text = String(repeating: try String(contentsOfFile: SharedFixtures.path("kb/Q276222.md"), encoding: .utf8), count: 40)
    let file = try TemporaryFile(text: text, suffix: ".txt")
    var options = AnalysisOptions()
    options.chunkSize = 4096
    options.timeLimit = 1e-9
    let report = try Analyser(options: options).analyse(path: file.path)
    #expect(report.diagnostics.contains { $0.severity == .error && $0.message.contains("the time limit") })
    #expect(report.input.byteCount < text.utf8.count)
  }
}
