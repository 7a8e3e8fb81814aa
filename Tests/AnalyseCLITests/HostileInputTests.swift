//===--- HostileInputTests.swift - What a security probe of analyse found ----===//
//
// One regression test per finding of the probe (#13): script injection through
// `merge --html`, FIFOs and link loops in batches, write errors, the page's
// temporary file, interrupts, planted records in learned maps, terminal escapes
// in file names. Every input is generated here, small.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite("hostile inputs and failing outputs", .serialized)
struct HostileInputTests {
  /// A fresh scratch directory.
  static func scratch(_ name: String) throws -> String {
    let directory = NSTemporaryDirectory() + name + "-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
  }

  static let listing = """
    ChildEBP RetAddr  Args to Child
    0012f9a0 77f8e9a4 00000001 00000002 00000003 STORE!EcGetProp+0x12
    0012fa00 77f8e9b4 00000001 00000002 00000003 STORE!EcReadMsg+0x10

    """

  // MARK: 1. Script injection through merge

  @Test("merge --html: a hostile plugin id is refused, and no line can put markup on the page")
  func mergeInjection() throws {
    let directory = try Self.scratch("merge-injection")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let payload = "X \"><script>alert(document.domain)</script><b class=\""
    func line(_ plugin: String, signature: String) -> String {
      let object: [String: Any] = [
        "path": "/crashes/<img src=x onerror=alert(1)>.log",
        "triage": [
          "signature": signature, "known_issue": ["plugin": plugin, "confidence": "likely"],
          "crashing_module": "STORE \"><svg onload=alert(1)>",
        ],
      ]
      return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
    let lines = [
      line(payload, signature: "STORE!EcGetProp"),
      line("Q276222", signature: "</title><script>alert(2)</script>"),
      line("Q276222", signature: "x' onmouseover='alert(3)"),
    ]
    let input = directory + "/workers.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
    let page = directory + "/triage.html"
    let run = try AnalyseRunner.run(["merge", "--html", page, input])
    #expect(run.status == 5, "the hostile line is counted bad")
    #expect(run.standardError.contains("workers.jsonl:1: the plugin id is not"))
    let html = try String(contentsOfFile: page, encoding: .utf8)
    let structure = HTMLReportTests.checkStructure(html, crashes: 2)
    #expect(structure.elements["script"] == nil && structure.elements["img"] == nil && structure.elements["b"] == nil)
    #expect(structure.foreignMarkup == [])
    #expect(html.contains("&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;"), "the signature is shown as text")
  }

  // MARK: 3. FIFOs and link loops

  @Test("a FIFO in a batch directory is a named failure, never a hang; the other files still appear")
  func fifoInBatch() throws {
    let directory = try Self.scratch("fifo-batch")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Self.listing.write(toFile: directory + "/a.log", atomically: true, encoding: .utf8)
    #expect(mkfifo(directory + "/b.log", 0o600) == 0)
    try Self.listing.write(toFile: directory + "/c.log", atomically: true, encoding: .utf8)
    let run = try AnalyseRunner.run(["--jobs", "1", directory])
    #expect(run.status == 5)
    #expect(run.standardOutput.contains("a.log: EcGetProp"))
    #expect(run.standardOutput.contains("c.log: EcGetProp"))
    #expect(run.standardOutput.contains("\(directory)/b.log: FAILED: a FIFO, not a regular file"))
  }

  @Test("worker and --plugins refuse a FIFO instead of waiting on it")
  func fifoElsewhere() throws {
    let directory = try Self.scratch("fifo-worker")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(mkfifo(directory + "/pipe.log", 0o600) == 0)
    let worker = try AnalyseRunner.run(["worker"], input: Data((directory + "/pipe.log\n").utf8))
    #expect(worker.status == 0)
    #expect(worker.standardOutput.contains("a FIFO, not a regular file"))

    let rules = directory + "/rules"
    try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
    #expect(mkfifo(rules + "/trap.yaml", 0o600) == 0)
    let listed = try AnalyseRunner.run(["plugins", "list", "--plugins", rules])
    #expect(listed.standardError.contains("trap.yaml: a FIFO, not a rule file"))
  }

  @Test("link loops: every file of a batch once, however many links lead back")
  func linkLoops() throws {
    let directory = try Self.scratch("link-loops")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: true)
    try Self.listing.write(toFile: directory + "/sub/only.log", atomically: true, encoding: .utf8)
    #expect(symlink(directory, directory + "/sub/up") == 0)
    #expect(symlink(directory + "/sub", directory + "/sub/again") == 0)
    #expect(symlink(directory, directory + "/self") == 0)
    let run = try AnalyseRunner.run(["--jsonl", directory])
    let lines = run.standardOutput.split(separator: "\n")
    #expect(lines.count == 1, "one file, one line: \(run.standardOutput.prefix(300))")
    #expect(run.status == 0)
  }

  // MARK: 4. Write errors

  @Test("a full disk is a failure: every output mode exits 6 and says why", arguments: [
    ["Examples/Q276222/drwtsn32.log"], ["--json", "Examples/Q276222/drwtsn32.log"], ["--jsonl", "Examples/Q276222"],
    ["Examples/Q276222"], ["--json", "Examples/Q276222"],
  ])
  func fullDisk(_ arguments: [String]) throws {
    let run = try AnalyseRunner.run(arguments, outputFile: "/dev/full")
    #expect(run.status == 6)
    #expect(run.standardError.contains("cannot write standard output: No space left on device"))
  }

