//===--- ExternalPluginTests.swift - Plugins in other processes --------------===//
//
// docs/plugin-protocol.md, end to end: the Python example plugin
// (Examples/Plugins/analyse-plugin-heapfree) in a batch, and plugins that
// misbehave — no descriptor, a slow answer, an answer that is not JSON, an
// exit — each named, stopped and noted, never a hang.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import Testing

@Suite(
  "external plugins", .serialized,
  .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs /usr/bin/python3 for the example plugin"))
struct ExternalPluginTests {
  /// The plugin directories and caches this test made, removed after it.
  let scratch = ScratchDirectories()

  static let heapListing = """
    FramePtr  RetAddr   Param1   Param2   Param3   Function Name
    14fbf5f4  6d0b14f9  00000000 1635cf18 00000064 NTDLL!RtlFreeHeap+0x1b
    14fbf608  004d42ee  1635cf1c 00000180 011f2a24 EXCHMEM!ExchMHeapFree+0x19
    14fbf650  00502a27  000004e4 00000018 01205984 STORE!CVTOMSG::HrSetProps+0x33e

    """

  /// A directory with one executable plugin `analyse-plugin-NAME` holding `script`.
  private func pluginDirectory(_ name: String, _ script: String) throws -> String {
    let directory = try scratch.make("plugins")
    let path = directory + "/analyse-plugin-" + name
    try script.write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return directory
  }

  /// A Python plugin `analyse-plugin-NAME` that answers hello with the descriptor `id`, and each
  /// examine request with `examine` (Python statements; `line` holds the request).
  private func pythonPlugin(_ name: String, id: String, examine: String) throws -> String {
    try pluginDirectory(
      name,
      """
      #!/usr/bin/env python3
      import json, sys, time
      for line in sys.stdin:
          if json.loads(line)["type"] == "hello":
              print(json.dumps({"type": "descriptor", "id": "\(id)", "title": "\(id)"}), flush=True)
          else:
              \(examine)
      """)
  }

  @Test("the Python example plugin runs in a batch; its findings are in the JSON, held to the confidence rules")
  func pythonPluginInBatch() throws {
    let listing = try TemporaryFile(text: Self.heapListing, suffix: ".log")
    let run = try AnalyseRunner.run([
      "--jsonl", "--plugins", "Examples/Plugins", listing.path, "Examples/Q276222/drwtsn32.log",
    ])
    #expect(run.status == 0, "\(run.standardError)")
    let lines = run.standardOutput.split(separator: "\n").map(String.init)
    #expect(lines.count == 2)
    let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
    let findings = first?["findings"] as? [[String: Any]] ?? []
    #expect(findings.first?["plugin"] as? String == "heap-free")
    #expect(findings.first?["confidence"] as? String == "likely")
    let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
    let others = (second?["findings"] as? [[String: Any]] ?? []).compactMap { $0["plugin"] as? String }
    #expect(others == ["Q276222"], "the plugin finds nothing in a crash that is not its own")
    let list = try AnalyseRunner.run(["plugins", "list", "--plugins", "Examples/Plugins"])
    #expect(list.standardOutput.contains("exec   heap-free"))
  }

  @Test("a plugin that gives no descriptor is a load error (exit 7) within the time limit")
  func noDescriptor() throws {
    let directory = try pluginDirectory("mute", "#!/bin/sh\nsleep 30\n")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let started = Date()
    let run = try AnalyseRunner.run(["--plugin-timeout", "1", "--plugins", directory, "Examples/Q276222/drwtsn32.log"])
    #expect(Date().timeIntervalSince(started) < 10)
    #expect(run.status == 7)
    #expect(run.standardError.contains("analyse-plugin-mute: no descriptor: no answer within 1.0 s"))
    #expect(run.standardOutput.contains("Known issue:  Q276222"), "the other plugins still ran")
  }

  @Test("a plugin too slow, or answering with what is not JSON, is stopped; each input notes why")
  func misbehaving() throws {
    let slow = try pythonPlugin("slow", id: "slow", examine: "time.sleep(30)")
    defer { try? FileManager.default.removeItem(atPath: slow) }
    let started = Date()
    let run = try AnalyseRunner.run([
      "--plugin-timeout", "1", "--jsonl", "--plugins", slow, "Examples/Q276222/drwtsn32.log", "Examples/Alpha/drwtsn32.log",
    ])
    #expect(Date().timeIntervalSince(started) < 15)
    #expect(run.status == 0)
    let notes = run.standardOutput.split(separator: "\n").map { line in
      ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["plugin_notes"] as? [String] ?? []
    }
    #expect(notes.count == 2)
    // Inputs run in parallel: whichever reached the plugin first timed out, the other found it disabled.
    let all = notes.flatMap { $0 }
    #expect(all.filter { $0.contains("no answer within 1.0 s") }.count == 2)
    #expect(all.filter { $0.contains("is disabled") }.count == 1, "a stopped plugin is not asked again")

    let garbage = try pythonPlugin("garbage", id: "garbage", examine: "print(\"<html>not json</html>\", flush=True)")
    defer { try? FileManager.default.removeItem(atPath: garbage) }
    let bad = try AnalyseRunner.run(["--json", "--plugins", garbage, "Examples/Q276222/drwtsn32.log"])
    let object = try JSONSerialization.jsonObject(with: Data(bad.standardOutput.utf8)) as? [String: Any]
    let badNotes = object?["plugin_notes"] as? [String] ?? []
    #expect(badNotes.contains { $0.contains("analyse-plugin-garbage") && $0.contains("not JSON at byte 0") })
  }

  @Test("a plugin's finding without defining evidence is withheld; its id must be its own")
  func heldToTheRules() throws {
    let directory = try pythonPlugin("loud", id: "Q276222", examine: "pass")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let run = try AnalyseRunner.run(["--plugins", directory, "Examples/Q276222/drwtsn32.log"])
    #expect(run.status == 7)
    #expect(run.standardError.contains("id 'Q276222' is already used"))

    let claims = try pythonPlugin(
      "claims", id: "claims",
      examine: #"print(json.dumps({"type": "findings", "findings": [{"confidence": "confirmed", "evidence": []}]}), flush=True)"#)
    defer { try? FileManager.default.removeItem(atPath: claims) }
    let claimed = try AnalyseRunner.run(["--json", "--plugins", claims, "Examples/Q276222/drwtsn32.log"])
    let object = try JSONSerialization.jsonObject(with: Data(claimed.standardOutput.utf8)) as? [String: Any]
    let plugins = (object?["findings"] as? [[String: Any]] ?? []).compactMap { $0["plugin"] as? String }
    #expect(!plugins.contains("claims"))
    #expect((object?["plugin_notes"] as? [String] ?? []).contains { $0.contains("without defining evidence was withheld") })
  }

  @Test("plugins on PATH are found; one added after a run is found by the next, whatever the cache kept")
  func pluginsOnPath() throws {
    let directory = try pythonPlugin("first", id: "first-on-path", examine: "print(json.dumps({'type': 'findings', 'findings': []}), flush=True)")
    let cache = scratch.path("cache")
    let environment = ["CRASH_ANALYSIS_SYMBOLS": "Symbols", "PATH": directory + ":/usr/bin:/bin", "XDG_CACHE_HOME": cache]
    let first = try AnalyseRunner.run(["plugins", "list"], environment: environment)
    #expect(first.status == 0, "\(first.standardError)")
    #expect(first.standardOutput.contains("exec   first-on-path"))
    #expect(FileManager.default.fileExists(atPath: cache + "/crash-analysis/plugin-directories.json"))
    let second = try pythonPlugin("second", id: "second-on-path", examine: "pass")
    try FileManager.default.moveItem(atPath: second + "/analyse-plugin-second", toPath: directory + "/analyse-plugin-second")
    let next = try AnalyseRunner.run(["plugins", "list"], environment: environment)
    #expect(next.standardOutput.contains("exec   first-on-path"))
    #expect(next.standardOutput.contains("exec   second-on-path"), "\(next.standardOutput)")
  }
}
