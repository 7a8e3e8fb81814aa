//===--- ConfidencePolicy.swift - The written rules every finding obeys ------===//
//
// A plugin proposes a finding; the pipeline holds it to these rules
// (docs/writing-plugins.md states them with examples), so no plugin can say
// more than its evidence does:
//
//   1. Evidence found on a frame that carries no information (FrameRole: a
//      thread start, a dispatch loop, the exception dispatcher) counts for
//      nothing: it is kept as a note saying so.
//   2. No finding without defining evidence (`Evidence.isDefining`): the crash
//      site the issue is about, or a part a rule marks `required`.
//   3. Contradicting evidence that excludes the issue (`rulesOut`: a build with
//      the fix) makes the finding ruled out.
//   4. Confirmed needs corroboration: supporting evidence beyond the defining
//      one (a version, an event, a parameter); without it, likely.
//   5. Each other piece of contradicting evidence lowers the finding one level
//      (confirmed → likely → possible → ruled out).
//
// The pipeline never raises a plugin's confidence.
//
//===----------------------------------------------------------------------===//

/// Applies the confidence rules to a plugin's findings.
public enum ConfidencePolicy {
  /// `finding` as the rules allow it, or nil when it lacks defining evidence.
  public static func enforce(_ finding: Finding, in crash: ClassifiedCrash) -> Finding? {
    var finding = finding
    for index in finding.evidence.indices where finding.evidence[index].bearing == .supports {
      guard case .frame(let thread, let frame, _)? = finding.evidence[index].location,
        thread >= 0, thread < crash.report.threads.count
      else { continue }
      let views = crash.frames(thread: thread)
      guard frame >= 0, frame < views.count, !views[frame].role.carriesEvidence else { continue }
      finding.evidence[index].bearing = .note
      finding.evidence[index].isDefining = false
      finding.evidence[index].text += " (a \(views[frame].role.rawValue) frame, found on unrelated stacks: not counted)"
    }
    guard finding.evidence.contains(where: { $0.bearing == .supports && $0.isDefining }) else { return nil }
    if finding.evidence.contains(where: { $0.bearing == .contradicts && $0.rulesOut }) {
      finding.confidence = .ruledOut
      return finding
    }
    var level = finding.confidence
    if level == .confirmed && !finding.evidence.contains(where: { $0.bearing == .supports && !$0.isDefining }) {
      level = .likely
    }
    for evidence in finding.evidence where evidence.bearing == .contradicts { level = level.lowered }
    finding.confidence = level
    return finding
  }
}
