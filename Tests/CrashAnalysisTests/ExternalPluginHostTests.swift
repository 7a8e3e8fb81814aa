//===--- ExternalPluginHostTests.swift - A Swift plugin's side of the protocol ===//

import CrashAnalysis
import CrashTestSupport
import Foundation
import Q276222Plugin
import Testing

@Suite("external plugin host")
struct ExternalPluginHostTests {
  @Test("a report read back from its JSON gives the plugins the same findings")
  func roundTrip() throws {
    let store = SymbolStore(roots: [Fixtures.repositoryRoot + "/Symbols"])
    for path in ["Examples/Q276222/drwtsn32.log", "Examples/Q276222/emsmta.dmp"] {
      var report = try Analyser().analyse(path: Fixtures.repositoryRoot + "/" + path, unwindData: StoreUnwindData(store: store))
      report = Symbolicator(store: store).symbolicate(report)
      let pipeline = SignaturePipeline(plugins: [Q276222Detector()], frames: BundledPlugins.frameCatalog().catalog)
      let direct = pipeline.classify(report)
      let read = ReportJSONReader.report(from: JSONReportWriter.value(for: report))
      let again = pipeline.classify(read)
      #expect(again.findings.map(\.confidence) == direct.findings.map(\.confidence), "\(path)")
      #expect(again.signature == direct.signature, "\(path)")
      #expect(read.crashedThreadIndex == report.crashedThreadIndex)
      #expect(read.threads.first?.frames.count == report.threads.first?.frames.count)
    }
  }

  @Test("the host answers hello, examine and mistakes as docs/plugin-protocol.md says")
  func answers() throws {
    let detector = Q276222Detector()
    let hello = ExternalPluginHost.answer(to: Array(#"{"type":"hello","protocol":1}"#.utf8), plugin: detector)
    #expect(hello["type"]?.stringValue == "descriptor")
    #expect(hello["id"]?.stringValue == "Q276222")
    let report = try Analyser().analyse(path: Fixtures.repositoryRoot + "/Examples/Q276222/drwtsn32.log")
    let request = JSONValue.object([("type", .string("examine")), ("report", JSONReportWriter.value(for: report))])
    let answer = ExternalPluginHost.answer(to: Array(request.serialized(indent: 0).utf8), plugin: detector)
    #expect(answer["type"]?.stringValue == "findings")
    guard case .array(let findings)? = answer["findings"] else {
      Issue.record("no findings array")
      return
    }
    #expect(findings.first?["confidence"]?.stringValue == "confirmed")
    let broken = ExternalPluginHost.answer(to: Array("{not json".utf8), plugin: detector)
    #expect(broken["type"]?.stringValue == "error")
  }
}
