//===--- NetworkHelperTests.swift - analyse and its helper analyse-net ------===//
//
// The HTTP stack is in the helper analyse-net (docs/symbol-servers.md, "The helper").
// Here: what analyse does when the helper is missing or misbehaves (says so once per
// cause, asks no server, and reports as it would without one), and the helper's line
// protocol: malformed requests and names that would leave the cache are refused, a
// server that is not there is a miss.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import Testing

@Suite("analyse-net, the network helper")
struct NetworkHelperTests {
  /// The helper built beside `analyse`.
  static let helper = URL(fileURLWithPath: AnalyseRunner.executable).deletingLastPathComponent()
    .appendingPathComponent("analyse-net").path

  /// A server address where nothing listens (port 1 on loopback: refused at once).
  static let nowhere = "http://127.0.0.1:1"

  static func temporaryDirectory(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static let available = SharedFixtures.has("fixtures/breakpad/minidump2.dmp")

  /// The shared Windows minidump (its modules carry CodeView ids, so a server would be asked)
  /// through `srv*CACHE*nowhere` with `helper`, and the same dump with an empty local store.
  static func throughServer(helper: String, server: String = nowhere) throws
    -> (run: AnalyseRun, alone: AnalyseRun, cache: [String])
  {
    let cache = temporaryDirectory("helper-cache")
    let empty = temporaryDirectory("empty-store")
    defer {
      try? FileManager.default.removeItem(atPath: cache)
      try? FileManager.default.removeItem(atPath: empty)
    }
    let dump = SharedFixtures.path("fixtures/breakpad/minidump2.dmp")
    let alone = try AnalyseRunner.run(["--no-default-symbols", "--symbols", empty, dump])
    let run = try AnalyseRunner.run(
      ["--no-default-symbols", "--symbols", empty, "--symbol-path", "srv*\(cache)*\(server)", dump],
      environment: ["CRASH_ANALYSIS_NET_HELPER": helper])
    return (run, alone, (try? FileManager.default.subpathsOfDirectory(atPath: cache)) ?? [])
  }

  @Test(
    "without the helper: said once, no server asked, the report an empty store gives",
    .enabled(if: available, "needs ../shared/fixtures/breakpad/minidump2.dmp beside the checkout"))
  func missingHelper() throws {
    let (run, alone, cache) = try Self.throughServer(helper: "")
    #expect(run.status == alone.status)
    #expect(run.standardOutput == alone.standardOutput)
    let said = run.standardError.components(separatedBy: "analyse-net was not found").count - 1
    #expect(said == 1, "\(run.standardError)")
    #expect(run.standardError.contains("CRASH_ANALYSIS_NET_HELPER is set but empty"))
    #expect(cache.isEmpty)
  }

  @Test(
    "a helper that exits at once: reported, and the run goes on without the server",
    .enabled(if: available, "needs ../shared/fixtures/breakpad/minidump2.dmp beside the checkout"))
  func exitingHelper() throws {
    let (run, alone, _) = try Self.throughServer(helper: "/bin/false")
    #expect(run.status == alone.status)
    #expect(run.standardOutput == alone.standardOutput)
    // Gone before or after the request was sent: either is said.
    #expect(
      run.standardError.contains("analyse-net: exited with status 1")
        || run.standardError.contains("analyse-net: cannot send a request"), "\(run.standardError)")
  }

