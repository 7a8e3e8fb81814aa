//===--- ReportCodableTests.swift - CrashReport through Swift's encoders ------===//
//
// A client keeps or sends reports with JSONEncoder / PropertyListEncoder: the bundled
// examples (a symbolicated minidump, a Dr. Watson log, an Alpha dump and log) must come
// back equal, every frame, resolution, register context and diagnostic included.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Symbolication
import Testing

@Suite("CrashReport is Codable")
struct ReportCodableTests {
  static func reports() throws -> [CrashReport] {
    let root = Fixtures.repositoryRoot
    let store = SymbolStore(roots: [root + "/Symbols", root + "/Examples/Alpha/symbols"])
    let symbolicator = Symbolicator(store: store)
    var reports: [CrashReport] = []
    for dump in ["Examples/Q276222/emsmta.dmp", "Examples/Alpha/store.dmp"] {
      reports.append(
        symbolicator.symbolicate(
          try Analyser().analyse(path: root + "/" + dump, unwindData: StoreUnwindData(store: store))))
    }
    for log in ["Examples/Q276222/drwtsn32.log", "Examples/Alpha/drwtsn32.log"] {
      let text = try String(contentsOfFile: root + "/" + log, encoding: .utf8)
      reports.append(symbolicator.symbolicate(Analyser().analyse(text: text, name: log)))
    }
    return reports
  }

  @Test("JSON and property lists: the bundled examples come back equal")
  func roundTrip() throws {
    for report in try Self.reports() {
      #expect(report.hasStack)
      let json = try JSONEncoder().encode(report)
      #expect(try JSONDecoder().decode(CrashReport.self, from: json) == report, "\(report.input.name)")
      let plist = try PropertyListEncoder().encode(report)
      #expect(try PropertyListDecoder().decode(CrashReport.self, from: plist) == report, "\(report.input.name)")
    }
  }
}