  @Test("worker and merge on a full disk exit 6")
  func fullDiskWorkerAndMerge() throws {
    let worker = try AnalyseRunner.run(["worker"], input: Data("Examples/Q276222/drwtsn32.log\n".utf8), outputFile: "/dev/full")
    #expect(worker.status == 6)
    #expect(worker.standardError.contains("No space left on device"))
    let lines = try AnalyseRunner.run(["--jsonl", "Examples/Q276222"])
    let merge = try AnalyseRunner.run(["merge", "-"], input: Data(lines.standardOutput.utf8), outputFile: "/dev/full")
    #expect(merge.status == 6)
  }

  // MARK: 5. The page's temporary file, and interrupts

  @Test("--html never follows a link planted beside the page, and leaves no temporary file")
  func plantedLink() throws {
    let directory = try Self.scratch("planted")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let victim = directory + "/victim.txt"
    try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
    let page = directory + "/report.html"
    #expect(symlink(victim, page + ".partial") == 0)
    let run = try AnalyseRunner.run(["--html", page, "Examples/Q276222"])
    #expect(run.status == 0)
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    #expect(left == ["report.html", "report.html.partial", "victim.txt"])
    #expect(FileManager.default.isReadableFile(atPath: page))
  }

  @Test("Ctrl-C during --jsonl: whole lines only, exit 130")
  func interruptedLines() throws {
    let directory = try Self.scratch("interrupt")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for index in 0..<400 {
      try Self.listing.write(toFile: directory + "/\(index).log", atomically: false, encoding: .utf8)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: AnalyseRunner.executable)
    process.arguments = ["--jsonl", "--jobs", "1", "--no-default-symbols", directory]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Read the first line, then interrupt while the rest is being written.
    let reader = output.fileHandleForReading
    var received = Data()
    while !received.contains(0x0A) {
      let chunk = reader.availableData
      if chunk.isEmpty { break }
      received += chunk
    }
    kill(process.processIdentifier, SIGINT)
    received += reader.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 130 || process.terminationStatus == 0)
    #expect(received.last == 0x0A, "the output ends on a whole line")
    for line in received.split(separator: 0x0A) {
      #expect((try? JSONSerialization.jsonObject(with: Data(line))) != nil)
    }
  }

  // MARK: 8. Records planted through file names

  @Test("symbols learn: a file name holding line breaks cannot plant a FUNC record")
  func plantedRecord() throws {
    let directory = try Self.scratch("learn")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let name = directory + "/x\nFUNC 0 7fffffff 0 INJECTED\nINFO y.log"
    let listing = """
      ChildEBP RetAddr  Args to Child
      0012f9a0 00401234 00000001 00000002 00000003 EMSMTA!otpmralt+0x34
      0012fa00 00402345 00000001 00000002 00000003 EMSMTA!otpurert+0x45

      """
    try listing.write(toFile: name, atomically: true, encoding: .utf8)
    let out = directory + "/store"
    let learn = try AnalyseRunner.run(["symbols", "learn", name, "--out", out, "--base", "EMSMTA=0x00400000"])
    #expect(learn.status == 0, "\(learn.standardError)")
    let files = FileManager.default.enumerator(atPath: out)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".sym") } ?? []
    #expect(files.count == 1)
    let text = try String(contentsOfFile: out + "/" + files[0], encoding: .utf8)
    #expect(!text.split(separator: "\n").contains { $0.hasPrefix("FUNC") && $0.hasSuffix("INJECTED") })
    #expect(text.split(separator: "\n").allSatisfy { ["MODULE", "INFO", "FUNC"].contains($0.split(separator: " ").first ?? "") })
    let answer = try AnalyseRunner.run(["symbolize", "--obj", out + "/" + files[0], "0x7ffff000"])
    #expect(!answer.standardOutput.contains("INJECTED"))
  }

  // MARK: 9. Terminal escapes in file names

  @Test("a file name holding ESC is printed escaped on batch lines and Input:")
  func terminalEscapes() throws {
    let directory = try Self.scratch("escapes")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let name = directory + "/evil\u{1B}]0;owned\u{07}\u{1B}[2J.log"
    try Self.listing.write(toFile: name, atomically: true, encoding: .utf8)
    let single = try AnalyseRunner.run([name])
    let batch = try AnalyseRunner.run([directory])
    for run in [single, batch] {
      #expect(!run.standardOutput.contains("\u{1B}") && !run.standardOutput.contains("\u{07}"))
      #expect(run.standardOutput.contains("evil\\x1b]0;owned\\x07\\x1b[2J.log"))
    }
    #expect(single.standardOutput.contains("Input:"))
  }

  @Test("a Swift name that aborts the runtime's demangler stays mangled; analyse finishes and reports")
  func abortingSwiftName() throws {
    let listing = """
      Thread 0 Crashed:
      0   ledger   0x0000000100003f00 $s$_RVs + 12
      1   ledger   0x0000000100003f80 $s6ledger7JournalC5closeSiyF + 20

      """
    let run = try AnalyseRunner.run(["-"], input: Data(listing.utf8))
    #expect(run.status == 0)
    #expect(run.standardOutput.contains("ledger!$s$_RVs+0xc"))
    #expect(run.standardOutput.contains("Journal.close()"))
    #expect(run.standardOutput.contains("warning: the Swift runtime's demangler aborted on `$s$_RVs`, left as printed"))
  }
}