  @Test(
    "a server's URL reaches the helper on its input, never its command line (credentials in ps); ready before requests",
    .enabled(if: available, "needs ../shared/fixtures/breakpad/minidump2.dmp beside the checkout"))
  func serverOnInput() throws {
    // A probe in the helper's place: it records its arguments and the lines it is sent,
    // answers `ready` to the server line and `missing` to each request.
    let directory = Self.temporaryDirectory("helper-probe")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let probe = directory + "/probe"
    try """
      #!/bin/sh
      echo "$@" > '\(directory)/arguments'
      while IFS= read -r line; do
        printf '%s\\n' "$line" >> '\(directory)/input'
        case "$line" in server*) echo ready ;; *) echo missing ;; esac
      done
      """.write(toFile: probe, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: probe)
    let (run, alone, _) = try Self.throughServer(helper: probe, server: "http://reader:s3cret@127.0.0.1:1/store")
    #expect(run.standardOutput == alone.standardOutput)
    let arguments = try String(contentsOfFile: directory + "/arguments", encoding: .utf8)
    let input = try String(contentsOfFile: directory + "/input", encoding: .utf8).split(separator: "\n")
    #expect(arguments.hasPrefix("fetch --cache "), "\(arguments)")
    #expect(!arguments.contains("s3cret") && !arguments.contains("127.0.0.1"))
    #expect(input.first == "server\thttp://reader:s3cret@127.0.0.1:1/store")
    #expect(input.dropFirst().allSatisfy { $0.hasPrefix("fetch\t") } && input.count > 1, "\(input)")
    #expect(!run.standardError.contains("s3cret"))
  }

  @Test("symbols serve without the helper: exit 1, naming where it looked")
  func serveWithoutHelper() throws {
    let run = try AnalyseRunner.run(
      ["symbols", "serve", "Symbols", "--port", "0"], environment: ["CRASH_ANALYSIS_NET_HELPER": "/nonexistent/analyse-net"])
    #expect(run.status == 1)
    #expect(run.standardError.contains("analyse-net was not found (looked in /nonexistent/analyse-net)"))
  }

  /// Runs `analyse-net fetch --cache CACHE` with `lines` on its input: its exit status and
  /// the lines it answered.
  static func fetch(cache: String, lines: [String]) throws -> (status: Int32, answers: [String]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: helper)
    process.arguments = ["fetch", "--cache", cache]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    try input.fileHandleForWriting.close()
    let answers = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .split(separator: "\n").map(String.init)
    process.waitUntilExit()
    return (process.terminationStatus, answers)
  }

  @Test("the line protocol: malformed lines and names leaving the cache refused; an absent server is a miss")
  func lineProtocol() throws {
    let cache = Self.temporaryDirectory("helper-protocol-cache")
    defer { try? FileManager.default.removeItem(atPath: cache) }
    let requests = [
      "server\t\(Self.nowhere)/",
      "hello",
      "fetch\t..\tABCDEF0123\t",
      "fetch\ta/b.pdb\tABCDEF0123\t",
      "fetch\tx.pdb\t../../etc\t",
      "fetch\tlibc.so.6\tABCDEF0123\tnot-hex",
      "fetch\t" + String(repeating: "a", count: 5_000) + "\tABCDEF0123\t",
      "fetch\tx.pdb\tABCDEF0123\t",
    ]
    let (status, answers) = try Self.fetch(cache: cache, lines: requests)
    #expect(status == 0)
    #expect(answers.count == requests.count, "\(answers)")
    // Without the server line first, nothing is fetched.
    let (refusedStatus, refusal) = try Self.fetch(cache: cache, lines: ["fetch\tx.pdb\tABCDEF0123\t"])
    #expect(refusedStatus == 1)
    #expect(refusal.first?.hasPrefix("error: the first line must be server") == true)
    guard answers.count == requests.count else { return }
    #expect(answers[0] == "ready")
    #expect(answers[1].hasPrefix("error: not a fetch request"))
    for index in 2...5 { #expect(answers[index].hasPrefix("error: not a plain file name or id"), "\(answers[index])") }
    #expect(answers[6].hasPrefix("error: a request longer than 4096 bytes"))
    #expect(answers[7] == "missing")
    // Nothing was written outside the cache, and nothing but the miss's own directory inside it.
    let inside = (try? FileManager.default.subpathsOfDirectory(atPath: cache)) ?? []
    #expect(inside.allSatisfy { $0.hasPrefix("x.pdb") }, "\(inside)")
  }
}
