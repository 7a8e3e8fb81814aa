//===--- CommandLineComfortsTests.swift - What a daily user of analyse expects ===//

import CrashTestSupport
import Foundation
import Testing

@Suite("command-line comforts", .serialized)
struct CommandLineComfortsTests {
  @Test("--include and --exclude choose a directory's files; files named directly are always taken")
  func globs() throws {
    let directory = NSTemporaryDirectory() + "globs-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory + "/objects", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let log = try String(contentsOfFile: Fixtures.repositoryRoot + "/Examples/Q276222/drwtsn32.log", encoding: .utf8)
    try log.write(toFile: directory + "/a.log", atomically: true, encoding: .utf8)
    try Data([0x7F, 0x45, 0x4C, 0x46, 1, 2, 3]).write(to: URL(fileURLWithPath: directory + "/objects/b.o"))
    try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: directory + "/c.png"))

    let all = try AnalyseRunner.run([directory])
    #expect(all.status == 5, "the .o and .png fail")
    let logs = try AnalyseRunner.run([directory, "--include", "*.log"])
    #expect(logs.status == 0, "\(logs.standardOutput)")
    #expect(logs.standardOutput.contains("a.log: otpmralt"))
    #expect(!logs.standardOutput.contains("b.o") && !logs.standardOutput.contains("c.png"))
    let excluded = try AnalyseRunner.run([directory, "--exclude", "*.png", "--exclude", "*/objects/*"])
    #expect(excluded.status == 0)
    #expect(excluded.standardOutput.contains("Triage: 1 input(s)"))
    let named = try AnalyseRunner.run([directory + "/c.png", directory + "/a.log", "--include", "*.log"])
    #expect(named.standardOutput.contains("c.png: "), "a file named directly is not filtered")
  }

  @Test("--json with --jsonl is refused as bad usage")
  func conflictingOutputs() throws {
    let run = try AnalyseRunner.run(["--json", "--jsonl", "Examples"])
    #expect(run.status == 64)
    #expect(run.standardError.contains("--json and --jsonl cannot be used together"))
  }

  @Test("colour: on with --color always, never with NO_COLOR or into a pipe; escapes from inputs stay escaped")
  func colour() throws {
    let coloured = try AnalyseRunner.run(["--color", "always", "Examples/Q276222/drwtsn32.log"])
    #expect(coloured.standardOutput.hasPrefix("\u{1B}[1m\u{1B}[31mKnown issue:  Q276222"))
    let piped = try AnalyseRunner.run(["Examples/Q276222/drwtsn32.log"])
    #expect(!piped.standardOutput.contains("\u{1B}"))
    let noColor = try AnalyseRunner.run(
      ["--color", "auto", "Examples/Q276222/drwtsn32.log"], environment: ["NO_COLOR": "1", "CRASH_ANALYSIS_SYMBOLS": "Symbols"])
    #expect(!noColor.standardOutput.contains("\u{1B}"))
    let hostile = try TemporaryFile(
      text: "FramePtr  RetAddr   Param1   Param2   Param3   Function Name\n"
        + "0012ff00  00401234  00000001 00000002 00000003 APP!evil\u{1B}[31m+0x10\n", suffix: ".log")
    let escaped = try AnalyseRunner.run(["--color", "always", hostile.path])
    #expect(!escaped.standardOutput.contains("\u{1B}[31m+0x10"), "an ESC from the input is shown as an escape, colour or not")
  }

  @Test("symbolize: a word that is not an address is named and exits 3; --debug-id picks a build")
  func symbolize() throws {
    let bad = try AnalyseRunner.run(["symbolize", "--obj", "Symbols/EMSMTA/C444DD55C438D3BE52A68A540D0B85C70/EMSMTA.sym", "0x110cc6", "zz"])
    #expect(bad.status == 3)
    #expect(bad.standardOutput.hasPrefix("otpurert\n"))
    #expect(bad.standardError.contains("'zz' is not a hex address"))
    let many = try AnalyseRunner.run(["symbolize", "--symbols", "Symbols", "--module", "EMSMTA", "0x110cc6"])
    #expect(many.status != 0)
    #expect(many.standardError.contains("pick one with --debug-id"))
    let picked = try AnalyseRunner.run([
      "symbolize", "--symbols", "Symbols", "--module", "EMSMTA", "--debug-id", "c444dd55c438d3be52a68a540d0b85c70", "0x110cc6",
    ])
    #expect(picked.status == 0, "\(picked.standardError)")
    #expect(picked.standardOutput.hasPrefix("otpurert\n"))
  }
}
