//===--- RulePlugin.swift - A rule as a signature plugin ---------------------===//
//
// How a rule scores a crash (docs/writing-plugins.md has the table):
//   stack    the top frame (when stated) is the crash site: the first frame below
//            the exception dispatch; the run of frames follows in order among the
//            `within` frames from it (gaps allowed); full = everything stated
//            matched, partial = the top frame, or (a rule without a top frame) at
//            least half of the run on frames that carry information, two or more
//   defining the top frame (or, without one, the run), and every part listed in
//            `required`; no finding without them
//   support  exception, events, version, parameter — each stated one that holds
//            supports; one that fails contradicts, and so does a caller other
//            than the rule's first `sequence` frame
//   proposal   confirmed: full stack and a supporting fact; likely: full stack;
//              possible: partial stack, or every event in an input with no stack
// The pipeline's ConfidencePolicy then lowers one level per contradiction and
// rules out a build at or past `fixed_in`.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Signatures

/// A signature plugin defined by a rule file.
public struct RulePlugin: SignaturePlugin {
  /// The rule.
  public let rule: SignatureRule

  /// A plugin for `rule`.
  public init(rule: SignatureRule) {
    self.rule = rule
  }

  /// The rule's descriptor.
  public var descriptor: PluginDescriptor { rule.descriptor }

  /// A finding when the crash matches.
  public func examine(_ report: CrashReport) throws -> [Finding] { try examine(ClassifiedCrash(report)) }

  /// A finding when the crash matches, using the pipeline's frame views.
  public func examine(_ crash: ClassifiedCrash) throws -> [Finding] {
    let report = crash.report
    var best: StackMatch?
    var bestFrames: [FrameView] = []
    for thread in report.threads.indices where !report.threads[thread].frames.isEmpty {
      let frames = crash.frames(thread: thread)
      let result = matchStack(frames, top: crash.topIndex(thread: thread) ?? 0)
      if best == nil || result.rank > best!.rank {
        best = result
        bestFrames = frames
      }
    }
    let full = best?.full ?? false
    let partial = best?.partial ?? false
    var evidence = (partial || full) ? best?.evidence ?? [] : []
    var supports = 0
    var heldParts = Set<RulePart>()
    var eventsAll = !rule.events.isEmpty
    if full { heldParts.insert(.frames) }

    if let code = rule.exception, let exception = report.exception {
      let hold = exception.code.rawValue == code
      evidence.append(
        Evidence(
          hold ? .supports : .contradicts,
          "the exception is \(exception.code.displayText)" + (hold ? "" : ", not 0x\(String(code, radix: 16))"),
          defining: hold && rule.required.contains(.exception)))
      if hold {
        supports += 1
        heldParts.insert(.exception)
      }
    }
    var eventEvidence: [Evidence] = []
    for wanted in rule.events {
      let found = report.events.enumerated().first { _, event in
        event.id == wanted.id && (wanted.contains.map { (event.description ?? "").lowercased().firstRange(of: $0.lowercased()) != nil } ?? true)
      }
      if let (index, event) = found {
        supports += 1
        eventEvidence.append(
          Evidence(
            .supports, "event \(wanted.id)" + (wanted.contains.map { ": \($0)" } ?? ""),
            at: .event(index: index, lines: event.lines), defining: rule.required.contains(.events)))
      } else {
        eventsAll = false
      }
    }
    if eventsAll { heldParts.insert(.events) }
    // Events alone define the issue only in an input with no stack to say otherwise.
    let eventsOnly = eventsAll && best == nil
    if eventsOnly { eventEvidence = eventEvidence.map { var e = $0; e.isDefining = true; return e } }
    evidence += eventEvidence
    if let range = rule.version,
      let index = report.modules.firstIndex(where: { FrameView.stem($0.name).lowercased() == range.module.lowercased() }),
      let text = report.modules[index].version, let version = VersionNumber.parse(text)
    {
      let location = EvidenceLocation.module(index: index, lines: report.modules[index].lines)
      if let fixedIn = range.fixedIn, !VersionNumber.isBefore(version, fixedIn) {
        evidence.append(Evidence(.contradicts, "\(range.module) is \(text), which has the fix", at: location, rulesOut: true))
      } else if let from = range.affectedFrom, VersionNumber.isBefore(version, from) {
        evidence.append(Evidence(.contradicts, "\(range.module) is \(text), older than the affected builds", at: location))
      } else {
        supports += 1
        heldParts.insert(.version)
        evidence.append(
          Evidence(
            .supports, "\(range.module) is \(text), an affected build", at: location,
            defining: rule.required.contains(.version)))
      }
    }
    if let test = rule.parameter, let top = best?.topIndex, top + test.frame < bestFrames.count {
      let frame = bestFrames[top + test.frame]
      if test.index < frame.parameters.count, let value = frame.parameters[test.index] {
        let hold = (test.above.map { value > $0 } ?? true) && (test.below.map { value < $0 } ?? true)
        evidence.append(
          Evidence(
            hold ? .supports : .contradicts,
            "parameter \(test.index + 1) of frame \(frame.index) is 0x\(String(value, radix: 16))", at: frame.location,
            isInference: true, defining: hold && rule.required.contains(.parameter)))
        if hold {
          supports += 1
          heldParts.insert(.parameter)
        }
      }
    }
    // A part the rule marks required is part of the definition: without it, no finding.
    guard rule.required.isSubset(of: heldParts) else { return [] }

    let confidence: Confidence
    if full && supports > 0 {
      confidence = .confirmed
    } else if full {
      confidence = .likely
    } else if partial || eventsOnly {
      confidence = .possible
    } else {
      return []
    }
    // ConfidencePolicy (in the pipeline) lowers for each contradiction and rules out a fixed build.
    return [
      Finding(
        plugin: rule.descriptor.id, title: rule.descriptor.title, confidence: confidence, evidence: evidence,
        remedy: rule.remedy)
    ]
  }

