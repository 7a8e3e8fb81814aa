//===--- Finding.swift - What a signature plugin concludes -------------------===//
//
// A finding names a known issue, says how sure it is, lists the evidence for
// and against (each piece pointing at where in the input it came from), and
// gives the remedy. Findings are values: a plugin returns them and cannot
// reach back into the report.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// How sure a finding is.
public enum Confidence: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
  /// The defining evidence is there, but other evidence excludes the issue: the build has
  /// the fix, or contradictions (another caller, another version) outweigh it.
  case ruledOut = "ruled-out"
  /// Some of the signature is present; worth checking.
  case possible
  /// Most of the signature is present.
  case likely
  /// The signature is present with corroboration (version, events).
  case confirmed

  private var rank: Int {
    switch self {
    case .ruledOut: 0
    case .possible: 1
    case .likely: 2
    case .confirmed: 3
    }
  }

  /// Orders from ruled out to confirmed.
  public static func < (lhs: Confidence, rhs: Confidence) -> Bool { lhs.rank < rhs.rank }

  /// One level less sure: confirmed → likely → possible → ruled out.
  public var lowered: Confidence {
    switch self {
    case .confirmed: .likely
    case .likely: .possible
    case .possible, .ruledOut: .ruledOut
    }
  }
}

/// Where a piece of evidence was found.
public enum EvidenceLocation: Sendable, Hashable {
  /// A frame of a thread (indexes into the report), with its input lines when known.
  case frame(thread: Int, frame: Int, lines: LineRange?)
  /// An event-log record (index into `report.events`).
  case event(index: Int, lines: LineRange?)
  /// A loaded module (index into `report.modules`).
  case module(index: Int, lines: LineRange?)
  /// The symbol file used for a module.
  case symbols(module: String)

  /// `thread 0 frame 1 (line 37)`, `event 9202 (lines 41-44)`.
  public var description: String {
    func at(_ lines: LineRange?) -> String {
      guard let lines else { return "" }
      return lines.first == lines.last ? " (line \(lines.first))" : " (lines \(lines.first)-\(lines.last))"
    }
    switch self {
    case .frame(let thread, let frame, let lines): return "thread \(thread) frame \(frame)" + at(lines)
    case .event(let index, let lines): return "event #\(index)" + at(lines)
    case .module(let index, let lines): return "module #\(index)" + at(lines)
    case .symbols(let module): return "symbols of \(module)"
    }
  }
}

/// One piece of evidence.
public struct Evidence: Sendable, Hashable {
  /// Whether it argues for or against the issue.
  public enum Bearing: String, Sendable, Hashable, Codable {
    /// It fits the issue.
    case supports
    /// It argues against the issue.
    case contradicts
    /// Stated for context; it weighs neither way.
    case note
  }

  /// For, against, or neither.
  public var bearing: Bearing
  /// What was seen, in one sentence.
  public var text: String
  /// Where.
  public var location: EvidenceLocation?
  /// Whether the statement is an inference rather than a documented fact.
  public var isInference: Bool
  /// For supporting evidence: it is the defining evidence (the crash site, a part a
  /// rule marks `required`). The pipeline keeps no finding without it.
  public var isDefining: Bool
  /// For contradicting evidence: it alone excludes the issue (a build with the fix); the
  /// pipeline makes the finding ruled out.
  public var rulesOut: Bool

  /// Creates a piece of evidence.
  public init(
    _ bearing: Bearing, _ text: String, at location: EvidenceLocation? = nil, isInference: Bool = false,
    defining: Bool = false, rulesOut: Bool = false
  ) {
    self.bearing = bearing
    self.text = text
    self.location = location
    self.isInference = isInference
    self.isDefining = defining
    self.rulesOut = rulesOut
  }
}

/// A file a fix ships, with its version where the article gives one.
public struct RemedyFile: Sendable, Hashable, Codable {
  /// The file name (`Emsmta.exe`).
  public var name: String
  /// Its version in the fix (`5.5.2654.22`), when stated.
  public var version: String?

  /// A file of a fix.
  public init(_ name: String, version: String? = nil) {
    self.name = name
    self.version = version
  }
}

/// What fixes a known issue.
public struct Remedy: Sendable, Hashable {
  /// What to do, in a sentence or two.
  public var summary: String
  /// The first version with the fix, when one is known.
  public var fixedIn: String?
  /// Files the fix ships, with versions where the article gives them.
  public var files: [RemedyFile]

  /// Creates a remedy.
  public init(summary: String, fixedIn: String? = nil, files: [RemedyFile] = []) {
    self.summary = summary
    self.fixedIn = fixedIn
    self.files = files
  }
}

/// A plugin's conclusion about one crash.
public struct Finding: Sendable, Hashable {
  /// The plugin's id (`Q276222`).
  public var plugin: String
  /// The known issue's title.
  public var title: String
  /// How sure.
  public var confidence: Confidence
  /// The evidence, for and against.
  public var evidence: [Evidence]
  /// The remedy.
  public var remedy: Remedy?

  /// Creates a finding.
  public init(plugin: String, title: String, confidence: Confidence, evidence: [Evidence], remedy: Remedy?) {
    self.plugin = plugin
    self.title = title
    self.confidence = confidence
    self.evidence = evidence
    self.remedy = remedy
  }
}
