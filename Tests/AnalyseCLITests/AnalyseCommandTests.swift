//===--- AnalyseCommandTests.swift - `analyse` as its users run it ----------===//
//
// Whole outputs are compared with Tests/Fixtures/cli-expected; set
// CLI_EXPECTED_WRITE=1 to rewrite them after an intended change, then review
// the diff.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import Testing

@Suite("analyse command", .serialized)
struct AnalyseCommandTests {
  static let q276222 = "Examples/Q276222/drwtsn32.log"
  static let alpha = "Examples/Alpha/drwtsn32.log"
  static let dump = "Examples/Q276222/emsmta.dmp"

  private func expectOutput(_ run: AnalyseRun, matches name: String) throws {
    let path = Fixtures.path("cli-expected/\(name)")
    if ProcessInfo.processInfo.environment["CLI_EXPECTED_WRITE"] == "1" {
      try FileManager.default.createDirectory(atPath: Fixtures.path("cli-expected"), withIntermediateDirectories: true)
      try run.standardOutput.write(toFile: path, atomically: true, encoding: .utf8)
      return
    }
    let expected = try String(contentsOfFile: path, encoding: .utf8)
    #expect(run.standardOutput == expected, "output differs from Tests/Fixtures/cli-expected/\(name)")
  }

  @Test(
    "the examples print their reviewed reports",
    arguments: [
      ([q276222], "q276222.txt"), (["--json", q276222], "q276222.json"),
      ([alpha], "alpha.txt"), (["--json", alpha], "alpha.json"), (["-v", q276222], "q276222-verbose.txt"),
      ([dump], "emsmta-dmp.txt"), (["--json", dump], "emsmta-dmp.json"),
    ])
  func examples(arguments: [String], expected: String) throws {
    let run = try AnalyseRunner.run(arguments)
    #expect(run.status == 0)
    #expect(run.standardError.isEmpty)
    try expectOutput(run, matches: expected)
  }

  @Test("the JSON output parses")
  func jsonParses() throws {
    let run = try AnalyseRunner.run(["--json", Self.alpha])
    let object = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
    #expect(object?["architecture"] as? String == "alpha")
  }

