//===--- TriageHTMLWriter.swift - The triage summary as one HTML page --------===//
//
// A self-contained page (no script, no network: inline CSS and SVG) with the
// bar chart of the largest buckets, the known-issue table, the bucket table,
// the failures, and every crash's report in a <details> element one click
// away. Crashes arrive one at a time while the batch runs and are spooled to
// an anonymous temporary file, so memory stays bounded by the buckets, never
// by the batch; the page is written when the batch ends: the summary first,
// then the spool. Every element goes through HTMLBuilder, the one place that
// escapes. `finish` writes the page beside its destination (O_EXCL) and
// renames it into place (AtomicOutputFile).
//
//===----------------------------------------------------------------------===//

import CrashCore
import Signatures

#if canImport(Glibc)
  import Glibc
#endif

/// Why the triage page could not be written.
public enum TriageHTMLError: Error, CustomStringConvertible, Equatable {
  /// The temporary spool or the page could not be created.
  case cannotCreate(path: String, reason: String)
  /// Writing failed (disk full, I/O error).
  case cannotWrite(path: String, reason: String)

  /// The message, naming the path.
  public var description: String {
    switch self {
    case .cannotCreate(let path, let reason): "cannot create the HTML report \(path): \(reason)"
    case .cannotWrite(let path, let reason): "cannot write the HTML report \(path): \(reason)"
    }
  }
}

/// Writes the triage page of a batch.
public final class TriageHTMLWriter {
  /// Where the page goes.
  public let path: String
  /// Bytes of one crash's report kept on the page; the rest is cut with a note.
  public var maximumReportBytes = 48 * 1024
  /// Crash links kept per bucket in the bucket table.
  public static let examplesPerBucket = 5

  private let spool: UnsafeMutablePointer<FILE>
  private var spooled = 0
  private var spoolFailed = false
  private var examples: [String: [Int]] = [:]
  private var issues: [String: (title: String, remedy: String?)] = [:]

  /// A writer for the page at `path`; fails when no temporary spool can be created.
  public init(path: String) throws(TriageHTMLError) {
    guard let spool = tmpfile() else {
      throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
    }
    self.path = path
    self.spool = spool
  }

  deinit { fclose(spool) }

  /// Adds one input's result to the page (call in input order).
  public func add(_ result: BatchResult) {
    var html = HTMLBuilder()
    let anchor = "crash-\(result.index + 1)"
    let record = result.record
    if let failure = record.failure {
      html.element(.details, [(.id, anchor), (.class, "crash failed")]) { html in
        html.element(.summary) { html in
          html.element(.span, [(.class, "path")], text: record.path)
          html.text(" ")
          html.element(.span, [(.class, "tag failed")], text: "failed")
        }
        html.newline()
        html.element(.pre, text: failure)
      }
    } else {
      let signature = record.signature ?? "no stack"
      if examples[signature, default: []].count < Self.examplesPerBucket { examples[signature, default: []].append(result.index + 1) }
      html.element(.details, [(.id, anchor), (.class, "crash")]) { html in
        html.element(.summary) { html in
          html.element(.span, [(.class, "path")], text: record.path)
          html.text(" ")
          html.element(.span, [(.class, "sig")], text: HTMLText.truncate(signature, 160))
          if let issue = record.knownIssue {
            html.text(" ")
            html.element(.span, [(.class, "tag " + ConfidenceTone(issue.confidence).rawValue)], text: issue.description)
          }
        }
        html.newline()
        html.element(.p) { html in
          html.text("Bucket: ")
          html.element(.a, [(.href, "#" + HTMLText.bucketAnchor(signature))], text: HTMLText.truncate(signature, 160))
        }
        html.newline()
        if let report = result.report {
          var text = TextReportWriter.render(report, classification: result.classification)
          if text.utf8.count > maximumReportBytes {
            text = String(decoding: text.utf8.prefix(maximumReportBytes), as: UTF8.self)
            text += "\n… report cut at \(maximumReportBytes) bytes; run analyse on the file for all of it\n"
          }
          html.element(.pre, text: text)
        }
      }
      for finding in result.classification?.findings ?? [] where issues[finding.plugin] == nil && issues.count < 10_000 {
        issues[finding.plugin] = (finding.title, finding.remedy.map(Self.remedyText))
      }
    }
    html.newline()
    write(html.take(), to: spool)
    spooled += 1
  }

