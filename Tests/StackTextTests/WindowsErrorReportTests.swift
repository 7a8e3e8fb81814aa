//===--- WindowsErrorReportTests.swift - Windows's one-line account of a crash ---===//
//
// The fixtures (Tests/Fixtures/pastes/wer-*.txt) are composed from the layouts
// Windows writes (Tests/Fixtures/pastes/README.md says from which sources).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Windows Error Reporting summaries")
struct WindowsErrorReportTests {
  static func text(_ name: String) throws -> String {
    try String(contentsOfFile: Fixtures.path("pastes/\(name)"), encoding: .utf8)
  }

  static func property(_ report: CrashReport, _ key: String) -> String? {
    report.system.first { $0.key == key }?.value
  }

  @Test("event 1000 of a 64-bit process: module+offset as the one frame, the code, the module's version and time stamp")
  func event1000() throws {
    let report = decodeReport(try Self.text("wer-event-1000-x64.txt"))
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.isCrashed && stack.format == .windowsErrorReport)
    #expect(stack.architecture == .amd64, "16 digits of offset: a 64-bit process")
    let frame = try #require(stack.frames.first)
    #expect(stack.frames.count == 1 && frame.symbol?.module == "ntdll" && frame.symbol?.moduleOffset == 0xfb449)
    #expect(frame.symbol?.printedText == "ntdll.dll+0x00000000000fb449" && frame.instruction?.rawValue == 0xfb449)
    #expect(report.exception?.code.rawValue == 0xc000_0374)
    #expect(report.application?.name == "MSExchangeMTA.exe" && report.application?.processID == 0x1a2c)
    let module = try #require(report.modules.first)
    #expect(report.modules.count == 1 && module.name == "ntdll.dll" && module.base.rawValue == 0)
    #expect(module.version == "10.0.17763.3887" && module.timestamp == 0x7e2c_9b1f && module.path == #"C:\Windows\SYSTEM32\ntdll.dll"#)
    #expect(Self.property(report, "Application version") == "15.1.2507.6")
    #expect(Self.property(report, "Report Id") == "6c4a0b1e-2f3d-4e5a-9b8c-7d6e5f4a3b2c")
    #expect(stack.lines == LineRange(1, 11))
  }

  @Test("Event Viewer's copy (Vista on): the record keeps its labels and description, the summary its frame")
  func eventViewerCopy() throws {
    let report = decodeReport(try Self.text("wer-event-viewer-wow64.txt"))
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .x86 && stack.frames.first?.symbol?.module == "ledgercore")
    #expect(stack.frames.first?.symbol?.moduleOffset == 0x1a2f3 && report.application?.processID == 0x1e4c)
    let event = try #require(report.events.first)
    #expect(event.id == 1000 && event.source == "Application Error" && event.type == "Error" && event.category == "(100)")
    #expect(event.computer == "EXCH01.contoso.local" && event.description?.hasPrefix("Faulting application name: ledgersvc.exe") == true)
  }

  @Test("event 1001: APPCRASH's P1…P10, the attached files and report fields passed over")
  func event1001() throws {
    let report = decodeReport(try Self.text("wer-event-1001.txt"))
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .x86 && stack.lines == LineRange(1, 30))
    #expect(stack.frames.first?.symbol?.module == "MSVCRT" && stack.frames.first?.symbol?.moduleOffset == 0xa7b4)
    #expect(report.exception?.code.rawValue == 0xc000_0005 && report.application?.name == "emsmta.exe")
    #expect(report.modules.first?.version == "7.0.7601.17744" && report.modules.first?.timestamp == 0x4eeb_033f)
    #expect(Self.property(report, "Windows Error Reporting event") == "APPCRASH")
  }

  @Test("the problem details by name (BEX64: the offset before the code), tab-separated")
  func problemDetails() throws {
    let report = decodeReport(try Self.text("wer-problem-details-bex64.txt"))
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .amd64 && stack.frames.first?.symbol?.moduleOffset == 0x2_c41e)
    #expect(report.exception?.code.rawValue == 0xc000_0409 && Self.property(report, "OS version") == "10.0.17763.2.0.0.272.7")
  }

  @Test("BEX's parameters: P7 the offset, P8 the code")
  func bexParameters() throws {
    let text = """
      Event Name: BEX
      Problem signature:
      P1: ledgersvc.exe
      P2: 2.4.0.118
      P3: 6571a0c4
      P4: ledgercore.dll
      P5: 2.4.0.118
      P6: 6571a0b9
      P7: 0001c8f4
      P8: c0000409
      P9: 00000000
      """
    let report = decodeReport(text)
    #expect(report.stacks.first?.frames.first?.symbol?.moduleOffset == 0x1_c8f4 && report.exception?.code.rawValue == 0xc000_0409)
  }

  @Test("Windows XP and Server 2003: one line, with or without stamps")
  func windowsXP() throws {
    for text in [
      "Faulting application emsmta.exe, version 5.5.2653.23, faulting module emsmta.exe, version 5.5.2653.23, fault address 0x0002e612.",
      "Faulting application emsmta.exe, version 5.5.2653.23, stamp 3a7d1b61, faulting module emsmta.exe, version 5.5.2653.23, stamp 3a7d1b61, debug? 0, fault address 0x0002e612.",
      "Description: Faulting application emsmta.exe, version 5.5.2653.23, faulting module emsmta.exe, version 5.5.2653.23, fault address 0x0002e612.",
    ] {
      let report = decodeReport(text)
      let frame = try #require(report.stacks.first?.frames.first)
      #expect(frame.symbol?.module == "emsmta" && frame.symbol?.moduleOffset == 0x2_e612, "\(text)")
      #expect(report.application?.name == "emsmta.exe" && report.modules.first?.version == "5.5.2653.23")
      #expect(report.stacks.first?.architecture == .x86)
    }
  }

  @Test("a pc in no module (`unknown`, `StackHash_…`): the offset is the address; SysWOW64 says 32-bit")
  func noModule() throws {
    let text = """
      Faulting application name: ledgersvc.exe, version: 2.4.0.118, time stamp: 0x6571a0c4
      Faulting module name: unknown, version: 0.0.0.0, time stamp: 0x00000000
      Exception code: 0xc0000005
      Fault offset: 0x0badf00d
      Faulting application path: C:\\Windows\\SysWOW64\\ledgersvc.exe
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.first?.symbol?.address?.rawValue == 0x0bad_f00d && stack.frames.first?.symbol?.module == nil)
    #expect(report.modules.isEmpty && stack.architecture == .x86)
    #expect(stack.architectureEvidence.first?.contains("SysWOW64") == true)
  }

  @Test("Dr. Watson's event 4097 alone: the faulting address, named as the entry named it")
  func drWatsonEvent() throws {
    let text = """
      Event ID: 4097
      Source: DrWatson
      Description:
      The application, emsmta.exe, generated an application error The error occurred
      on 12/4/2000 @ 10:22:33.123 The exception generated was c0000005 at address
      0041b2a9 (EMSMTA!otpmralt)
      """
    let report = decodeReport(text)
    let frame = try #require(report.stacks.first?.frames.first)
    #expect(frame.symbol?.module == "EMSMTA" && frame.symbol?.function == "otpmralt" && frame.instruction?.rawValue == 0x41_b2a9)
    #expect(report.exception?.address?.rawValue == 0x41_b2a9 && report.stacks.first?.format == .windowsErrorReport)
    let unnamed = decodeReport(text.replacingOccurrences(of: "EMSMTA!otpmralt", with: "<nosymbols>"))
    #expect(unnamed.stacks.first?.frames.first?.symbol?.isUnresolved == true)
  }

  @Test("Event Viewer's text wrapped at a width: values cut at `time stamp:` and at a comma, paths cut at a blank")
  func wrappedValues() throws {
    let text = """
      Faulting application name: ledgersvc.exe, version: 2.4.0.118, time stamp:
      0x6571a0c4
      Faulting module name: ledgercore.dll, version: 2.4.0.118,
      time stamp: 0x6571a0b9
      Exception code: 0xc0000409
      Fault offset: 0x00000000000c6572
      Faulting process id: 0x2778
      Faulting application path: C:\\Program
      Files\\Ledger\\ledgersvc.exe
      Faulting module path: C:\\Program
      Files\\Ledger\\ledgercore.dll
      Report Id: 7e5e3307-9854-43d3-b7af-8072b2ce93b6
      Faulting package full name:
      Faulting package-relative application ID:
      """
    let report = decodeReport(text)
    let module = try #require(report.modules.first)
    #expect(module.timestamp == 0x6571_a0b9 && module.version == "2.4.0.118")
    #expect(module.path == #"C:\Program Files\Ledger\ledgercore.dll"#)
    #expect(report.application?.processID == 0x2778 && Self.property(report, "Report Id") == "7e5e3307-9854-43d3-b7af-8072b2ce93b6")
    #expect(report.stacks.first?.lines == LineRange(1, 14))
  }

  @Test("event 1000 and event 1001 of one crash pasted together: one stack")
  func oneCrashTwoEvents() throws {
    let text = try Self.text("wer-event-1000-x64.txt") + "\n" + """
      Fault bucket , type 0
      Event Name: APPCRASH
      Problem signature:
      P1: MSExchangeMTA.exe
      P2: 15.1.2507.6
      P3: 63a0b1c2
      P4: StackHash_f939
      P5: 10.0.17763.3887
      P6: 7e2c9b1f
      P7: c0000374
      P8: 00000000000fb449
      Report Id: 6c4a0b1e-2f3d-4e5a-9b8c-7d6e5f4a3b2c
      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 1 && report.stacks.first?.frames.first?.symbol?.module == "ntdll")
  }

  @Test("Reliability Monitor's details: `Problem signature` without a colon, the bucket after")
  func reliabilityMonitor() throws {
    let report = decodeReport(try Self.text("wer-reliability-monitor.txt"))
    let stack = try #require(report.stacks.first)
    #expect(stack.frames.first?.symbol?.module == "ledgercore" && stack.frames.first?.symbol?.moduleOffset == 0x2_4250)
    #expect(stack.lines == LineRange(14, 29) && report.application?.name == "ledgersvc.exe")
  }

  @Test("a Report.wer file (UTF-16): Sig[N] names and values, Wow64Guest, the faulting module's path among LoadedModule[N]")
  func reportFile() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("pastes/wer-report.wer")))
    let text = try #require(String(data: data, encoding: .utf16))
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.architecture == .x86 && stack.architectureEvidence.first?.contains("Wow64Guest is 332") == true)
    #expect(stack.frames.first?.symbol?.module == "KERNELBASE" && stack.frames.first?.symbol?.moduleOffset == 0x11_4402)
    #expect(report.exception?.code.rawValue == 0xc06d_007e && report.application?.name == "ledgerui.exe")
    #expect(report.modules.first?.path == #"C:\Windows\System32\KERNELBASE.dll"# && report.modules.first?.version == "10.0.18362.815")
    #expect(Self.property(report, "Report Id") == "2d4c6e8a-1b3d-4f5a-8c7e-9a0b1c2d3e4f" && Self.property(report, "OS version") != nil)
  }

  @Test("not a summary", arguments: [
    "Fault offset: 0x00001234\n",
    "Problem signature:\nP1: tool.exe\n",
    "Faulting application name: foo.exe, version: 1.0.0.0, time stamp: 0x1\n",
    "Event Name: CLR20r3\nProblem signature:\nP1: app.exe\nP2: 1.0.0.0\nP3: 5f0c\nP4: mscorlib\nP5: 4.8.4515.0\nP6: 6101\nP7: 1a3\nP8: 2c\nP9: System.NullReferenceException\n",
  ])
  func notASummary(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
