//===--- Q276222Detector.swift - MTA terminates in OTPMRALT() ----------------===//
//
// KB Q276222, "XCON: MTA Terminates in OTPMRALT() Due to Bad ECBindex":
// Exchange 5.5 SP3/SP4's MTA (EMSMTA.EXE) stops in otpmralt, called through
// otpurert → otpmrtry → otpaasb → otparecv → otpamain → otpimain → sbpiwbep,
// often after events 9202 (sockets error on accept(), with a control block
// index) and 9405 (Failed to find socket). Fixed in 5.5.2654.22.
//
// What counts, and how much (README.md in this folder has the table):
//   top      otpmralt on top, or — where the top frame has no name — the frame
//            called from otpurert+0x307, the call site the article's listing shows
//   chain    how many of the seven callers appear, in order (gaps and extra
//            frames tolerated; offsets not required)
//   index    otpmralt's first parameter against the plausible range (callers
//            pass 0x34; event 9202 names control block 203): an inference
//   version  EMSMTA's version (module list or dump): ≥ 5.5.2654.22 rules it out;
//            or the EMSMTA build the shipped Symbols/ recognise from this article
//   events   9202 on accept() and 9405 Failed to find socket
//
//===----------------------------------------------------------------------===//

import CrashCore
import Signatures

/// The detector for KB Q276222.
public struct Q276222Detector: SignaturePlugin {
  /// Creates the detector.
  public init() {}

  /// Who the detector is.
  public let descriptor = PluginDescriptor(
    id: "Q276222", title: "MTA terminates in OTPMRALT() due to bad ECBindex",
    product: "Microsoft Exchange Server (MTA, EMSMTA.EXE)", affectedVersions: "5.5 SP3, 5.5 SP4",
    references: ["KB Q276222"])

  /// The callers of otpmralt in the article's listing, innermost first.
  static let chain = ["otpurert", "otpmrtry", "otpaasb", "otparecv", "otpamain", "otpimain", "sbpiwbep"]
  /// The version that carries the fix.
  static let fixedVersion = [5, 5, 2654, 22]
  /// Exchange 5.5 SP3 is build 2650; the article covers SP3 and SP4.
  static let firstAffectedBuild = 2650
  /// The shipped learned map of the EMSMTA build in the article's listing (Symbols/EMSMTA/…).
  static let articleBuildIdentifier = "C444DD55C438D3BE52A68A540D0B85C70"
  /// ECB indexes the article shows: the callers pass 0x34; event 9202 names control block 203.
  static let largestPlausibleIndex: UInt64 = 0xFFFF

  static let remedy = Remedy(
    summary:
      "Install the Exchange 5.5 MTA fix 5.5.2654.22 (from Microsoft Product Support Services) or a later "
      + "service pack that contains it; the fix is meant only for servers with this problem.",
    fixedIn: "5.5.2654.22",
    files: [
      ("Dbserver.sch", nil), ("Dcprods.cat", nil), ("Ems_rid.dll", "5.5.2654.22"), ("Emsmta.exe", "5.5.2654.22"),
      ("Infoplog.cfg", nil), ("Mtamsg.dll", "5.5.2654.22"), ("Mtacheck.exe", "5.5.2654.22"),
      ("Mtaperf.dll", "5.5.2654.22"), ("P42.tpl", nil), ("P772.tpl", nil), ("P2.xv2", nil),
      ("X400om.dll", "5.5.2654.22"),
    ])

  /// The finding for the best-matching thread, if any thread or event matches.
  public func examine(_ report: CrashReport) throws -> [Finding] { try examine(ClassifiedCrash(report)) }

  /// The same, with the pipeline's shared frame views.
  public func examine(_ crash: ClassifiedCrash) throws -> [Finding] {
    let report = crash.report
    var best: (score: Int, evidence: [Evidence], top: Bool, chain: Int)?
    for thread in report.threads.indices where !report.threads[thread].frames.isEmpty {
      let result = examineStack(crash.frames(thread: thread))
      let score = (result.top ? 10 : 0) + result.chain
      if score > 0, score > best?.score ?? 0 { best = (score, result.evidence, result.top, result.chain) }
    }
    var evidence = best?.evidence ?? []
    let top = best?.top ?? false
    let chain = best?.chain ?? 0
    let events = examineEvents(report)
    evidence += events.evidence
    let version = examineVersion(report)
    evidence += version.evidence
    // No stack that looks like it and no events: not this issue.
    guard top || chain >= 3 || events.both else { return [] }
    let confidence: Confidence
    if version.isFixed {
      confidence = .ruledOut
    } else if top && chain >= 5 && (events.any || version.isAffected) {
      confidence = .confirmed
    } else if top && chain >= 3 {
      confidence = .likely
    } else if chain >= 5 && (events.any || version.isAffected) {
      confidence = .likely
    } else {
      confidence = .possible
    }
    if version.isAffectedRangeMiss {
      // A build outside SP3/SP4 weakens, but the stack still says what it says.
      return [Finding(plugin: descriptor.id, title: descriptor.title, confidence: min(confidence, .possible), evidence: evidence, remedy: Self.remedy)]
    }
    return [Finding(plugin: descriptor.id, title: descriptor.title, confidence: confidence, evidence: evidence, remedy: Self.remedy)]
  }

  // MARK: - The stack

