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

  /// Writes the chart as an `<svg>` element, or a paragraph when there are no buckets.
  static func write(_ buckets: [TriageBucket], to page: inout HTMLBuilder) {
    let shown = Array(buckets.prefix(maximumBars))
    guard let largest = shown.map(\.count).max(), largest > 0 else {
      page.element(.p, [(.class, "empty")], text: "No crashes with a stack.")
      page.newline()
      return
    }
    let rowHeight = 28
    let labelWidth = 430
    let barArea = 420
    let width = labelWidth + barArea + 70
    let height = shown.count * rowHeight + 8
    page.start(
      .svg,
      [
        (.class, "chart"), (.xmlns, "http://www.w3.org/2000/svg"), (.viewBox, "0 0 \(width) \(height)"),
        (.width, "\(width)"), (.height, "\(height)"), (.role, "img"), (.ariaLabelledBy, "chart-title"),
      ])
    page.newline()
    page.element(.title, [(.id, "chart-title")], text: "The \(shown.count) largest buckets by number of crashes")
    page.newline()
    for (row, bucket) in shown.enumerated() {
      let y = 4 + row * rowHeight
      let length = max(2, bucket.count * barArea / largest)
      page.element(.a, [(.href, "#" + HTMLText.bucketAnchor(bucket.signature))]) { page in
        page.element(.title, text: "\(bucket.signature): \(bucket.count)")
        page.element(
          .text, [(.x, "\(labelWidth - 8)"), (.y, "\(y + 18)"), (.textAnchor, "end"), (.class, "label")],
          text: HTMLText.truncate(bucket.signature, 56))
        page.empty(
          .rect,
          [
            (.x, "\(labelWidth)"), (.y, "\(y + 3)"), (.width, "\(length)"), (.height, "\(rowHeight - 8)"),
            (.class, "bar " + ConfidenceTone(of: bucket).rawValue),
          ])
        page.element(.text, [(.x, "\(labelWidth + length + 6)"), (.y, "\(y + 18)"), (.class, "count")], text: "\(bucket.count)")
      }
      page.newline()
    }
    page.end(.svg)
    page.newline()
  }
}
