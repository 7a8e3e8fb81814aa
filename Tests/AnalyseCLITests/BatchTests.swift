//===--- BatchTests.swift - analyse over many inputs --------------------------===//

import CrashTestSupport
import Foundation
import Testing

@Suite("analyse batches", .serialized)
struct BatchTests {
  /// A directory of `count` inputs — KB articles, the example log and dump, and every
  /// twentieth one corrupt (cut dumps, binary bytes, an empty file) — and the corrupt names.
  static func mixedInputs(count: Int) throws -> (directory: String, corrupt: Set<String>) {
    let directory = NSTemporaryDirectory() + "batch-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let articles = try FileManager.default.contentsOfDirectory(atPath: SharedFixtures.path("kb")).sorted()
    let dump = try Data(contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot + "/Examples/Q276222/emsmta.dmp"))
    var corrupt = Set<String>()
    for index in 0..<count {
      let name = String(format: "input%05d", index)
      let path = "\(directory)/\(name)"
      if index % 20 == 7 {
        corrupt.insert(path)
        switch (index / 20) % 3 {
        case 0: try Data(dump.prefix(40)).write(to: URL(fileURLWithPath: path + ".dmp"))
        case 1: try Data(SeededBytes(seed: UInt64(index), count: 4096)).write(to: URL(fileURLWithPath: path + ".bin"))
        default: try Data().write(to: URL(fileURLWithPath: path + ".log"))
        }
        corrupt.remove(path)
        corrupt.insert(path + [".dmp", ".bin", ".log"][(index / 20) % 3])
      } else if index % 10 == 3 {
        try dump.write(to: URL(fileURLWithPath: path + ".dmp"))
      } else {
        try FileManager.default.copyItem(
          atPath: SharedFixtures.path("kb/" + articles[index % articles.count]), toPath: path + ".md")
      }
    }
    return (directory, corrupt)
  }

  @Test("a directory of mixed inputs with 5% corrupt: every input reported once, each corrupt one named, exit 5", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func mixedBatch() throws {
    let (directory, corrupt) = try Self.mixedInputs(count: 400)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let run = try AnalyseRunner.run(["--jobs", "2", directory])
    #expect(run.status == 5)
    let lines = run.standardOutput.split(separator: "\n").filter { $0.hasPrefix(directory) }
    #expect(lines.count == 400)
    let failed = Set(lines.filter { $0.contains(": FAILED: ") }.map { String($0.prefix { $0 != ":" }) })
    #expect(failed == corrupt)
    #expect(run.standardOutput.contains("Triage: 400 input(s)"))
    #expect(run.standardOutput.contains("\(corrupt.count) failed"))
    #expect(run.standardOutput.contains("Q276222 confirmed"))
    // One line per failure, naming its path once: the input's own line.
    for path in corrupt {
      #expect(run.standardOutput.components(separatedBy: path).count == 2, "\(path) printed once")
      #expect(!run.standardError.contains(path))
    }
  }

  @Test("--jsonl: one parseable report per line, in input order, each with its path", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func jsonLines() throws {
    let run = try AnalyseRunner.run(["--jsonl", "Examples/Q276222", "../shared/kb/Q282275.md"])
    #expect(run.status == 0)
    let lines = run.standardOutput.split(separator: "\n")
    #expect(lines.count == 3)
    let paths = try lines.map { line -> String in
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      return object?["path"] as? String ?? ""
    }
    #expect(paths == ["Examples/Q276222/drwtsn32.log", "Examples/Q276222/emsmta.dmp", "../shared/kb/Q282275.md"])
  }

  @Test("--files-from - and --json: the triage summary; a missing path is a counted failure")
  func filesFromAndSummary() throws {
    let list = "Examples/Q276222/emsmta.dmp\nExamples/Q276222/drwtsn32.log\nno/such/file\n"
    let run = try AnalyseRunner.run(["--files-from", "-", "--json"], input: Data(list.utf8))
    #expect(run.status == 5)
    let object = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
    #expect(object?["inputs"] as? Int == 3)
    #expect(object?["failed"] as? Int == 1)
    let buckets = object?["buckets"] as? [[String: Any]] ?? []
    #expect(buckets.count == 1, "the log and the dump of one crash share a bucket")
    #expect(buckets.first?["count"] as? Int == 2)
    #expect(buckets.allSatisfy { $0["known_issue"] as? String == "Q276222 confirmed" })
  }
}

@Suite("analyse worker and merge", .serialized)
struct WorkerTests {
  @Test("worker answers each request with a JSON line (id echoed, bad requests answered); merge rebuilds the triage", .enabled(if: SharedFixtures.has("kb"), "needs ../shared/kb, the KB sample beside the checkout"))
  func workerAndMerge() throws {
    let requests = """
      Examples/Q276222/emsmta.dmp
      {"path": "../shared/kb/Q282275.md", "id": 7}
      {"bad": 1}
      no/such/file
      \(String(repeating: "x", count: 70_000))

      """
    let worker = try AnalyseRunner.run(["worker"], input: Data(requests.utf8))
    #expect(worker.status == 0)
    var lines = worker.standardOutput.split(separator: "\n").map(String.init)
    #expect(lines.count == 5)
    #expect(lines.last == "{\"error\": \"request 5 is longer than 65536 bytes\"}")
    lines.removeLast()
    let answers = lines.joined(separator: "\n") + "\n"
    let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
    #expect(second?["id"] as? Int == 7)
    #expect((second?["findings"] as? [[String: Any]])?.first?["plugin"] as? String == "Q282275")
    #expect(lines[2].contains("\"error\""))
    #expect(lines[3].contains("cannot read"))

    let file = try TemporaryFile(text: answers, suffix: ".jsonl")
    let merged = try AnalyseRunner.run(["merge", "--json", file.path])
    #expect(merged.status == 5)  // the bad-request line is not a report
    let summary = try JSONSerialization.jsonObject(with: Data(merged.standardOutput.utf8)) as? [String: Any]
    #expect(summary?["inputs"] as? Int == 3)
    #expect(summary?["failed"] as? Int == 1)
    #expect(merged.standardError.contains(":3: not a report line"))
  }
}
