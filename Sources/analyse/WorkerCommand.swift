//===--- WorkerCommand.swift - `analyse worker` and `analyse merge` ----------===//
//
//   analyse worker [--symbols DIR]… [--plugins DIR]…
//       reads requests on stdin, one per line — a path, or a JSON object
//       {"path": "...", "id": ...} — and writes one JSON line per request (the
//       report, its findings and a `triage` object; `id` echoed). For GNU
//       parallel, a Kubernetes Indexed Job or Spark's `pipe` (docs/scaling.md).
//   analyse merge FILE… [--json]
//       reads the JSON Lines of workers or `--jsonl` runs and prints one triage
//       summary, as if one process had seen every input.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import ByteReading
import CrashAnalysis
import CrashCore
import Signatures
import SourceMaps
import Symbolication

#if canImport(Glibc)
  import Glibc
#endif

struct WorkerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "worker", abstract: "Analyse the paths or JSON requests read on stdin; write JSON Lines.")

  @Option(name: .customLong("symbols"), help: ArgumentHelp("A symbol store (repeatable).", valueName: "dir"))
  var symbolRoots: [String] = []

  @Flag(name: .long, help: "Do not search the shipped Symbols/ store.")
  var noDefaultSymbols = false

  @OptionGroup(title: "Symbol servers")
  var symbolPath: SymbolPathOptions

  @Option(
    name: .customLong("plugins"),
    help: ArgumentHelp("A rule file, or a directory of rule files (repeatable).", valueName: "path"))
  var rulePaths: [String] = []

  func run() throws {
    // A worker serves many requests: it does not start with a rule missing.
    let plugins = RunPlugins(rulePaths: rulePaths)
    try plugins.requireAllLoaded()
    var batch = BatchAnalyser(pipeline: plugins.pipeline)
    let roots = symbolRoots + (noDefaultSymbols ? [] : [ShippedSymbols.defaultRoot].compactMap { $0 })
    // One store for every request: each symbol file is loaded once per worker process.
    batch.symbolStore = symbolPath.store(roots: roots)
    batch.sourceMaps = symbolRoots.isEmpty ? nil : SourceMapResolver(directories: symbolRoots)
    var index = 0
    // Requests are paths or small JSON objects: a line past 64 KiB is answered with an error.
    guard let input = fdopen(dup(0), "r") else { throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue) }
    defer { fclose(input) }
    var reader = BoundedLineReader(input, maximumLength: 64 * 1024)
    while let next = reader.next() {
      guard case .text(let bytes) = next else {
        let message = "request \(index + 1) is longer than 65536 bytes"
        Console.record(JSONValue.object([("error", .string(message))]).serialized(indent: 0) + "\n")
        index += 1
        continue
      }
      let trimmed = Self.trimmed(String(decoding: bytes, as: UTF8.self))
      guard !trimmed.isEmpty else { continue }
      var path = trimmed
      var id: JSONValue?
      if trimmed.hasPrefix("{") {
        guard let object = try? JSONValue.parse(trimmed), let requested = object["path"]?.stringValue else {
          let message = "request \(index + 1) is not {\"path\": …}"
          Console.record(JSONValue.object([("error", .string(message))]).serialized(indent: 0) + "\n")
          index += 1
          continue
        }
        path = requested
        if let number = object["id"]?.intValue { id = .int(number) } else if let text = object["id"]?.stringValue { id = .string(text) }
      }
      let result = batch.analyse(path, index: index)
      // Each answer leaves as soon as it is ready, whole.
      Console.record(ReportRequest.jsonLine(result, id: id) + "\n")
      index += 1
      if Console.output.failure != nil { break }
    }
    try Console.finish()
  }
}

extension WorkerCommand {
  /// `line` without blanks (and a carriage return) at either end.
  static func trimmed(_ line: String) -> String {
    func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" || character == "\r\n" || character == "\r" }
    var text = Substring(line)
    while let first = text.first, isBlank(first) { text = text.dropFirst() }
    while let last = text.last, isBlank(last) { text = text.dropLast() }
    return String(text)
  }
}

struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge", abstract: "Merge the JSON Lines of workers or --jsonl runs into one triage summary.")

  @Argument(help: "JSON Lines files (- for standard input).")
  var files: [String]

  @Flag(name: .long, help: "Print the summary as JSON.")
  var json = false

  @Option(name: .long, help: ArgumentHelp("Also write the triage as a self-contained HTML page.", valueName: "file"))
  var html: String?

  @Option(name: .long, help: "Skip (and count as bad) JSON lines longer than this many bytes.")
  var maxLineLength = 256 << 20

  func run() throws {
    var summary = TriageSummary()
    let page: TriageHTMLWriter?
    do {
      page = try html.map { try TriageHTMLWriter(path: $0) }
    } catch {
      throw ValidationError("\(error)")
    }
    var bad = 0
    for file in files {
      let handle: UnsafeMutablePointer<FILE>
      if file == "-" {
        guard let input = fdopen(dup(0), "r") else { throw fail("cannot read standard input") }
        handle = input
      } else {
        let opened: (descriptor: Int32, status: stat)
        do {
          opened = try FileOpener.openForReading(file, accepting: [.regular, .fifo, .characterDevice])
        } catch {
          throw fail("\(error)")
        }
        guard let input = fdopen(opened.descriptor, "r") else {
          close(opened.descriptor)
          throw fail("cannot read \(file)")
        }
        handle = input
      }
      defer { fclose(handle) }
      // One line at a time, each of bounded length: memory per bucket, never per line read.
      var reader = BoundedLineReader(handle, maximumLength: maxLineLength)
      var number = 0
      while let next = reader.next() {
        number += 1
        guard case .text(let bytes) = next else {
          bad += 1
          Console.error("analyse: \(file):\(number): line longer than \(maxLineLength) bytes; skipped\n")
          continue
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
        let record: BatchRecord
        switch BatchRecord.parse(jsonLine: bytes) {
        case .success(let read): record = read
        case .failure(let problem):
          bad += 1
          Console.error("analyse: \(file):\(number): \(problem.reason); skipped\n")
          continue
        }
        page?.add(BatchResult(index: summary.total, record: record))
        summary.add(record)
      }
    }
    if let page { try ReportRequest.finish(page, summary) }
    if json { Console.json(TriageReportWriter.json(summary) + "\n") } else { Console.text(TriageReportWriter.text(summary)) }
    try Console.finish()
    if bad > 0 { throw ExitCode(AnalyseExitStatus.batchHadFailures.rawValue) }
  }
}
