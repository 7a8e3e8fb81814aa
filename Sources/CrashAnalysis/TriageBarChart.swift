//===--- TriageBarChart.swift - The top buckets as an inline SVG bar chart ---===//
//
// One horizontal bar per bucket, longest first, coloured by the confidence of
// the known issue the bucket maps to; each bar links to the bucket's row. The
// SVG is written inline, so the page needs no script and no network.
//
//===----------------------------------------------------------------------===//

/// Draws the top buckets of a triage summary.
enum TriageBarChart {
  /// Bars drawn at most.
  static let maximumBars = 10

  /// The chart as an `<svg>` element, or a paragraph when there are no buckets.
  static func svg(_ buckets: [TriageBucket]) -> String {
    let shown = Array(buckets.prefix(maximumBars))
    guard let largest = shown.map(\.count).max(), largest > 0 else {
      return "<p class=\"empty\">No crashes with a stack.</p>\n"
    }
    let rowHeight = 28
    let labelWidth = 430
    let barArea = 420
    let width = labelWidth + barArea + 70
    let height = shown.count * rowHeight + 8
    var out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" "
    out += "width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-labelledby=\"chart-title\">\n"
    out += "<title id=\"chart-title\">The \(shown.count) largest buckets by number of crashes</title>\n"
    for (row, bucket) in shown.enumerated() {
      let y = 4 + row * rowHeight
      let length = max(2, bucket.count * barArea / largest)
      let tone = tone(of: bucket)
      out += "<a href=\"#\(HTMLText.bucketAnchor(bucket.signature))\">"
      out += "<title>\(HTMLText.escape(bucket.signature)): \(bucket.count)</title>"
      out += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 18)\" text-anchor=\"end\" class=\"label\">"
      out += HTMLText.escape(HTMLText.truncate(bucket.signature, 56)) + "</text>"
      out += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 8)\" class=\"bar \(tone)\"/>"
      out += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 18)\" class=\"count\">\(bucket.count)</text>"
      out += "</a>\n"
    }
    return out + "</svg>\n"
  }

  /// The CSS class of a bucket's bar: the confidence of its known issue, or `unknown`.
  static func tone(of bucket: TriageBucket) -> String {
    guard let issue = bucket.knownIssue, let space = issue.firstIndex(of: " ") else { return "unknown" }
    return issue[issue.index(after: space)...].replacingOccurrences(" ", with: "-")
  }
}

extension StringProtocol {
  /// Every `target` replaced by `replacement`.
  fileprivate func replacingOccurrences(_ target: Character, with replacement: String) -> String {
    var out = ""
    for character in self { if character == target { out += replacement } else { out.append(character) } }
    return out
  }
}