  private func examineStack(_ frames: [FrameView]) -> (top: Bool, chain: Int, evidence: [Evidence]) {
    var evidence: [Evidence] = []
    guard let first = frames.first else { return (false, 0, []) }
    // The top frame: otpmralt, or an unnamed frame called from otpurert+0x307.
    var top = false
    var topFrame: FrameView?
    if first.matches(module: nil, function: "otpmralt"), first.module == nil || first.module?.lowercased() == "emsmta" {
      top = true
      topFrame = first
      evidence.append(Evidence(.supports, "EMSMTA!otpmralt is the top frame", at: first.location))
    } else if first.function == nil, frames.count > 1, frames[1].matches(module: "EMSMTA", function: "otpurert") {
      if frames[1].offset == 0x307 {
        top = true
        topFrame = first
        evidence.append(
          Evidence(
            .supports,
            "the top frame has no name but is called from EMSMTA!otpurert+0x307, the call site of otpmralt in the "
              + "article's listing", at: frames[1].location))
      } else {
        evidence.append(
          Evidence(.note, "the top frame has no name and is called from otpurert at another offset", at: frames[1].location))
      }
    }
    // The chain of callers, in order, among the first frames (indices, not copies).
    let start = topFrame == nil ? 0 : 1
    let end = min(frames.count, start + 16)
    var matchedIndices: [Int] = []
    var position = start
    for name in Self.chain {
      var index = position
      while index < end && !frames[index].matches(module: "EMSMTA", function: name) { index += 1 }
      if index < end {
        matchedIndices.append(index)
        position = index + 1
      }
    }
    if let first = matchedIndices.first {
      let names = matchedIndices.compactMap { frames[$0].function }.joined(separator: " → ")
      let seen = Set(matchedIndices.compactMap { frames[$0].function?.lowercased() })
      let missing = Self.chain.filter { !seen.contains($0) }
      var text = "\(matchedIndices.count) of the \(Self.chain.count) callers appear in order: \(names)"
      if !missing.isEmpty { text += " (not seen: \(missing.joined(separator: ", ")))" }
      evidence.append(Evidence(matchedIndices.count >= 3 ? .supports : .note, text, at: frames[first].location))
    }
    // The ECB index otpmralt received.
    if let topFrame, top, let index = topFrame.parameters.first ?? nil {
      let source = topFrame.parameterSource == .registers ? " (an Alpha register hint)" : ""
      if index > Self.largestPlausibleIndex {
        evidence.append(
          Evidence(
            .supports,
            "otpmralt's first parameter is 0x\(String(index, radix: 16))\(source), far outside the range of an ECB "
              + "index (its callers pass 0x34; event 9202 names control block index 203): the bad ECB index",
            at: topFrame.location, isInference: true))
      } else {
        evidence.append(
          Evidence(
            .note,
            "otpmralt's first parameter is 0x\(String(index, radix: 16))\(source), a plausible ECB index; reading it as "
              + "the index is an inference", at: topFrame.location, isInference: true))
      }
    }
    return (top, matchedIndices.count, evidence)
  }

  // MARK: - Events

  private func examineEvents(_ report: CrashReport) -> (any: Bool, both: Bool, evidence: [Evidence]) {
    var evidence: [Evidence] = []
    var saw9202 = false
    var saw9405 = false
    for (index, event) in report.events.enumerated() {
      let text = (event.description ?? "").lowercased()
      if event.id == 9202 && text.contains("accept()") {
        saw9202 = true
        var message = "event 9202: a sockets error on an accept() call"
        if let index = Self.number(after: "control block index:", in: text) {
          message += ", control block index \(index)"
        }
        evidence.append(Evidence(.supports, message, at: .event(index: index, lines: event.lines)))
      }
      if event.id == 9405 && text.contains("failed to find socket") {
        saw9405 = true
        evidence.append(
          Evidence(.supports, "event 9405: Failed to find socket", at: .event(index: index, lines: event.lines)))
      }
    }
    return (saw9202 || saw9405, saw9202 && saw9405, evidence)
  }

  // MARK: - Version

  private func examineVersion(_ report: CrashReport) -> (
    isFixed: Bool, isAffected: Bool, isAffectedRangeMiss: Bool, evidence: [Evidence]
  ) {
    if let index = report.modules.firstIndex(where: { FrameView.stem($0.name).lowercased() == "emsmta" }),
      let text = report.modules[index].version, let version = VersionNumber.parse(text)
    {
      let location = EvidenceLocation.module(index: index, lines: report.modules[index].lines)
      if !VersionNumber.isBefore(version, Self.fixedVersion) {
        return (true, false, false, [Evidence(.contradicts, "EMSMTA.EXE is \(text), which has the fix (5.5.2654.22)", at: location)])
      }
      if version.count >= 3, version[0] == 5, version[1] == 5, version[2] >= Self.firstAffectedBuild {
        return (false, true, false, [Evidence(.supports, "EMSMTA.EXE is \(text): Exchange 5.5 SP3/SP4, before the fix", at: location)])
      }
      return (false, false, true, [Evidence(.contradicts, "EMSMTA.EXE is \(text); the article covers 5.5 SP3 and SP4", at: location)])
    }
    if let status = report.moduleSymbols.first(where: { $0.module.lowercased() == "emsmta" }), status.status == .loaded,
      let path = status.origin?.path, path.contains(Self.articleBuildIdentifier)
    {
      return (
        false, true, false,
        [Evidence(.supports, "the EMSMTA build is the one in the article's listing (recognised by Symbols/)", at: .symbols(module: "EMSMTA"))]
      )
    }
    return (false, false, false, [])
  }

  /// The decimal number after `label` in `text`, if any (no Foundation needed).
  static func number(after label: String, in text: String) -> Int? {
    let characters = Array(text)
    let pattern = Array(label)
    guard characters.count >= pattern.count else { return nil }
    for start in 0...(characters.count - pattern.count) where Array(characters[start..<(start + pattern.count)]) == pattern {
      let rest = characters[(start + pattern.count)...].drop { $0 == " " }.prefix { $0.isNumber }
      return Int(String(rest))
    }
    return nil
  }
}
