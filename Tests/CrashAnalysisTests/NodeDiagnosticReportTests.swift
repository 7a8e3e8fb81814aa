//===--- NodeDiagnosticReportTests.swift - Node.js's diagnostic reports --------===//
//
// The reports in Tests/Fixtures/node-report were written by Node.js 20 itself
// (`regenerate.sh` beside them); the damaged ones below check that a file that
// opens as a report and is not one is an error with its byte offset.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Testing

@Suite("Node.js diagnostic reports")
struct NodeDiagnosticReportTests {
  @Test("an uncaught exception: the JavaScript stack is the crash, the native one the report's writer, a worker's stack kept")
  func uncaughtException() throws {
    let report = try Analyser().analyse(path: Fixtures.path("node-report/uncaught-exception.json"))
    #expect(report.input.kind == .nodeReport)
    #expect(report.threads.map(\.label) == ["JavaScript stack", "Node.js native stack", "Worker 1 (thread 1) JavaScript stack"])
    #expect(report.threads.map(\.isCrashed) == [true, false, false])
    #expect(report.threads[0].frames.first?.symbol?.function == "Worker.<anonymous>")
    #expect(report.threads[0].frames.first?.sourceLine.map { "\($0.file):\($0.line)" } == "/tmp/ledger/books.js:6")
    #expect(report.system.first { $0.key == "JavaScript exception" }?.value == "TypeError: ledger.entries.forEach is not a function")
    // The native stack: the header's arch, a frame the binary's symbols did not name kept by its address.
    let native = report.threads[1]
    #expect(native.architecture == .amd64 && native.format == .nodeNative)
    #expect(native.frames.contains { $0.symbol?.function?.hasPrefix("node::TriggerNodeReport(") == true && $0.symbol?.module == "node" })
    #expect(native.frames[0].symbol?.function == nil && native.frames[0].symbol?.address != nil)
    // A report's own unnamed frames (`at  (/tmp/ledger/books.js:10:3)`) read as Node's error stacks print them.
    let worker = report.threads[2].frames
    #expect(worker.first?.symbol?.function == "reconcile" && worker.count >= 3)
    #expect(worker[1].symbol?.function == nil && worker[1].sourceLine?.file == "/tmp/ledger/books.js" && worker[1].sourceLine?.line == 10)
    #expect(report.system.first { $0.key == "Node.js version" }?.value == "v20.20.2")
    #expect(report.system.first { $0.key == "Report trigger" }?.value == "Exception")
    #expect(report.system.first { $0.key == "Command line" }?.value.hasSuffix("books.js") == true)
    // No line of the JSON is the stack's: none is given.
    #expect(report.threads.allSatisfy { $0.lines == nil && $0.frames.allSatisfy { $0.lines == nil } })
    #expect(report.diagnostics.isEmpty)
    #expect(BundledPlugins.pipeline().classify(report).signature == "books.js:Worker.<T>")
  }

  @Test("a fatal error: the native stack is the crash, the report's writer and V8's OOM path passed over")
  func heapOutOfMemory() throws {
    let report = try Analyser().analyse(path: Fixtures.path("node-report/heap-oom.json"))
    #expect(report.threads.map(\.label) == ["Node.js native stack"])
    #expect(report.threads[0].isCrashed)
    #expect(report.system.first { $0.key == "Node fatal error" }?.value == "Allocation failed - JavaScript heap out of memory")
    #expect(report.exception == nil)
    let signature = try #require(BundledPlugins.pipeline().classify(report).signature)
    #expect(!signature.contains("TriggerNodeReport") && !signature.contains("OOM") && !signature.hasPrefix("node@"))
  }

  @Test("a report asked for (writeReport, getReport's JSON on one line): nothing crashed, and the note says so")
  func requested() throws {
    for name in ["write-report.json", "compact.json"] {
      let report = try Analyser().analyse(path: Fixtures.path("node-report/" + name))
      #expect(report.input.kind == .nodeReport, "\(name)")
      #expect(!report.threads.contains(where: \.isCrashed) && report.exception == nil, "\(name)")
      #expect(!report.system.contains { $0.key.hasPrefix("JavaScript ") }, "\(name)")
      #expect(report.threads.first?.frames.first?.symbol?.function == "Object.writeReport" || name == "compact.json")
      #expect(report.diagnostics.contains { $0.severity == .note && $0.message.contains("nothing crashed") }, "\(name)")
    }
  }

  @Test("a file that opens as a report and is not one is an error naming the byte", arguments: [
    ("{\"header\": {\"reportVersion\": 4, \"trigger\": \"Exception\"}, \"nativeStack\": [1,", "it is not JSON", 75),
    ("{\n  \"header\": {\"reportVersion\": \"four\"}, \"nativeStack\": []}", "it has no header with a reportVersion", 0),
  ])
  func damaged(_ text: String, _ reason: String, _ offset: Int) throws {
    let file = try TemporaryFile(text: text, suffix: ".json")
    #expect {
      _ = try Analyser().analyse(path: file.path)
    } throws: { error in
      let message = String(describing: error)
      return message.contains(reason) && message.contains(file.path)
        && message.contains("damaged Node.js diagnostic report at byte offset \(offset)")
    }
  }

  @Test("hostile values: pcs out of range, stacks of other types, a huge worker list are bounded, never a crash")
  func hostileValues() throws {
    let workers = String(repeating: "{\"javascriptStack\":{\"message\":\"x\",\"stack\":[\"at f (/w.js:1:1)\"]}},", count: 300)
    let text = """
      {"header": {"reportVersion": 4, "trigger": "FatalError", "event": "Check failed: x", "arch": "sparc"},
       "javascriptStack": {"message": 7, "stack": "at f (/a.js:1:1)"},
       "nativeStack": [{"pc": "0x123456789abcdef01", "symbol": "a"}, {"pc": 5}, {"pc": "0x10", "symbol": 3},
                       {"pc": "0x20", "symbol": "  [node"}, {"pc": "0x30", "symbol": "[]"}],
       "workers": [\(workers) {}]}
      """
    let file = try TemporaryFile(text: text, suffix: ".json")
    let report = try Analyser().analyse(path: file.path)
    #expect(report.threads.first?.frames.count == 3)
    #expect(report.threads.first?.architecture == .unknown)
    #expect(report.threads.filter { $0.label?.hasPrefix("Worker") == true }.count == 256)
    #expect(report.system.first { $0.key == "Node fatal error" }?.value == "Check failed: x")
  }
}