  @Test("`-` reads standard input")
  func standardInput() throws {
    let text = try Data(contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot + "/" + Self.q276222))
    let run = try AnalyseRunner.run(["-"], input: text)
    #expect(run.status == 0)
    #expect(run.standardOutput.contains("00 0ab1fcfc 00510cc7 cffa119e 07ad9838 0069578c EMSMTA!otpmralt+0x25"))
  }

  @Test("an Android tombstone from logcat: its ABI, the signal, the frames, exit 0")
  func androidTombstone() throws {
    let run = try AnalyseRunner.run([Fixtures.path("pastes/android-tombstone-logcat.txt")])
    #expect(run.status == 0)
    #expect(run.standardOutput.contains("System:       ABI: arm\n"))
    #expect(run.standardOutput.contains("(SIGSEGV / SEGV_ACCERR) at 0xa1b2c3d4"))
    #expect(run.standardOutput.contains("libviewer.so!Texture::upload(unsigned char const*, int)+0x42"))
  }

  @Test("an Apple .ips on standard input reads as from a file; one cut short exits 4 with the offset")
  func appleIPS() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("apple/ice-arm64.ips")))
    let piped = try AnalyseRunner.run(["-"], input: data)
    #expect(piped.status == 0)
    #expect(piped.standardOutput.contains("Input:        - (apple-ips, "))
    #expect(piped.standardOutput.contains("Ice!closure #1 in MenuBarManager.start()+0x60 [MenuBarManager.swift @ 42]"))
    let cut = try AnalyseRunner.run(["-"], input: data.prefix(3000))
    #expect(cut.status == 4)
    #expect(cut.standardError.contains("-: a damaged Apple crash report (.ips) at byte offset 3000"))
  }

  @Test("a Node.js diagnostic report on standard input reads as from a file, in its pretty and its one-line JSON")
  func nodeReport() throws {
    for name in ["uncaught-exception.json", "compact.json"] {
      let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("node-report/" + name)))
      let piped = try AnalyseRunner.run(["-"], input: data)
      #expect(piped.status == 0, "\(name): \(piped.standardError)")
      #expect(piped.standardOutput.contains("Input:        - (node-report, "), "\(name)")
      #expect(piped.standardOutput.contains("System:       Node.js version: v20.20.2\n"), "\(name)")
    }
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("node-report/uncaught-exception.json")))
    let piped = try AnalyseRunner.run(["-"], input: data)
    #expect(piped.standardOutput.contains("Exception:    TypeError: ledger.entries.forEach is not a function\n"))
  }

  @Test("a Sentry event on standard input reads as from a file")
  func sentryEvent() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("sentry/python-chained.json")))
    let piped = try AnalyseRunner.run(["-"], input: data)
    #expect(piped.status == 0, "\(piped.standardError)")
    #expect(piped.standardOutput.contains("Input:        - (sentry-event, "))
    #expect(piped.standardOutput.contains("Signature:    ledger.py:balance\n"))
  }

  @Test("a microdump in a log on standard input is walked as from a file")
  func microdumpOnStandardInput() throws {
    var stack = StackSection(base: 0xbe80_0000)
    stack.fill(8)
    stack.d32(0xb6f0_2011)  // return into f1 (Thumb)
    stack.fill(24)
    let context = SyntheticContext.arm(pc: 0xb6f0_1010, sp: 0xbe80_0000, lr: 0)
    var microdump = SyntheticMicrodump(context: context, stack: stack, stackPointer: 0xbe80_0000)
    microdump.cpu = "arm"
    microdump.modules = [(0xb6f0_0000, 0x10000, "0123456789ABCDEF0123456789ABCDEF0", "/system/lib/libapp.so")]
    let log = String(repeating: "I/ActivityManager( 1000): a busy log line of no interest at all\n", count: 30_000)
    let run = try AnalyseRunner.run(["--json", "-"], input: Data((log + microdump.text()).utf8))
    #expect(run.status == 0)
    let object = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
    #expect((object?["input"] as? [String: Any])?["kind"] as? String == "microdump")
    let frames = ((object?["threads"] as? [[String: Any]])?.first?["frames"] as? [[String: Any]]) ?? []
    #expect(frames.compactMap { $0["instruction"] as? String } == ["0xb6f01010", "0xb6f0200f"])
  }

  @Test("a dump cut anywhere from its directory on exits 4 (damaged), never 2 (no stack)")
  func cutDumpIsDamaged() throws {
    let whole = try Data(contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot + "/" + Self.dump))
    for length in [40, 100, 300, 600, 1_200, 2_400] where length < whole.count {
      let file = try TemporaryFile(whole.prefix(length), suffix: ".dmp")
      let run = try AnalyseRunner.run([file.path])
      #expect(run.status == 4, "cut at \(length) bytes")
      #expect(run.standardError.contains("the input is damaged"), "cut at \(length) bytes")
    }
  }

  @Test("an article with no stack exits 2 and says so", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func noStack() throws {
    let run = try AnalyseRunner.run(["../shared/kb/Q142258.md"])
    #expect(run.status == 2)
    #expect(run.standardOutput.contains("No stack found."))
    #expect(run.standardError.contains("../shared/kb/Q142258.md: no stack found"))
  }

  @Test("unreadable inputs exit 3 with one line naming the file")
  func unreadable() throws {
    let missing = try AnalyseRunner.run(["no/such/file.log"])
    #expect(missing.status == 3)
    #expect(missing.standardError.hasPrefix("analyse: no/such/file.log: cannot read"))
    #expect(missing.standardOutput.isEmpty)

    // A directory is a batch of the files below it, not an unreadable input.
    let directory = try AnalyseRunner.run(["Examples/Q276222"])
    #expect(directory.status == 0)
    #expect(directory.standardOutput.contains("Triage: 2 input(s)"))

    var garbage = [UInt8](repeating: 0, count: 4096)
    for index in garbage.indices { garbage[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
    let binary = try AnalyseRunner.run(["-"], input: Data(garbage))
    #expect(binary.status == 3)
    #expect(binary.standardError.contains("-: unrecognised input at byte offset"))

    let empty = try AnalyseRunner.run(["-"], input: Data())
    #expect(empty.status == 3)
    #expect(empty.standardError.contains("the input is empty"))
  }

  @Test("a truncated log exits 4: frames printed, damage reported")
  func truncated() throws {
    let text = try String(contentsOfFile: Fixtures.repositoryRoot + "/" + Self.q276222, encoding: .utf8)
    let cut = try #require(text.range(of: "EMSMTA!otpamain"))
    let run = try AnalyseRunner.run(["-"], input: Data(text[..<cut.lowerBound].utf8))
    #expect(run.status == 4)
    #expect(run.standardOutput.contains("EMSMTA!otparecv+0x119"))
    #expect(run.standardOutput.contains("truncated"))
    #expect(run.standardError.contains("the input is damaged"))
  }

  @Test("an input over --max-input-size is refused")
  func inputLimit() throws {
    let run = try AnalyseRunner.run(["--max-input-size", "100", Self.q276222])
    #expect(run.status == 3)
    #expect(run.standardError.contains("larger than the 100-byte limit"))
  }

  @Test("bad usage exits 64 with the usage line")
  func badUsage() throws {
    let run = try AnalyseRunner.run(["--no-such-flag", Self.q276222])
    #expect(run.status == 64)
    #expect(run.standardError.contains("Usage: analyse"))
    // No path and nothing piped in: standard input is read (a pipe, not a terminal) and is empty.
    let noInput = try AnalyseRunner.run([])
    #expect(noInput.status == 3)
    #expect(noInput.standardError.contains("-: the input is empty"))
  }

  @Test("--help describes the inputs and the exit codes")
  func help() throws {
    let run = try AnalyseRunner.run(["--help"])
    #expect(run.status == 0)
    try expectOutput(run, matches: "help.txt")
  }
}