  /// How a thread's frames match the rule's stack.
  struct StackMatch {
    var full: Bool
    var partial: Bool
    var evidence: [Evidence]
    /// The crash site (first frame below the exception dispatch).
    var topIndex: Int
    var rank: Int { (full ? 2 : 0) + (partial ? 1 : 0) }
  }

  /// Matches `frames` whose crash site is `frames[top]`: the top frame there, then the
  /// sequence in order among the `within` frames from it (gaps allowed). Only frames that
  /// carry information (FrameRole) count towards a partial match.
  func matchStack(_ frames: [FrameView], top: Int) -> StackMatch {
    var evidence: [Evidence] = []
    var topMatched = false
    var start = top
    if let wanted = rule.top, top < frames.count {
      if frames[top].matches(module: wanted.module, function: wanted.function) {
        topMatched = true
        start = top + 1
        evidence.append(Evidence(.supports, "\(Self.name(wanted)) is the top frame", at: frames[top].location, defining: true))
      }
    }
    // Indices, not copies: this runs for every rule on every crash.
    var matched: [Int] = []
    if !rule.sequence.isEmpty {
      let end = min(frames.count, top + rule.within, ClassifiedCrash.viewedFrames)
      var position = start
      for wanted in rule.sequence {
        var index = position
        while index < end && !frames[index].matches(module: wanted.module, function: wanted.function) { index += 1 }
        if index < end {
          matched.append(index)
          position = index + 1
        }
      }
    }
    var informativeCount = 0
    var firstInformative: Int?
    for index in matched where frames[index].role.carriesEvidence {
      informativeCount += 1
      if firstInformative == nil { firstInformative = index }
    }
    let topOK = rule.top == nil || topMatched
    let full = topOK && matched.count == rule.sequence.count && (rule.top != nil || !rule.sequence.isEmpty)
    // With a top frame stated, the crash site defines the issue: no top, no partial match.
    let partial = topMatched || (rule.top == nil && informativeCount >= 2 && informativeCount * 2 >= rule.sequence.count)
    if let first = firstInformative ?? matched.first {
      evidence.append(
        Evidence(
          .supports,
          "\(matched.count) of \(rule.sequence.count) frames in order: "
            + matched.compactMap { frames[$0].function }.joined(separator: " → "), at: frames[first].location,
          defining: rule.top == nil && informativeCount > 0 && (full || partial)))
    }
    // A caller the rule names, and the crash site called from somewhere else: another code path.
    if topMatched, let caller = rule.sequence.first, !matched.contains(where: { frames[$0].matches(module: caller.module, function: caller.function) }),
      start < frames.count, let actual = frames[start].function, frames[start].role.carriesEvidence
    {
      evidence.append(
        Evidence(
          .contradicts,
          "\(rule.top.map(Self.name) ?? "the top frame") is called from \(actual), not \(Self.name(caller)) as the issue's stack shows",
          at: frames[start].location))
    }
    return StackMatch(full: full, partial: partial || full, evidence: evidence, topIndex: top)
  }

  private static func name(_ frame: RuleFrame) -> String {
    (frame.module.map { $0 + "!" } ?? "") + frame.function
  }
}
