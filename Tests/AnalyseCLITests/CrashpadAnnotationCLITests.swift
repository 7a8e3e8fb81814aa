//===--- CrashpadAnnotationCLITests.swift - Crashpad's annotations in reports ---===//
//
// A dump with Crashpad's info stream (SyntheticMinidump, laid out as Crashpad's
// minidump_extensions.h declares it): the text report shows the report id and
// the annotations under the system lines, the JSON report carries each as a
// system property.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import Testing

@Suite("Crashpad's annotations in analyse's reports")
struct CrashpadAnnotationCLITests {
  static func dumpFile() throws -> TemporaryFile {
    var dump = SyntheticMinidump.linuxAmd64(
      module: SyntheticModule(base: 0x5555_0000_0000, size: 0x10000, name: "/opt/Ledger/ledger"), rip: 0x5555_0000_1000)
    dump.modules.append(SyntheticModule(base: 0x7F00_0000_0000, size: 0x20000, name: "/usr/lib/libc.so.6"))
    var info = SyntheticCrashpadInfo()
    info.reportID = [0x78, 0x56, 0x34, 0x12, 0xBC, 0x9A, 0xF0, 0xDE, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]
    info.annotations = [("prod", "Electron"), ("ver", "28.1.0"), ("ptype", "renderer")]
    var libc = SyntheticCrashpadInfo.Module(index: 1)
    libc.list = ["assertion failed: total >= 0"]
    libc.simple = [("abort_message", "fortify: buffer\noverflow")]
    info.modules = [libc]
    dump.crashpad = info
    return try TemporaryFile(dump.bytes(), suffix: ".dmp")
  }

  @Test("text: the report id, then one line per annotation, a module's named")
  func textReport() throws {
    let file = try Self.dumpFile()
    let run = try AnalyseRunner.run([file.path])
    #expect(run.status == 0)
    #expect(run.standardOutput.contains("Report:       Crashpad 12345678-9abc-def0-0123-456789abcdef\n"))
    #expect(run.standardOutput.contains("Annotation:   prod = Electron\nAnnotation:   ver = 28.1.0\nAnnotation:   ptype = renderer\n"))
    #expect(run.standardOutput.contains("Annotation:   libc.so.6: assertion failed: total >= 0\n"))
    #expect(run.standardOutput.contains("Annotation:   libc.so.6: abort_message = fortify: buffer overflow\n"))
  }

  @Test("text: a module whose name holds `): ` is split where its name ends, not at the first `): `")
  func moduleNameWithParenthesis() throws {
    var dump = SyntheticMinidump.linuxAmd64(
      module: SyntheticModule(base: 0x5555_0000_0000, size: 0x10000, name: "/opt/Ledger/ledger"), rip: 0x5555_0000_1000)
    dump.modules.append(SyntheticModule(base: 0x7F00_0000_0000, size: 0x20000, name: "/opt/Ledger/plug (x): in.so"))
    var info = SyntheticCrashpadInfo()
    var plugin = SyntheticCrashpadInfo.Module(index: 1)
    plugin.list = ["loaded: yes"]
    plugin.simple = [("state", "open")]
    info.modules = [plugin]
    dump.crashpad = info
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let run = try AnalyseRunner.run([file.path])
    #expect(run.standardOutput.contains("Annotation:   plug (x): in.so: loaded: yes\n"), "\(run.standardOutput)")
    #expect(run.standardOutput.contains("Annotation:   plug (x): in.so: state = open\n"))
  }

  @Test("JSON: each annotation a system property")
  func jsonReport() throws {
    let file = try Self.dumpFile()
    let run = try AnalyseRunner.run(["--json", file.path])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
    let system = try #require(document["system"] as? [[String: Any]])
    let pairs = system.compactMap { entry -> String? in
      guard let key = entry["key"] as? String, let value = entry["value"] as? String else { return nil }
      return key + "=" + value
    }
    #expect(pairs.contains("Crashpad report=12345678-9abc-def0-0123-456789abcdef"))
    #expect(pairs.contains("Crashpad annotation: ptype=renderer"))
    #expect(pairs.contains("Crashpad annotation (libc.so.6)=assertion failed: total >= 0"))
    #expect(pairs.contains("Crashpad annotation (libc.so.6): abort_message=fortify: buffer overflow"))
  }
}
