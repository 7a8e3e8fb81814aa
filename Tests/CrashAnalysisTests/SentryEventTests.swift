//===--- SentryEventTests.swift - Sentry events as JSON ------------------------===//
//
// `python-chained.json` was built by Sentry's Python SDK itself (Tests/Fixtures/sentry/
// regenerate.sh); the native event and the REST API's form are composed from Sentry's
// event payload documentation (Tests/Fixtures/sentry/README.md).
//
//===----------------------------------------------------------------------===//

@testable import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Signatures
import SourceMaps
import Testing

@Suite("Sentry events")
struct SentryEventTests {
  @Test("Python's SDK: each chained exception a stack, innermost frame first, the root cause crashed")
  func pythonChained() throws {
    let report = try Analyser().analyse(path: Fixtures.path("sentry/python-chained.json"))
    #expect(report.input.kind == .sentryEvent)
    #expect(report.threads.map(\.label) == ["KeyError: 'rent'", "ValueError: cannot settle ['rent']"])
    #expect(report.threads.map(\.isCrashed) == [true, false])
    #expect(report.threads.allSatisfy { $0.format == .sentryEvent && $0.architecture == .unknown })
    let frames = report.threads[0].frames
    #expect(frames.map { $0.symbol?.function } == ["balance", "<listcomp>", "settle"])
    #expect(frames[0].sourceLine?.file == "/tmp/ledger-sentry/ledger.py" && frames[0].symbol?.module == nil)
    #expect(report.system.first { $0.key == "Python exception" }?.value == "ValueError: cannot settle ['rent']")
    #expect(report.system.first { $0.key == "Python root cause" }?.value == "KeyError: 'rent'")
    #expect(report.system.first { $0.key == "Release" }?.value == "ledger@2.4.0")
    #expect(report.system.first { $0.key == "Crash reporter" }?.value == "sentry.python 3.0.1")
    #expect(report.exception == nil, "a Python exception is no signal")
    // The same crash printed by Python is bucketed alike.
    #expect(BundledPlugins.pipeline().classify(report).signature == "ledger.py:balance")
  }

  @Test("a native crash: the signal, the crashed stack's registers, images with Breakpad's ids, a thread not repeated")
  func nativeSegfault() throws {
    let report = try Analyser().analyse(path: Fixtures.path("sentry/native-segfault.json"))
    #expect(report.exception?.code.rawValue == 11 && report.exception?.description == "SIGSEGV / SEGV_MAPERR")
    #expect(report.threads.map(\.label) == ["SIGSEGV: Segfault", "journal-flush"])
    #expect(report.threads.map(\.isCrashed) == [true, false])
    let crashed = report.threads[0]
    #expect(crashed.architecture == .amd64 && crashed.id == 4242)
    #expect(crashed.frames.map { $0.symbol?.function } == ["ledger::Book::close()", nil, "main", "__libc_start_call_main"])
    // The pc, then return addresses; an unnamed frame is its module and offset.
    #expect(crashed.frames[0].instruction?.rawValue == 0x5581_f2a0_3510)
    #expect(crashed.frames[1].symbol?.module == "ledger" && crashed.frames[1].symbol?.moduleOffset == 0x12a17)
    guard case .amd64(let registers)? = crashed.context else {
      Issue.record("no registers on the crashed stack")
      return
    }
    #expect(registers[.rip] == 0x5581_f2a0_3510 && registers[.rsp] == 0x7ffd_4c1e_2a30)
    let ledger = try #require(report.modules.first { $0.name == "ledger" })
    #expect(ledger.base.rawValue == 0x5581_f29f_0000 && ledger.size == 262_144 && ledger.path == "/opt/ledger/bin/ledger")
    #expect(ledger.debugIdentifier == "D5B4A3C2E1F09A8B7C6D5E4F3A2B1C0D0")
    #expect(ledger.buildID == "c2a3b4d5f0e18b9a7c6d5e4f3a2b1c0d11223344")
    #expect(!report.system.contains { $0.key == "Exception reason" })
    #expect(BundledPlugins.pipeline().classify(report).signature == "ledger::Book::close")
  }

