//===--- ConfidenceTone.swift - The colour a confidence is drawn in ----------===//

import Signatures

/// The CSS class a known issue's confidence is drawn with: a closed set, so no class
/// on the page is ever taken from an input.
enum ConfidenceTone: String, CaseIterable {
  case confirmed, likely, possible
  case ruledOut = "ruled-out"
  /// No known issue.
  case unknown

  /// The tone of `confidence` (`unknown` when there is none).
  init(_ confidence: Confidence?) {
    switch confidence {
    case .confirmed: self = .confirmed
    case .likely: self = .likely
    case .possible: self = .possible
    case .ruledOut: self = .ruledOut
    case nil: self = .unknown
    }
  }

  /// The tone of a bucket's most frequent known issue.
  init(of bucket: TriageBucket) { self.init(bucket.knownIssue?.confidence) }

  /// How the legend names it.
  var label: String {
    switch self {
    case .ruledOut: "ruled out"
    case .unknown: "no known issue"
    default: rawValue
    }
  }
}