  /// Writes the page to `path`: to a new temporary file beside it, renamed into place once whole.
  /// `tool` names the program in the footer.
  public func finish(_ summary: TriageSummary, tool: String, generated: Int) throws(TriageHTMLError) {
    let file: AtomicOutputFile
    do {
      file = try AtomicOutputFile(path: path)
    } catch {
      throw .cannotCreate(path: path, reason: Self.reason(error))
    }
    try write(summary, tool: tool, generated: generated, to: file.stream)
    do {
      try file.commit()
    } catch {
      throw .cannotWrite(path: path, reason: Self.reason(error))
    }
  }

  /// Writes the page to `stream` (which the caller flushes and closes): the summary, then
  /// every spooled crash.
  public func write(_ summary: TriageSummary, tool: String, generated: Int, to stream: OutputStream) throws(TriageHTMLError) {
    if spoolFailed { throw .cannotWrite(path: path, reason: "the temporary spool could not be written") }
    stream.write(head(summary, generated: generated))
    stream.write(sections(summary))
    var html = HTMLBuilder()
    html.start(.section, [(.id, "crashes")])
    html.newline()
    html.element(.h2, text: "Crashes")
    html.newline()
    if spooled == 0 {
      html.element(.p, [(.class, "empty")], text: "The crashes were not part of this run (a merged summary).")
      html.newline()
    }
    stream.write(html.take())
    fflush(spool)
    rewind(spool)
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = fread(&buffer, 1, buffer.count, spool)
      if count == 0 { break }
      buffer.withUnsafeBytes { stream.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
    if ferror(spool) != 0 { throw .cannotWrite(path: path, reason: "the temporary spool could not be read back") }
    html.end(.section)
    html.newline()
    html.element(.footer, text: "Written by \(tool) on \(TriageReportWriter.date(generated)) UTC.")
    html.newline()
    html.end(.body)
    html.newline()
    html.end(.html)
    html.newline()
    stream.write(html.take())
    if let failure = stream.failure { throw .cannotWrite(path: path, reason: Self.reason(failure)) }
  }

  private static func reason(_ error: OutputError) -> String {
    switch error {
    case .cannotCreate(_, let reason), .cannotWrite(_, _, let reason), .cannotReplace(_, let reason): reason
    }
  }

  // MARK: - Parts of the page

  private func head(_ summary: TriageSummary, generated: Int) -> String {
    let buckets = summary.buckets.count
    var html = HTMLBuilder()
    html.doctype()
    html.start(.html, [(.lang, "en")])
    html.newline()
    html.start(.head)
    html.newline()
    html.empty(.meta, [(.charset, "utf-8")])
    html.newline()
    html.empty(.meta, [(.name, "viewport"), (.content, "width=device-width, initial-scale=1")])
    html.newline()
    html.element(.title, text: "Crash triage: \(summary.total) inputs, \(buckets) buckets")
    html.newline()
    html.styleSheet(Self.style)
    html.end(.head)
    html.newline()
    html.start(.body)
    html.newline()
    html.element(.header) { html in
      html.newline()
      html.element(.h1, text: "Crash triage")
      html.newline()
      html.element(.p, [(.class, "totals")]) { html in
        html.element(.strong, text: "\(summary.total)")
        html.text(" inputs · ")
        html.element(.strong, text: "\(buckets)")
        html.text(" buckets · ")
        html.element(.strong, text: "\(summary.failures.count)")
        html.text(" failed · \(TriageReportWriter.date(generated)) UTC")
      }
      html.newline()
      html.element(.nav) { html in
        let sections = [
          ("top-buckets", "Top buckets"), ("known-issues", "Known issues"), ("buckets", "Buckets"),
          ("failures", "Failures"), ("crashes", "Crashes"),
        ]
        for (index, (id, title)) in sections.enumerated() {
          if index > 0 { html.text(" ") }
          html.element(.a, [(.href, "#" + id)], text: title)
        }
      }
      html.newline()
    }
    html.newline()
    return html.take()
  }

  private func sections(_ summary: TriageSummary) -> String {
    let buckets = summary.sortedBuckets
    var html = HTMLBuilder()
    html.element(.section, [(.id, "top-buckets")]) { html in
      html.newline()
      html.element(.h2, text: "Top buckets")
      html.newline()
      TriageBarChart.write(buckets, to: &html)
      html.element(.p, [(.class, "legend")]) { html in
        for (index, tone) in ConfidenceTone.allCases.enumerated() {
          if index > 0 { html.text(" ") }
          html.element(.span, [(.class, "tag " + tone.rawValue)], text: tone.label)
        }
      }
      html.newline()
    }
    html.newline()
    knownIssueTable(buckets, &html)
    bucketTable(buckets, &html)
    failureTable(summary, &html)
    return html.take()
  }

  private func knownIssueTable(_ buckets: [TriageBucket], _ html: inout HTMLBuilder) {
    var rows: [String: (crashes: [Confidence: Int], buckets: Int)] = [:]
    for bucket in buckets {
      for (key, count) in bucket.knownIssues { rows[key.plugin, default: ([:], 0)].crashes[key.confidence, default: 0] += count }
      if let top = bucket.knownIssue { rows[top.plugin, default: ([:], 0)].buckets += 1 }
    }
    html.element(.section, [(.id, "known-issues")]) { html in
      html.newline()
      html.element(.h2, text: "Known issues")
      html.newline()
      guard !rows.isEmpty else {
        html.element(.p, [(.class, "empty")], text: "No crash matched a known issue.")
        html.newline()
        return
      }
      html.element(.table) { html in
        html.newline()
        tableHead(["Issue", "Title", "#Crashes", "By confidence", "#Buckets", "Remedy"], &html)
        html.element(.tbody) { html in
          html.newline()
          let ordered = rows.sorted { ($0.value.crashes.values.reduce(0, +), $1.key) > ($1.value.crashes.values.reduce(0, +), $0.key) }
          for (plugin, row) in ordered {
            let known = issues[plugin]
            html.element(.tr) { html in
              html.element(.td, text: plugin)
              html.element(.td, text: known?.title ?? "")
              html.element(.td, [(.class, "num")], text: "\(row.crashes.values.reduce(0, +))")
              html.element(.td) { html in
                var first = true
                for confidence in Confidence.allCases.sorted(by: >) {
                  guard let count = row.crashes[confidence] else { continue }
                  if !first { html.text(" ") }
                  first = false
                  html.element(.span, [(.class, "tag " + ConfidenceTone(confidence).rawValue)], text: "\(ConfidenceTone(confidence).label) \(count)")
                }
              }
              html.element(.td, [(.class, "num")], text: "\(row.buckets)")
              html.element(.td, text: known?.remedy ?? "")
            }
            html.newline()
          }
        }
        html.newline()
      }
      html.newline()
    }
    html.newline()
  }

  private func bucketTable(_ buckets: [TriageBucket], _ html: inout HTMLBuilder) {
    html.element(.section, [(.id, "buckets")]) { html in
      html.newline()
      html.element(.h2, text: "Buckets")
      html.newline()
      guard !buckets.isEmpty else {
        html.element(.p, [(.class, "empty")], text: "No buckets.")
        html.newline()
        return
      }
      html.element(.table) { html in
        html.newline()
        tableHead(["#", "#Crashes", "Signature", "Known issue", "First seen", "Last seen", "Modules", "Crashes"], &html)
        html.element(.tbody) { html in
          html.newline()
          for (rank, bucket) in buckets.enumerated() {
            html.element(.tr, [(.id, HTMLText.bucketAnchor(bucket.signature))]) { html in
              html.element(.td, [(.class, "num")], text: "\(rank + 1)")
              html.element(.td, [(.class, "num")], text: "\(bucket.count)")
              html.element(.td, [(.class, "sig")], text: bucket.signature)
              html.element(.td) { html in
                if let issue = bucket.knownIssue {
                  html.element(.span, [(.class, "tag " + ConfidenceTone(issue.confidence).rawValue)], text: issue.description)
                }
              }
              html.element(.td, [(.class, "date")], text: bucket.firstSeen.map(TriageReportWriter.date) ?? "")
              html.element(.td, [(.class, "date")], text: bucket.lastSeen.map(TriageReportWriter.date) ?? "")
              html.element(.td) { html in
                let modules = bucket.modules.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
                for (index, module) in modules.enumerated() {
                  if index > 0 { html.empty(.br) }
                  html.text(module.key + (module.value > 1 ? " ×\(module.value)" : ""))
                }
              }
              html.element(.td) { html in
                for (index, example) in (examples[bucket.signature] ?? []).enumerated() {
                  if index > 0 { html.text(" ") }
                  html.element(.a, [(.href, "#crash-\(example)")], text: "\(example)")
                }
              }
            }
            html.newline()
          }
        }
        html.newline()
      }
      html.newline()
    }
    html.newline()
  }

  private func failureTable(_ summary: TriageSummary, _ html: inout HTMLBuilder) {
    html.element(.section, [(.id, "failures")]) { html in
      html.newline()
      html.element(.h2, text: "Failures")
      html.newline()
      guard !summary.failures.isEmpty else {
        html.element(.p, [(.class, "empty")], text: "Every input was analysed.")
        html.newline()
        return
      }
      html.element(.table) { html in
        html.newline()
        tableHead(["Input", "Reason"], &html)
        html.element(.tbody) { html in
          html.newline()
          for failure in summary.failures.prefix(1_000) {
            html.element(.tr) { html in
              html.element(.td, [(.class, "path")], text: failure.path)
              html.element(.td, text: failure.reason)
            }
            html.newline()
          }
          if summary.failures.count > 1_000 {
            html.element(.tr) { html in
              html.element(.td, [(.colspan, "2")], text: "… and \(summary.failures.count - 1_000) more (each is under Crashes)")
            }
            html.newline()
          }
        }
        html.newline()
      }
      html.newline()
    }
    html.newline()
  }

  /// A table head; a title starting with `#` is a number column (`#Crashes` → `Crashes`, right-aligned).
  private func tableHead(_ titles: [String], _ html: inout HTMLBuilder) {
    html.element(.thead) { html in
      html.element(.tr) { html in
        for title in titles {
          if title.hasPrefix("#") {
            html.element(.th, [(.class, "num")], text: title.count == 1 ? title : String(title.dropFirst()))
          } else {
            html.element(.th, text: title)
          }
        }
      }
    }
    html.newline()
  }

  private static func remedyText(_ remedy: Remedy) -> String {
    var text = remedy.summary
    if let fixed = remedy.fixedIn { text += " Fixed in \(fixed)." }
    if !remedy.files.isEmpty {
      let files = remedy.files.map { file -> String in
        guard let version = file.version else { return file.name }
        return file.name + " " + version
      }
      text += " Files: " + files.joined(separator: ", ") + "."
    }
    return text
  }

  private func write(_ text: String, to file: UnsafeMutablePointer<FILE>) {
    guard !spoolFailed else { return }
    var text = text
    let ok = text.withUTF8 { bytes in bytes.isEmpty || fwrite(bytes.baseAddress, 1, bytes.count, file) == bytes.count }
    if !ok { spoolFailed = true }
  }

  private static let style: StaticString = """
    :root { color-scheme: light; --ink: #1d2430; --muted: #5b6475; --line: #d9dee7; }
    body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1200px; padding: 0 24px 48px; }
    header { border-bottom: 2px solid var(--ink); margin-bottom: 8px; }
    h1 { margin: 20px 0 4px; font-size: 24px; }
    h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
    nav a { margin-right: 14px; }
    .totals { margin: 0 0 8px; color: var(--muted); }
    table { border-collapse: collapse; width: 100%; }
    th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
    th { background: #f2f4f8; font-weight: 600; }
    td.date, .tag { white-space: nowrap; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    td.sig, .sig, .path { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; word-break: break-all; }
    tr:target { background: #fff6cc; }
    .chart .label { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; fill: var(--ink); }
    .chart .count { font: 12px system-ui, sans-serif; fill: var(--muted); }
    .chart a:hover .bar { opacity: 0.75; }
    .bar.confirmed { fill: #b3261e; } .bar.likely { fill: #e8710a; } .bar.possible { fill: #d4a72c; }
    .bar.ruled-out { fill: #5f8f3e; } .bar.unknown { fill: #6b7b93; }
    .tag { display: inline-block; border-radius: 3px; padding: 0 6px; font-size: 12px; color: #fff; background: #6b7b93; }
    .tag.confirmed { background: #b3261e; } .tag.likely { background: #e8710a; } .tag.possible { background: #b8860b; }
    .tag.ruled-out { background: #5f8f3e; } .tag.failed { background: #444; }
    details.crash { border-bottom: 1px solid var(--line); padding: 4px 0; }
    details.crash summary { cursor: pointer; }
    details.crash pre { background: #f7f8fa; border: 1px solid var(--line); padding: 8px; overflow-x: auto; font-size: 12px; }
    details.crash:target, details.crash[open] { background: #fcfcfd; }
    .empty, .legend { color: var(--muted); }
    footer { margin-top: 32px; color: var(--muted); font-size: 12px; }

    """
}
