//===--- AnalyzeOutputTests.swift - !analyze -v text ---------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("!analyze -v")
struct AnalyzeOutputTests {
  static func report(_ name: String) throws -> CrashReport {
    decodeReport(try String(contentsOfFile: Fixtures.path("pastes/\(name)"), encoding: .utf8))
  }

  @Test("kernel, amd64: the fields triage keeps, the bug check, the STACK_TEXT")
  func kernel() throws {
    let report = try Self.report("analyze-kernel-x64.txt")
    let analysis = try #require(report.debuggerAnalysis)
    #expect(analysis.failureBucketID == "0x139_MISSING_GSFRAME_nt!KiFastFailDispatch")
    #expect(analysis.symbolName == "nt!KiFastFailDispatch+d0")
    #expect(analysis.moduleName == "nt")
    #expect(analysis.imageName == "ntkrnlmp.exe")
    #expect(analysis.processName == "System")
    #expect(analysis.bugCheckCode == 0x139)
    #expect(analysis.bugCheckParameters == [4, 0xffff_f802_8227_c4f0, 0xffff_f802_8227_c448, 0])
    let check = try #require(report.bugChecks.first)
    #expect(check.code == 0x139 && check.name == "KERNEL_SECURITY_CHECK_FAILURE")
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .childSPArgs && stack.architecture == .amd64)
    #expect(stack.frames.map(\.text) == ["nt!KeBugCheckEx", "nt!KiBugCheckDispatch+0x69", "nt!KiFastFailDispatch+0xd0"])
  }

  @Test("the module !analyze blames (MODULE_NAME, IMAGE_NAME): its `ledgerflt+0x1b2c` frame is module+offset, not a function")
  func blamedModuleOffset() throws {
    let report = try Self.report("analyze-bugcheck-a-x64.txt")
    let frames = try #require(report.stacks.first?.frames)
    #expect(frames[3].symbol?.module == "ledgerflt" && frames[3].symbol?.moduleOffset == 0x1b2c && frames[3].symbol?.function == nil)
    #expect(frames[3].symbol?.printedText == "ledgerflt+0x1b2c")
    #expect(frames[2].symbol?.module == "nt" && frames[2].symbol?.function == "KiPageFault", "a named frame stays as it was")
  }

  @Test("user mode, x86: FAULTING_IP and the exception code; its disassembly is no frame")
  func userMode() throws {
    let report = try Self.report("analyze-user-x86.txt")
    let analysis = try #require(report.debuggerAnalysis)
    #expect(analysis.faultingIP == "app!CWidget::Refresh+12")
    #expect(analysis.exceptionCode == 0xC000_0005)
    #expect(analysis.failureBucketID == "NULL_CLASS_PTR_READ_c0000005_app.exe!CWidget::Refresh")
    #expect(report.exception?.code.rawValue == 0xC000_0005)
    #expect(report.stacks.count == 1)
    let stack = try #require(report.stacks.first)
    #expect(stack.format == .childEBPArgs && stack.architecture == .x86)
    #expect(stack.frames.count == 4)
    #expect(stack.frames[0].text == "app!CWidget::Refresh+0x12")
  }

  @Test("kd's summary line: BugCheck code, {parameters}")
  func summaryLine() throws {
    let report = decodeReport("BugCheck 139, {4, fffff8028227c4f0, fffff8028227c448, 0}\n")
    #expect(report.debuggerAnalysis?.bugCheckCode == 0x139)
    #expect(report.bugChecks.first?.parameters == [4, 0xffff_f802_8227_c4f0, 0xffff_f802_8227_c448, 0])
  }
}
