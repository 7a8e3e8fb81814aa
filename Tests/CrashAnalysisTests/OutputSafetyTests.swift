//===--- OutputSafetyTests.swift - Writers that cannot be subverted or lose data ===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Signatures
import Testing

@Suite("Output safety")
struct OutputSafetyTests {
  @Test("the page writer: hostile text in every field stays text, whatever reached the record")
  func hostileRecord() throws {
    let path = NSTemporaryDirectory() + "page-\(UUID().uuidString).html"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let page = try TriageHTMLWriter(path: path)
    let payload = "x\" onload=\"alert(1)\"><script>alert(2)</script><b class=\""
    var summary = TriageSummary()
    // A record as a library client could build it, bypassing merge's checks.
    let record = BatchRecord(
      path: payload, modified: 0, signature: payload, knownIssue: KnownIssueKey(plugin: payload, confidence: .likely),
      crashingModule: payload)
    summary.add(record)
    page.add(BatchResult(index: 0, record: record))
    let failed = BatchRecord(path: payload, failure: payload)
    summary.add(failed)
    page.add(BatchResult(index: 1, record: failed))
    try page.finish(summary, tool: payload, generated: 0)
    let html = try String(contentsOfFile: path, encoding: .utf8)
    let structure = HTMLStructure(html)
    #expect(structure.errors == [])
    #expect(structure.foreignMarkup == [])
    #expect(structure.elements["script"] == nil)
  }

  @Test("streamed JSON is byte for byte the rendered JSON", arguments: ["Examples/Q276222/emsmta.dmp", "Examples/Q276222/drwtsn32.log", "Examples/Alpha/drwtsn32.log"])
  func streamedJSON(_ input: String) throws {
    let report = try Analyser().analyse(path: Fixtures.repositoryRoot + "/" + input)
    let classification = SignaturePipeline(plugins: BundledPlugins.all().plugins).classify(report)
    let path = NSTemporaryDirectory() + "json-\(UUID().uuidString).json"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let file = try AtomicOutputFile(path: path)
    JSONReportWriter.write(report, classification: classification, tool: "t", to: file.stream)
    try file.commit()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == JSONReportWriter.render(report, classification: classification, tool: "t"))
  }

  @Test("a failed write is kept and thrown, with the errno's text")
  func failedWrite() throws {
    let descriptor = open("/dev/full", O_WRONLY)
    defer { close(descriptor) }
    let stream = OutputStream(descriptor: descriptor, destination: "/dev/full")
    stream.write(String(repeating: "x", count: 100_000))
    #expect(throws: OutputError.cannotWrite(destination: "/dev/full", errno: ENOSPC, reason: "No space left on device")) {
      try stream.flush()
    }
  }

  @Test("an atomic file appears whole or not at all; a discarded one leaves nothing")
  func atomicFile() throws {
    let directory = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let kept = try AtomicOutputFile(path: directory + "/kept.txt")
    kept.stream.write("whole\n")
    #expect(!FileManager.default.fileExists(atPath: directory + "/kept.txt"))
    try kept.commit()
    let dropped = try AtomicOutputFile(path: directory + "/dropped.txt")
    dropped.stream.write("half")
    dropped.discard()
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["kept.txt"])
    #expect(try String(contentsOfFile: directory + "/kept.txt", encoding: .utf8) == "whole\n")
  }
}
