//===--- OtherToolsTests.swift - Dr. Watson 2000/XP, cdb, Visual Studio, others ===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Logs and copies of other tools")
struct OtherToolsTests {
  static func report(_ name: String) throws -> CrashReport {
    decodeReport(try String(contentsOfFile: Fixtures.path("pastes/\(name)"), encoding: .utf8))
  }

  @Test("Dr. Watson for Windows XP and 2000: both back-trace layouts, the thread's id and the exception", arguments: [
    ("drwatson-xp.log", StackFormat.childEBPArgs, UInt32(0x9a4)), ("drwatson-w2k.log", .framePtrReturnAd, 0x4a8),
  ])
  func drWatson(_ name: String, _ format: StackFormat, _ thread: UInt32) throws {
    let report = try Self.report(name)
    #expect(report.exception?.code.rawValue == 0xC000_0005)
    #expect(report.application?.name?.hasSuffix("app.exe") == true)
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1)
    #expect(stack.format == format && stack.architecture == .x86 && stack.id == thread)
    #expect(stack.frames.map { $0.symbol?.function ?? "" } == ["CWidget::Refresh", "CWindow::OnPaint", "WinMain", "BaseProcessStart"])
    #expect(stack.frames[0].fp == 0x12_fe88)
  }

  @Test("cdb ~*kb: one thread per listing, with the id its header gives")
  func cdbThreads() throws {
    let report = try Self.report("cdb-all-threads.txt")
    #expect(report.stacks.map(\.id) == [0x1f30, 0x2104, 0xad4])
    #expect(report.stacks.map(\.frames.count) == [2, 2, 1])
  }

  @Test("a Visual Studio call stack: module, function, line, offset; notes skipped")
  func visualStudio() throws {
    let stack = try #require(try Self.report("vs-callstack.txt").stacks.first)
    #expect(stack.format == .visualStudio)
    #expect(stack.frames.count == 4)
    #expect(stack.frames[0].symbol?.module == "app" && stack.frames[0].symbol?.function == "CWidget::Refresh")
    #expect(stack.frames[0].sourceLine?.line == 42)
    #expect(stack.frames[0].annotations == [.argumentList(["int x"])])
    #expect(stack.frames[1].symbol?.offset == 0x12 && stack.frames[1].sourceLine?.line == 27)
    #expect(stack.frames[2].text == "user32!_InternalCallWinProc@20+0x23")
    #expect(stack.frames[3].symbol?.address?.rawValue == 0x7c81_7077)
  }

  @Test("another tool's stack is named when nothing decodes", arguments: [
    // Rows without the exception's line before them (JavaStackTrace reads those).
    ("\tat com.example.App.run(App.java:42)\n\tat com.example.App.main(App.java:7)\n", "a Java stack trace"),
    // Without its `Unhandled exception.` or `Exception Info:` line (DotNetStackTrace reads those).
    ("   at App.Program.Main() in C:\\src\\Program.cs:line 12\n   at App.Program.<Main>()\n", "a .NET stack trace"),
  ])
  func foreignShapes(_ text: String, _ shape: String) {
    let report = decodeReport(text)
    #expect(report.stacks.isEmpty)
    #expect(report.diagnostics.contains { $0.message.hasPrefix("unsupported input: line") && $0.message.contains(shape) })
  }
}
