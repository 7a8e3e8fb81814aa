//===--- WindowsErrorReportLanguageTests.swift - WER summaries from localized Windows ===//
//
// The fixtures (Tests/Fixtures/pastes/wer-*-de/fr/ru/zh/pl.*) are composed with
// invented programs, in the field names localized Windows prints (the README
// says from which kind of source each was learned).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Windows Error Reporting summaries in other languages")
struct WindowsErrorReportLanguageTests {
  static func report(_ name: String) throws -> CrashReport {
    decodeReport(try String(contentsOfFile: Fixtures.path("pastes/\(name)"), encoding: .utf8))
  }

  /// The one frame's module and offset, the code, the process and the module's version and
  /// time stamp, as the English record gives them.
  static func expectSummary(
    _ report: CrashReport, module: String, offset: UInt64, code: UInt32, architecture: Architecture,
    version: String, timestamp: UInt32, processID: UInt32?
  ) throws {
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.format == .windowsErrorReport && stack.architecture == architecture)
    let frame = try #require(stack.frames.first)
    #expect(frame.symbol?.module == module && frame.symbol?.moduleOffset == offset)
    #expect(report.exception?.code.rawValue == code)
    #expect(report.application?.name == "ledgersvc.exe" && report.application?.processID == processID)
    #expect(report.modules.first?.version == version && report.modules.first?.timestamp == timestamp)
  }

  @Test("German event 1000: `Name der fehlerhaften Anwendung`, Version and Zeitstempel, SysWOW64's path")
  func german() throws {
    let report = try Self.report("wer-event-1000-de.txt")
    try Self.expectSummary(
      report, module: "ledgercore", offset: 0x1_a2f3, code: 0xc000_0005, architecture: .x86, version: "2.4.0.118",
      timestamp: 0x6571_a0b9, processID: 0x1e4c)
    #expect(report.modules.first?.path == #"C:\Program Files (x86)\Ledger\ledgercore.dll"#)
    #expect(report.system.first { $0.key == "Report Id" }?.value == "0b7e5c2a-91d4-4f3e-a6b8-2c9d0e1f3a4b")
    #expect(report.stacks.first?.lines == LineRange(1, 11), "the package lines belong to the record too")
  }

  @Test("French event 1000: the first field without its colon, ’ in the names, a blank before each colon")
  func french() throws {
    let report = try Self.report("wer-event-1000-fr.txt")
    try Self.expectSummary(
      report, module: "KERNELBASE", offset: 0x2_cd29, code: 0xe043_4352, architecture: .amd64, version: "10.0.19041.3636",
      timestamp: 0x7a4a_b3c1, processID: 0x2b10)
    #expect(report.system.first { $0.key == "Application version" }?.value == "2.4.0.118")
    #expect(report.modules.first?.path == #"C:\Windows\System32\KERNELBASE.dll"#)
    #expect(report.exception?.code.name == "EXCEPTION_COMPLUS", "e0434352: a .NET exception raised through Windows")
  }

  @Test("Russian event 1000: the module's time stamp without its colon")
  func russian() throws {
    try Self.expectSummary(
      try Self.report("wer-event-1000-ru.txt"), module: "ntdll", offset: 0xb_fc22, code: 0xc000_0374, architecture: .amd64,
      version: "6.1.7601.24545", timestamp: 0x5e0e_b9d4, processID: 0x1ad0)
  }

  @Test("Chinese event 1000: full-width commas, and the process id with 0x twice as Windows 11 prints it")
  func chinese() throws {
    try Self.expectSummary(
      try Self.report("wer-event-1000-zh.txt"), module: "ucrtbase", offset: 0x7_f61e, code: 0xc000_0409,
      architecture: .amd64, version: "10.0.22621.2506", timestamp: 0x0d2a_3f1e, processID: 0x3a5c)
  }

  @Test("Spanish event 1000: `Nombre de la aplicación con errores`, versión and marca de tiempo")
  func spanish() throws {
    let report = try Self.report("wer-event-1000-es.txt")
    try Self.expectSummary(
      report, module: "ntdll", offset: 0x3_c43a, code: 0xc000_00fd, architecture: .amd64, version: "10.0.19041.3636",
      timestamp: 0x4b7c_2e19, processID: 0x1f64)
    #expect(report.system.first { $0.key == "Report Id" }?.value == "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a")
    #expect(report.stacks.first?.lines == LineRange(1, 11), "the package lines belong to the record too")
  }

  @Test("Japanese event 1000: ideographic commas, `タイム スタンプ` with its blank")
  func japanese() throws {
    let report = try Self.report("wer-event-1000-ja.txt")
    try Self.expectSummary(
      report, module: "LedgerCore", offset: 0xd_3a67, code: 0xc000_0005, architecture: .amd64, version: "2.4.0.118",
      timestamp: 0x6571_a0b9, processID: 0x262c)
    #expect(report.modules.first?.path == #"C:\Program Files\Ledger\LedgerCore.dll"#)
  }

  @Test("Japanese event 1000 in Windows 11's words: `障害が発生したモジュール名`, `フォールト オフセット`")
  func japaneseWindows11() throws {
    let report = decodeReport(
      """
      障害が発生しているアプリケーション名: ledgersvc.exe、バージョン: 2.4.0.118
      障害が発生したモジュール名: CoreMessagingXP.dll、バージョン: 10.0.27200.1024
      例外コード: 0xc000027b
      フォールト オフセット: 0x0000000000093b66
      """)
    let frame = try #require(report.stacks.first?.frames.first)
    #expect(frame.symbol?.module == "CoreMessagingXP" && frame.symbol?.moduleOffset == 0x9_3b66)
    #expect(report.exception?.code.rawValue == 0xc000_027b && report.modules.first?.version == "10.0.27200.1024")
  }

  @Test("problem details in Russian and Polish (BEX: the offset before the code) read by their names")
  func problemDetails() throws {
    try Self.expectSummary(
      try Self.report("wer-problem-signature-ru.txt"), module: "ledgercore", offset: 0x1_a2f3, code: 0xc000_0005,
      architecture: .x86, version: "2.4.0.118", timestamp: 0x6571_a0b9, processID: nil)
    let polish = try Self.report("wer-problem-signature-pl.txt")
    try Self.expectSummary(
      polish, module: "ledgercore", offset: 0x1_b07e, code: 0xc000_0409, architecture: .x86, version: "2.4.0.118",
      timestamp: 0x6571_a0b9, processID: nil)
    #expect(polish.system.first { $0.key == "Windows Error Reporting event" }?.value == "BEX")
  }

  @Test("Chinese problem details naming no module (StackHash): the offset is the address")
  func chineseStackHash() throws {
    let report = try Self.report("wer-problem-signature-zh.txt")
    let frame = try #require(report.stacks.first?.frames.first)
    #expect(report.stacks.first?.architecture == .amd64 && frame.symbol?.module == nil)
    #expect(frame.instruction?.rawValue == 0x7fe_fd3a_91c2 && report.modules.isEmpty)
    #expect(report.system.first { $0.key == "OS version" }?.value == "6.1.7601.2.1.0.256.48")
  }

  @Test("a German Report.wer (UTF-16): Sig[N].Name in German")
  func germanReportFile() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("pastes/wer-report-de.wer")))
    let report = decodeReport(try #require(String(data: data, encoding: .utf16)))
    try Self.expectSummary(
      report, module: "ledgercore", offset: 0x1_a2f3, code: 0xc000_0005, architecture: .x86, version: "2.4.0.118",
      timestamp: 0x6571_a0b9, processID: nil)
    #expect(report.modules.first?.path == #"C:\Program Files (x86)\Ledger\ledgercore.dll"#)
  }

  @Test(
    "lines that start like a localized field but are none open nothing",
    arguments: [
      "Name: ledgersvc\nVersion: 2\n", "Nom de famille : Dupont\n", "Имя пользователя: admin\n", "错误: 文件未找到\n",
      "Nazwa pliku: raport.txt\n", "问题: 0x0001a2f3\n", "Nombre: Juan\nVersión: 2\n",
      "障害が発生しました: 0x0001a2f3\n",
    ])
  func notASummary(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
