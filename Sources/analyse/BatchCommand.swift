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
import CrashAnalysis
import CrashCore
import Signatures
import Symbolication

#if canImport(Glibc)
  import Glibc
#endif

extension AnalyseCommand {
  func runBatch() throws {
    var paths = inputs
    if let list = filesFrom { paths += try Self.readList(list) }
    let files = BatchAnalyser.expand(paths)
    let loaded = BundledPlugins.all(ruleDirectories: pluginDirectories)
    for error in loaded.errors { FileDescriptorOutput.standardError.write("analyse: rule skipped: \(error)\n") }
    var batch = BatchAnalyser(pipeline: SignaturePipeline(plugins: loaded.plugins))
    batch.options = analysisOptions
    batch.maximumSymbolFileSize = maxSymbolFileSize
    batch.symbolRoots = symbolRoots + (noDefaultSymbols ? [] : [ShippedSymbols.defaultRoot].compactMap { $0 })
    if let jobs { batch.jobs = jobs }

    let progress = isatty(2) == 1
    let started = Self.now()
    var summary = TriageSummary()
    var done = 0
    let out = FileDescriptorOutput.standardOutput
    let page: TriageHTMLWriter?
    do {
      page = try html.map { try TriageHTMLWriter(path: $0) }
    } catch {
      throw ValidationError("\(error)")
    }
    batch.run(files) { result in
      done += 1
      summary.add(result.record)
      page?.add(result)
      if let failure = result.record.failure {
        FileDescriptorOutput.standardError.write((progress ? "\r\u{1B}[K" : "") + "analyse: \(failure)\n")
      }
      if jsonl {
        out.write(Self.jsonLine(result) + "\n")
      } else if !json {
        out.write(Self.textLine(result.record) + "\n")
      }
      if progress && (done % 10 == 0 || done == files.count) {
        let rate = Double(done) / max(Self.now() - started, 0.001)
        FileDescriptorOutput.standardError.write(
          "\r\u{1B}[K[\(done)/\(files.count)] \(Int(rate)) files/s, \(summary.failures.count) failed")
      }
    }
    if progress { FileDescriptorOutput.standardError.write("\n") }
    if let page { try Self.finish(page, summary) }
    if json {
      out.write(TriageReportWriter.json(summary) + "\n")
    } else if !jsonl {
      out.write("\n" + TriageReportWriter.text(summary))
    }
    if !summary.failures.isEmpty { throw ExitCode(AnalyseExitStatus.batchHadFailures.rawValue) }
  }

  /// Writes the HTML page; a failure is reported and exits with the I/O status.
  static func finish(_ page: TriageHTMLWriter, _ summary: TriageSummary) throws {
    do {
      try page.finish(summary, tool: "analyse \(AnalyseVersion.current)", generated: time(nil))
    } catch {
      FileDescriptorOutput.standardError.write("analyse: \(error)\n")
      throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
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
    var text = ""
    if source == "-" {
      while let line = readLine() { text += line + "\n" }
    } else {
      guard let file = fopen(source, "r") else {
        throw ValidationError("cannot read the list \(source): \(String(cString: strerror(errno)))")
      }
      defer { fclose(file) }
      var buffer = [CChar](repeating: 0, count: 4096)
      while fgets(&buffer, Int32(buffer.count), file) != nil {
        text += String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      }
    }
    return text.split(separator: "\n").map { String($0.drop { $0 == " " }) }.filter { !$0.isEmpty }
  }

  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