  @Test("the REST API's form: entries, camel-cased frames, the release as an object; script frames mapped")
  func restAPI() throws {
    let report = try Analyser().analyse(path: Fixtures.path("sentry/api-javascript.json"))
    #expect(report.threads.count == 1 && report.threads[0].isCrashed)
    let frames = report.threads[0].frames
    #expect(frames.map { $0.symbol?.function } == ["readTotal", "HTMLButtonElement.onClick"])
    #expect(frames[0].sourceLine == SourceLine(file: "https://ledger.example/static/js/main.8f3c2a.js", line: 2, column: 45678))
    #expect(report.system.first { $0.key == "Release" }?.value == "ledger-web@1.9.0")
    #expect(report.system.first { $0.key == "JavaScript exception" }?.value.hasPrefix("TypeError: Cannot read") == true)
  }

  @Test("a JavaScript event's frames are looked up in source maps as a pasted stack's are")
  func sourceMaps() throws {
    let event = """
      {"event_id": "1", "platform": "node", "exception": {"values": [{"type": "TypeError",
       "value": "Cannot read properties of undefined (reading 'total')", "stacktrace": {"frames": [
        {"function": "r", "abs_path": "/tmp/sourcemap-fixtures/esbuild/dist/app.min.js", "lineno": 1, "colno": 234},
        {"function": "o.balance", "abs_path": "/tmp/sourcemap-fixtures/esbuild/dist/app.min.js", "lineno": 1, "colno": 148},
        {"function": "a", "abs_path": "/tmp/sourcemap-fixtures/esbuild/dist/app.min.js", "lineno": 1, "colno": 178}]}}]}}
      """
    let file = try TemporaryFile(text: event, suffix: ".json")
    let report = SourceMapResolver(directories: [Fixtures.path("sourcemaps/esbuild")])
      .resolve(try Analyser().analyse(path: file.path))
    #expect(SignaturePipeline(plugins: []).classify(report).signature == "ledger.ts:readTotal")
  }

  @Test("Sentry's debug ids in Breakpad's form", arguments: [
    ("3249d99d-0c40-4931-8610-f4e4fb0b6936-1", "3249D99D0C4049318610F4E4FB0B69361"),
    ("3249d99d-0c40-4931-8610-f4e4fb0b6936", "3249D99D0C4049318610F4E4FB0B69360"),
    ("3249D99D0C4049318610F4E4FB0B6936a", "3249D99D0C4049318610F4E4FB0B6936A"),
    ("3249d99d-0c40-4931-8610", nil), ("not-an-id-at-all-x", nil),
  ])
  func debugIdentifiers(_ text: String, _ expected: String?) {
    #expect(SentryEventReportBuilder.breakpadIdentifier(text) == expected)
  }

  @Test("JSON that names an exception but holds no event's stacks is read as text; broken JSON is an error with its byte")
  func notAnEvent() throws {
    let plain = try TemporaryFile(text: #"{"platform": "ledger", "exception": "none today"}"#, suffix: ".json")
    let report = try Analyser().analyse(path: plain.path)
    #expect(report.input.kind == .text && !report.hasStack)
    let broken = try TemporaryFile(text: #"{"event_id": "1", "exception": {"values": [{"type": "X",}]}}"#, suffix: ".json")
    #expect {
      _ = try Analyser().analyse(path: broken.path)
    } throws: { error in
      String(describing: error).contains("a damaged Sentry event at byte offset 56: it is not JSON: expected a member name")
    }
  }

  @Test("hostile values: out-of-range addresses, frames of the wrong kind, thousands of exceptions, never a crash")
  func hostileValues() throws {
    let exceptions = String(repeating: #"{"type": "E", "stacktrace": {"frames": [{"function": "f", "lineno": -3}]}},"#, count: 100)
    let text = """
      {"event_id": "1", "platform": "native", "contexts": {"device": {"arch": 7}},
       "exception": {"values": [\(exceptions) {"type": "Last", "stacktrace": {"frames": [
         {"instruction_addr": "0x1ffffffffffffffff"}, {"instruction_addr": -5}, 3, "x", {"function": ""},
         {"instruction_addr": "0x10", "package": ""}]}, "mechanism": {"meta": {"signal": {"number": 4000000000}}}}]},
       "threads": {"values": {"not": "a list"}},
       "debug_meta": {"images": [{"image_addr": "0xffffffffffffffff", "image_size": 4096}, {"image_addr": "zz"}]}}
      """
    let file = try TemporaryFile(text: text, suffix: ".json")
    let report = try Analyser().analyse(path: file.path)
    #expect(report.threads.count == 64)
    #expect(report.diagnostics.contains { $0.message.contains("chained exceptions; the first 64") })
    #expect(report.exception == nil)
    #expect(report.modules.count == 1)
  }
}
