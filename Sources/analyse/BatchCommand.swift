//===--- BatchCommand.swift - `analyse PATH…` over many inputs ---------------===//
//
// Files, directories (recursively) and --files-from lists, analysed on every
// core, results in input order. Text: a line per input, then the triage table.
// --jsonl: one report per line with its path. --json: the triage summary.
// A progress line on stderr when it is a terminal. Exit 0 when every input was
// analysed, 5 when some could not be (each reported with its reason).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import ByteReading
import CrashAnalysis
import CrashCore
import Signatures
import Symbolication

#if canImport(Glibc)
  import Glibc
#endif

extension ReportRequest {
  func runBatch() throws {
    var paths = inputs
    if let list = filesFrom { paths += try Self.readList(list) }
    let files = BatchAnalyser.expand(paths, filter: BatchFileFilter(include: include, exclude: exclude))
    let plugins = RunPlugins(rulePaths: rulePaths, timeLimit: pluginTimeout)
    var batch = BatchAnalyser(pipeline: plugins.pipeline)
    batch.options = analysisOptions
    batch.options.acceptsStreams = false
    batch.symbolStore = symbolStore
    batch.sourceMaps = sourceMaps
    if let jobs { batch.jobs = jobs }

    let progress = isatty(2) == 1
    let colouring = color.isOn
    let started = Self.now()
    var summary = TriageSummary()
    summary.pluginErrors = plugins.errors
    var done = 0
    let page: TriageHTMLWriter?
    do {
      page = try html.map { try TriageHTMLWriter(path: $0) }
    } catch {
      throw ValidationError("\(error)")
    }
    // Output that cannot be written ends the batch: nothing more would reach anyone.
    batch.run(files, shouldStop: { Console.output.failure != nil }) { result in
      done += 1
      summary.add(result.record)
      page?.add(result)
      // One line per failure: on the report stream in text mode (`path: FAILED: reason`), on
      // standard error when the report stream is JSON.
      if let failure = result.record.failure, json || jsonl {
        Console.error((progress ? "\r\u{1B}[K" : "") + "analyse: \(result.record.path): \(failure)\n")
      }
      if jsonl {
        Console.record(Self.jsonLine(result) + "\n")
      } else if !json {
        let line = TextLimits.printable(Self.textLine(result.record))
        Console.record((colouring ? Colour.apply(line) : line) + "\n")
      }
      if progress && (done % 10 == 0 || done == files.count) {
        let rate = Double(done) / max(Self.now() - started, 0.001)
        Console.error("\r\u{1B}[K[\(done)/\(files.count)] \(Int(rate)) files/s, \(summary.failures.count) failed")
      }
    }
    if progress { Console.error("\n") }
    try Console.finish()
    if let page { try Self.finish(page, summary) }
    if json {
      Console.json(TriageReportWriter.json(summary) + "\n")
    } else if !jsonl {
      Console.text("\n" + TriageReportWriter.text(summary, listingFailures: false))
    }
    try Console.finish()
    if !summary.failures.isEmpty { throw ExitCode(AnalyseExitStatus.batchHadFailures.rawValue) }
    try plugins.requireAllLoaded()
  }

  /// Writes the HTML page beside its destination and renames it into place; a failure is
  /// reported and exits with the output status (6).
  static func finish(_ page: TriageHTMLWriter, _ summary: TriageSummary) throws {
    do {
      let file = try AtomicOutputFile(path: page.path)
      Interrupts.removeOnInterrupt(file.temporaryPath)
      defer { Interrupts.clearTemporaryFile() }
      do {
        try page.write(summary, tool: "analyse \(AnalyseVersion.current)", generated: time(nil), to: file.stream)
      } catch {
        file.discard()
        throw error
      }
      try file.commit()
    } catch {
      Console.error("analyse: \(error)\n")
      throw ExitCode(AnalyseExitStatus.outputFailed.rawValue)
    }
  }

  static func textLine(_ record: BatchRecord) -> String {
    if let failure = record.failure { return "\(record.path): FAILED: \(failure)" }
    var line = "\(record.path): \(record.signature ?? "no stack")"
    if let issue = record.knownIssue { line += "  [\(issue.plugin) \(issue.confidence.rawValue)]" }
    return line
  }

  static func jsonLine(_ result: BatchResult, id: JSONValue? = nil) -> String {
    var head: [(String, JSONValue)] = [("path", .string(result.record.path))]
    if let id { head.append(("id", id)) }
    head.append(("triage", TriageReportWriter.recordValue(result.record)))
    guard let report = result.report,
      case .object(let members) = JSONReportWriter.value(for: report, classification: result.classification)
    else {
      return JSONValue.object(head + [("error", .string(result.record.failure ?? "failed"))]).serialized(indent: 0)
    }
    return JSONValue.object(head + members).serialized(indent: 0)
  }

  static func readList(_ source: String) throws -> [String] {
    let handle: UnsafeMutablePointer<FILE>
    if source == "-" {
      guard let input = fdopen(dup(0), "r") else { throw ValidationError("cannot read standard input") }
      handle = input
    } else {
      let opened: (descriptor: Int32, status: stat)
      do {
        opened = try FileOpener.openForReading(source, accepting: [.regular, .fifo, .characterDevice])
      } catch {
        throw ValidationError("cannot read the list \(error)")
      }
      guard let file = fdopen(opened.descriptor, "r") else {
        close(opened.descriptor)
        throw ValidationError("cannot read the list \(source)")
      }
      handle = file
    }
    defer { fclose(handle) }
    // Paths are lines; a line longer than PATH_MAX is not a path.
    var reader = BoundedLineReader(handle, maximumLength: 4096)
    var paths: [String] = []
    var number = 0
    while let line = reader.next() {
      number += 1
      guard case .text(let bytes) = line else {
        Console.error("analyse: \(source):\(number): longer than 4096 bytes; not a path, skipped\n")
        continue
      }
      var path = String(decoding: bytes, as: UTF8.self)
      if path.hasSuffix("\r") { path.removeLast() }
      path = String(path.drop { $0 == " " })
      if !path.isEmpty { paths.append(path) }
    }
    return paths
  }

  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
