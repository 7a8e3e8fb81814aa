//===--- TriageHTMLWriter.swift - The triage summary as one HTML page --------===//
//
// A self-contained page (no script, no network: inline CSS and SVG) with the
// bar chart of the largest buckets, the known-issue table, the bucket table,
// the failures, and every crash's report in a <details> element one click
// away. Crashes arrive one at a time while the batch runs and are spooled to
// an anonymous temporary file, so memory stays bounded by the buckets, never
// by the batch; `finish` writes the summary first and then copies the spool.
// The page is written next to its destination and renamed into place.
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
    let anchor = "crash-\(result.index + 1)"
    let record = result.record
    var html: String
    if let failure = record.failure {
      html = "<details id=\"\(anchor)\" class=\"crash failed\"><summary><span class=\"path\">"
      html += HTMLText.escape(record.path) + "</span> <span class=\"tag failed\">failed</span></summary>\n"
      html += "<pre>" + HTMLText.escape(failure) + "</pre></details>\n"
    } else {
      let signature = record.signature ?? "no stack"
      if examples[signature, default: []].count < Self.examplesPerBucket { examples[signature, default: []].append(result.index + 1) }
      html = "<details id=\"\(anchor)\" class=\"crash\"><summary><span class=\"path\">" + HTMLText.escape(record.path)
      html += "</span> <span class=\"sig\">" + HTMLText.escape(HTMLText.truncate(signature, 160)) + "</span>"
      if let issue = record.knownIssue {
        html += " <span class=\"tag \(issue.confidence.rawValue.split(separator: " ").joined(separator: "-"))\">"
        html += HTMLText.escape("\(issue.plugin) \(issue.confidence.rawValue)") + "</span>"
      }
      html += "</summary>\n<p>Bucket: <a href=\"#\(HTMLText.bucketAnchor(signature))\">"
      html += HTMLText.escape(HTMLText.truncate(signature, 160)) + "</a></p>\n"
      if let report = result.report {
        var text = TextReportWriter.render(report, classification: result.classification)
        if text.utf8.count > maximumReportBytes {
          text = String(decoding: text.utf8.prefix(maximumReportBytes), as: UTF8.self)
          text += "\n… report cut at \(maximumReportBytes) bytes; run analyse on the file for all of it\n"
        }
        html += "<pre>" + HTMLText.escape(text) + "</pre>"
      }
      html += "</details>\n"
      for finding in result.classification?.findings ?? [] where issues[finding.plugin] == nil && issues.count < 10_000 {
        issues[finding.plugin] = (finding.title, finding.remedy.map(Self.remedyText))
      }
    }
    write(html, to: spool)
    spooled += 1
  }

  /// Writes the page: the summary, then every spooled crash. `tool` names the program in the footer.
  public func finish(_ summary: TriageSummary, tool: String, generated: Int) throws(TriageHTMLError) {
    if spoolFailed { throw .cannotWrite(path: path, reason: "the temporary spool could not be written") }
    let partial = path + ".partial"
    guard let page = fopen(partial, "w") else {
      throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
    }
    var ok = write(head(summary, generated: generated), to: page)
    ok = ok && write(sections(summary), to: page)
    ok = ok && write("<section id=\"crashes\">\n<h2>Crashes</h2>\n", to: page)
    if spooled == 0 { ok = ok && write("<p class=\"empty\">The crashes were not part of this run (a merged summary).</p>\n", to: page) }
    fflush(spool)
    rewind(spool)
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while ok {
      let count = fread(&buffer, 1, buffer.count, spool)
      if count == 0 { break }
      ok = fwrite(buffer, 1, count, page) == count
    }
    ok = ok && ferror(spool) == 0
    ok = ok && write("</section>\n<footer>Written by \(HTMLText.escape(tool)) on \(TriageReportWriter.date(generated)) UTC.</footer>\n</body>\n</html>\n", to: page)
    let reason = String(cString: strerror(errno))
    ok = (fclose(page) == 0) && ok
    guard ok, rename(partial, path) == 0 else {
      unlink(partial)
      throw .cannotWrite(path: path, reason: reason)
    }
  }

  // MARK: - Parts of the page

  private func head(_ summary: TriageSummary, generated: Int) -> String {
    let buckets = summary.buckets.count
    var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    out += "<title>Crash triage: \(summary.total) inputs, \(buckets) buckets</title>\n<style>\n\(Self.style)</style>\n</head>\n<body>\n"
    out += "<header>\n<h1>Crash triage</h1>\n<p class=\"totals\"><strong>\(summary.total)</strong> inputs · <strong>\(buckets)</strong> buckets · "
    out += "<strong>\(summary.failures.count)</strong> failed · \(TriageReportWriter.date(generated)) UTC</p>\n"
    out += "<nav><a href=\"#top-buckets\">Top buckets</a> <a href=\"#known-issues\">Known issues</a> "
    out += "<a href=\"#buckets\">Buckets</a> <a href=\"#failures\">Failures</a> <a href=\"#crashes\">Crashes</a></nav>\n</header>\n"
    return out
  }

  private func sections(_ summary: TriageSummary) -> String {
    let buckets = summary.sortedBuckets
    var out = "<section id=\"top-buckets\">\n<h2>Top buckets</h2>\n" + TriageBarChart.svg(buckets)
    out += "<p class=\"legend\"><span class=\"tag confirmed\">confirmed</span> <span class=\"tag likely\">likely</span> "
    out += "<span class=\"tag possible\">possible</span> <span class=\"tag ruled-out\">ruled out</span> "
    out += "<span class=\"tag unknown\">no known issue</span></p>\n</section>\n"
    out += knownIssueTable(buckets) + bucketTable(buckets) + failureTable(summary)
    return out
  }

  private func knownIssueTable(_ buckets: [TriageBucket]) -> String {
    var rows: [String: (crashes: [String: Int], buckets: Int)] = [:]
    for bucket in buckets {
      for (key, count) in bucket.knownIssues {
        let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { continue }
        rows[parts[0], default: ([:], 0)].crashes[parts[1], default: 0] += count
      }
      if let top = bucket.knownIssue?.split(separator: " ", maxSplits: 1).first { rows[String(top), default: ([:], 0)].buckets += 1 }
    }
    var out = "<section id=\"known-issues\">\n<h2>Known issues</h2>\n"
    guard !rows.isEmpty else { return out + "<p class=\"empty\">No crash matched a known issue.</p>\n</section>\n" }
    out += "<table>\n<thead><tr><th>Issue</th><th>Title</th><th class=\"num\">Crashes</th><th>By confidence</th>"
    out += "<th class=\"num\">Buckets</th><th>Remedy</th></tr></thead>\n<tbody>\n"
    let ordered = rows.sorted { ($0.value.crashes.values.reduce(0, +), $1.key) > ($1.value.crashes.values.reduce(0, +), $0.key) }
    for (plugin, row) in ordered {
      let total = row.crashes.values.reduce(0, +)
      let byConfidence = Confidence.allCases.sorted(by: >).compactMap { confidence -> String? in
        guard let count = row.crashes[confidence.rawValue] else { return nil }
        let tone = confidence.rawValue.split(separator: " ").joined(separator: "-")
        return "<span class=\"tag \(tone)\">\(HTMLText.escape(confidence.rawValue)) \(count)</span>"
      }
      let known = issues[plugin]
      out += "<tr><td>\(HTMLText.escape(plugin))</td><td>\(HTMLText.escape(known?.title ?? ""))</td><td class=\"num\">\(total)</td>"
      out += "<td>\(byConfidence.joined(separator: " "))</td><td class=\"num\">\(row.buckets)</td>"
      out += "<td>\(HTMLText.escape(known?.remedy ?? ""))</td></tr>\n"
    }
    return out + "</tbody>\n</table>\n</section>\n"
  }

  private func bucketTable(_ buckets: [TriageBucket]) -> String {
    var out = "<section id=\"buckets\">\n<h2>Buckets</h2>\n"
    guard !buckets.isEmpty else { return out + "<p class=\"empty\">No buckets.</p>\n</section>\n" }
    out += "<table>\n<thead><tr><th class=\"num\">#</th><th class=\"num\">Crashes</th><th>Signature</th><th>Known issue</th>"
    out += "<th>First seen</th><th>Last seen</th><th>Modules</th><th>Crashes</th></tr></thead>\n<tbody>\n"
    for (rank, bucket) in buckets.enumerated() {
      let modules = bucket.modules.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
        .map { HTMLText.escape($0.key) + ($0.value > 1 ? " ×\($0.value)" : "") }
      let links = (examples[bucket.signature] ?? []).map { "<a href=\"#crash-\($0)\">\($0)</a>" }
      let issue = bucket.knownIssue.map { "<span class=\"tag \(TriageBarChart.tone(of: bucket))\">\(HTMLText.escape($0))</span>" } ?? ""
      out += "<tr id=\"\(HTMLText.bucketAnchor(bucket.signature))\"><td class=\"num\">\(rank + 1)</td><td class=\"num\">\(bucket.count)</td>"
      out += "<td class=\"sig\">\(HTMLText.escape(bucket.signature))</td><td>\(issue)</td>"
      out += "<td class=\"date\">\(bucket.firstSeen.map(TriageReportWriter.date) ?? "")</td>"
      out += "<td class=\"date\">\(bucket.lastSeen.map(TriageReportWriter.date) ?? "")</td>"
      out += "<td>\(modules.joined(separator: "<br>"))</td><td>\(links.joined(separator: " "))</td></tr>\n"
    }
    return out + "</tbody>\n</table>\n</section>\n"
  }

  private func failureTable(_ summary: TriageSummary) -> String {
    var out = "<section id=\"failures\">\n<h2>Failures</h2>\n"
    guard !summary.failures.isEmpty else { return out + "<p class=\"empty\">Every input was analysed.</p>\n</section>\n" }
    out += "<table>\n<thead><tr><th>Input</th><th>Reason</th></tr></thead>\n<tbody>\n"
    for failure in summary.failures.prefix(1_000) {
      out += "<tr><td class=\"path\">\(HTMLText.escape(failure.path))</td><td>\(HTMLText.escape(failure.reason))</td></tr>\n"
    }
    if summary.failures.count > 1_000 {
      out += "<tr><td colspan=\"2\">… and \(summary.failures.count - 1_000) more (each is under Crashes)</td></tr>\n"
    }
    return out + "</tbody>\n</table>\n</section>\n"
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

  @discardableResult
  private func write(_ text: String, to file: UnsafeMutablePointer<FILE>) -> Bool {
    var text = text
    let ok = text.withUTF8 { bytes in bytes.isEmpty || fwrite(bytes.baseAddress, 1, bytes.count, file) == bytes.count }
    if !ok && file == spool { spoolFailed = true }
    return ok
  }

  private static let style = """
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
