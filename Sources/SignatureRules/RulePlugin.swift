//===--- RulePlugin.swift - A rule as a signature plugin ---------------------===//
//
// How a rule scores a crash (docs/writing-plugins.md has the table):
//   stack    the top frame (when stated) and the run of frames in order among the
//            first `within` frames (gaps allowed); full = everything stated matched,
//            partial = the top frame, or (for a rule without a top frame) at least half
//            of the run, two frames or more
//   support  exception, events, version, parameter — each stated one that holds
//            supports; one that fails contradicts
//   ruled out  the stack at least partial, but the module's version ≥ fixed_in
//   confirmed  full stack, one or more supporting facts and none contradicting
//   likely     full stack
//   possible   partial stack, or (a rule with events) every event, in an input with no stack
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
    var best: (full: Bool, partial: Bool, evidence: [Evidence], frames: [FrameView])?
    for thread in report.threads.indices where !report.threads[thread].frames.isEmpty {
      let frames = crash.frames(thread: thread)
      let result = matchStack(frames)
      if best == nil || (result.full && !(best?.full ?? false)) || (result.partial && !(best?.partial ?? false)) {
        best = (result.full, result.partial, result.evidence, frames)
      }
    }
    let full = best?.full ?? false
    let partial = best?.partial ?? false
    var evidence = (partial || full) ? best?.evidence ?? [] : []
    var supports = 0
    var contradicts = 0
    var fixed = false
    var eventsAll = !rule.events.isEmpty

    if let code = rule.exception {
      if let exception = report.exception {
        let hold = exception.code.rawValue == code
        evidence.append(
          Evidence(
            hold ? .supports : .contradicts,
            "the exception is \(exception.code.displayText)" + (hold ? "" : ", not 0x\(String(code, radix: 16))")))
        if hold { supports += 1 } else { contradicts += 1 }
      }
    }
    for wanted in rule.events {
      let found = report.events.enumerated().first { _, event in
        event.id == wanted.id && (wanted.contains.map { (event.description ?? "").lowercased().contains($0.lowercased()) } ?? true)
      }
      if let (index, event) = found {
        supports += 1
        evidence.append(
          Evidence(
            .supports, "event \(wanted.id)" + (wanted.contains.map { ": \($0)" } ?? ""),
            at: .event(index: index, lines: event.lines)))
      } else {
        eventsAll = false
      }
    }
    if let range = rule.version,
      let index = report.modules.firstIndex(where: { FrameView.stem($0.name).lowercased() == range.module.lowercased() }),
      let text = report.modules[index].version, let version = VersionNumber.parse(text)
    {
      let location = EvidenceLocation.module(index: index, lines: report.modules[index].lines)
      if let fixedIn = range.fixedIn, !VersionNumber.isBefore(version, fixedIn) {
        fixed = true
        evidence.append(Evidence(.contradicts, "\(range.module) is \(text), which has the fix", at: location))
      } else if let from = range.affectedFrom, VersionNumber.isBefore(version, from) {
        contradicts += 1
        evidence.append(Evidence(.contradicts, "\(range.module) is \(text), older than the affected builds", at: location))
      } else {
        supports += 1
        evidence.append(Evidence(.supports, "\(range.module) is \(text), an affected build", at: location))
      }
    }
    if let test = rule.parameter, let frames = best?.frames, test.frame < frames.count {
      let frame = frames[test.frame]
      if test.index < frame.parameters.count, let value = frame.parameters[test.index] {
        let hold = (test.above.map { value > $0 } ?? true) && (test.below.map { value < $0 } ?? true)
        evidence.append(
          Evidence(
            hold ? .supports : .contradicts,
            "parameter \(test.index + 1) of frame \(test.frame) is 0x\(String(value, radix: 16))", at: frame.location,
            isInference: true))
        if hold { supports += 1 } else { contradicts += 1 }
      }
    }

    let confidence: Confidence
    if (full || partial) && fixed {
      confidence = .ruledOut
    } else if full && supports > 0 && contradicts == 0 {
      confidence = .confirmed
    } else if full {
      confidence = .likely
    } else if partial || (eventsAll && best == nil) {
      // Events alone count only when the input has no stack to contradict them.
      confidence = .possible
    } else {
      return []
    }
    return [
      Finding(
        plugin: rule.descriptor.id, title: rule.descriptor.title, confidence: confidence, evidence: evidence,
        remedy: rule.remedy)
    ]
  }

  private func matchStack(_ frames: [FrameView]) -> (full: Bool, partial: Bool, evidence: [Evidence]) {
    var evidence: [Evidence] = []
    var topMatched = false
    if let top = rule.top, let first = frames.first {
      if first.matches(module: top.module, function: top.function) {
        topMatched = true
        evidence.append(Evidence(.supports, "\(Self.name(top)) is the top frame", at: first.location))
      }
    }
    // Indices, not copies: this runs for every rule on every crash.
    var matched: [Int] = []
    if !rule.sequence.isEmpty {
      let count = min(frames.count, rule.within, ClassifiedCrash.viewedFrames)
      var position = 0
      for wanted in rule.sequence {
        var index = position
        while index < count && !frames[index].matches(module: wanted.module, function: wanted.function) { index += 1 }
        if index < count {
          matched.append(index)
          position = index + 1
        }
      }
      if let first = matched.first {
        evidence.append(
          Evidence(
            .supports,
            "\(matched.count) of \(rule.sequence.count) frames in order: "
              + matched.compactMap { frames[$0].function }.joined(separator: " → "), at: frames[first].location))
      }
    }
    let topOK = rule.top == nil || topMatched
    let sequenceOK = matched.count == rule.sequence.count
    let full = topOK && sequenceOK && (rule.top != nil || !rule.sequence.isEmpty)
    // With a top frame stated, the crash site defines the issue: no top, no partial match.
    let partial = topMatched || (rule.top == nil && matched.count >= 2 && matched.count * 2 >= rule.sequence.count)
    return (full, partial, evidence)
  }

  private static func name(_ frame: RuleFrame) -> String {
    (frame.module.map { $0 + "!" } ?? "") + frame.function
  }
}
