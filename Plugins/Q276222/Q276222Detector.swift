//===--- Q276222Detector.swift - MTA terminates in OTPMRALT() ----------------===//
//
// KB Q276222, "XCON: MTA Terminates in OTPMRALT() Due to Bad ECBindex":
// Exchange 5.5 SP3/SP4's MTA (EMSMTA.EXE) stops in otpmralt, called through
// otpurert → otpmrtry → otpaasb → otparecv → otpamain → otpimain → sbpiwbep,
// often after events 9202 (sockets error on accept(), with a control block
// index) and 9405 (Failed to find socket). Fixed in 5.5.2654.22.
//
// What counts, and how much (README.md in this folder has the table):
//   top      (defining) otpmralt at the crash site, or — where that frame has no
//            name — the frame called from otpurert+0x307, the call site the
//            article's listing shows
//   callers  otpurert → otpmrtry, in order (gaps tolerated; offsets not
//            required); the rest of the chain (otpaasb … sbpiwbep) is on every
//            MTA association thread and counts for nothing; another caller of
//            otpmralt contradicts
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
      .init("Dbserver.sch"), .init("Dcprods.cat"), .init("Ems_rid.dll", version: "5.5.2654.22"), .init("Emsmta.exe", version: "5.5.2654.22"),
      .init("Infoplog.cfg"), .init("Mtamsg.dll", version: "5.5.2654.22"), .init("Mtacheck.exe", version: "5.5.2654.22"),
      .init("Mtaperf.dll", version: "5.5.2654.22"), .init("P42.tpl"), .init("P772.tpl"), .init("P2.xv2"),
      .init("X400om.dll", version: "5.5.2654.22"),
    ])

  /// The finding for the best-matching thread, if any thread or event matches.
  public func examine(_ report: CrashReport) throws -> [Finding] { try examine(ClassifiedCrash(report)) }

  /// The same, with the pipeline's shared frame views.
  public func examine(_ crash: ClassifiedCrash) throws -> [Finding] {
    let report = crash.report
    var best: StackMatch?
    var anyStack = false
    for thread in report.threads.indices where !report.threads[thread].frames.isEmpty {
      anyStack = true
      let result = examineStack(crash.frames(thread: thread), top: crash.topIndex(thread: thread) ?? 0)
      if result.score > 0, result.score > best?.score ?? 0 { best = result }
    }
    let events = examineEvents(report)
    // The crash site defines the issue; the events alone do only in an input with no stack.
    let eventsOnly = !anyStack && events.both
    guard best?.top == true || eventsOnly else { return [] }
    var evidence = best?.evidence ?? []
    evidence += eventsOnly ? events.evidence.map { var e = $0; e.isDefining = true; return e } : events.evidence
    let version = examineVersion(report)
    evidence += version.evidence
    let callers = best?.callers ?? 0
    let confidence: Confidence
    if eventsOnly {
      confidence = .possible
    } else if callers == Self.identifyingCallers.count && (events.any || version.isAffected) {
      confidence = .confirmed
    } else if callers >= 1 {
      confidence = .likely
    } else {
      confidence = .possible
    }
    // ConfidencePolicy (in the pipeline) lowers for a build outside SP3/SP4 or another caller,
    // and rules out a build with the fix.
    return [Finding(plugin: descriptor.id, title: descriptor.title, confidence: confidence, evidence: evidence, remedy: Self.remedy)]
  }

  // MARK: - The stack

  /// What one thread's frames show.
  struct StackMatch {
    var top: Bool
    /// How many of `identifyingCallers` appear, in order.
    var callers: Int
    var evidence: [Evidence]
    var score: Int { (top ? 10 : 0) + callers }
  }

  /// The callers that identify this code path: otpmralt is called from otpurert, called from
  /// otpmrtry. The rest of the article's chain (otpaasb … sbpiwbep) is on every MTA
  /// association thread (Plugins/frames/exchange-5.5.yaml) and says nothing about this issue.
  static let identifyingCallers = ["otpurert", "otpmrtry"]

  private func examineStack(_ frames: [FrameView], top index: Int) -> StackMatch {
    var evidence: [Evidence] = []
    guard index < frames.count else { return StackMatch(top: false, callers: 0, evidence: []) }
    let first = frames[index]
    // The crash site: otpmralt, or an unnamed frame called from otpurert+0x307.
    var top = false
    if first.matches(module: nil, function: "otpmralt"), first.module == nil || first.module?.lowercased() == "emsmta" {
      top = true
      let text =
        first.isNamedByCallSite
        ? "the top frame is otpmralt by its call site: no map covers it, and it is called from the site in "
          + "otpurert that enters otpmralt in the article's listing"
        : "EMSMTA!otpmralt is the top frame"
      evidence.append(Evidence(.supports, text, at: first.location, isInference: first.isNamedByCallSite, defining: true))
    } else if first.function == nil, index + 1 < frames.count, frames[index + 1].matches(module: "EMSMTA", function: "otpurert"),
      frames[index + 1].offset == 0x307
    {
      top = true
      evidence.append(
        Evidence(
          .supports,
          "the top frame has no name but is called from EMSMTA!otpurert+0x307, the call site of otpmralt in the "
            + "article's listing", at: frames[index + 1].location, defining: true))
    }
    guard top else { return StackMatch(top: false, callers: 0, evidence: []) }
    // The callers that identify the path, in order, among the next frames (indices, not copies).
    let end = min(frames.count, index + 1 + 16)
    var matched: [Int] = []
    var position = index + 1
    for name in Self.identifyingCallers {
      var candidate = position
      while candidate < end && !frames[candidate].matches(module: "EMSMTA", function: name) { candidate += 1 }
      if candidate < end {
        matched.append(candidate)
        position = candidate + 1
      }
    }
    if let firstCaller = matched.first {
      let names = matched.compactMap { frames[$0].function }.joined(separator: " → ")
      var text = "\(matched.count) of the \(Self.identifyingCallers.count) callers that identify the path appear in order: \(names)"
      let missing = Self.identifyingCallers.filter { name in !matched.contains { frames[$0].matches(module: nil, function: name) } }
      if !missing.isEmpty { text += " (not seen: \(missing.joined(separator: ", ")))" }
      evidence.append(Evidence(.supports, text, at: frames[firstCaller].location))
    } else if index + 1 < frames.count, let caller = frames[index + 1].function, frames[index + 1].role.carriesEvidence {
      evidence.append(
        Evidence(
          .contradicts, "otpmralt is called from \(caller), not from otpurert as in the article's listing",
          at: frames[index + 1].location))
    }
    // The ECB index otpmralt received.
    if let index = first.parameters.first ?? nil {
      let source = first.parameterSource == .registers ? " (an Alpha register hint)" : ""
      if index > Self.largestPlausibleIndex {
        evidence.append(
          Evidence(
            .supports,
            "otpmralt's first parameter is 0x\(String(index, radix: 16))\(source), far outside the range of an ECB "
              + "index (its callers pass 0x34; event 9202 names control block index 203): the bad ECB index",
            at: first.location, isInference: true))
      } else {
        evidence.append(
          Evidence(
            .note,
            "otpmralt's first parameter is 0x\(String(index, radix: 16))\(source), a plausible ECB index; reading it as "
              + "the index is an inference", at: first.location, isInference: true))
      }
    }
    return StackMatch(top: true, callers: matched.count, evidence: evidence)
  }

  // MARK: - Events

  private func examineEvents(_ report: CrashReport) -> (any: Bool, both: Bool, evidence: [Evidence]) {
    var evidence: [Evidence] = []
    var saw9202 = false
    var saw9405 = false
    for (index, event) in report.events.enumerated() {
      let text = (event.description ?? "").lowercased()
      if event.id == 9202 && Self.end(of: "accept()", in: text) != nil {
        saw9202 = true
        var message = "event 9202: a sockets error on an accept() call"
        if let index = Self.number(after: "control block index:", in: text) {
          message += ", control block index \(index)"
        }
        evidence.append(Evidence(.supports, message, at: .event(index: index, lines: event.lines)))
      }
      if event.id == 9405 && Self.end(of: "failed to find socket", in: text) != nil {
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
        return (
          true, false, false,
          [Evidence(.contradicts, "EMSMTA.EXE is \(text), which has the fix (5.5.2654.22)", at: location, rulesOut: true)]
        )
      }
      if version.count >= 3, version[0] == 5, version[1] == 5, version[2] >= Self.firstAffectedBuild {
        return (false, true, false, [Evidence(.supports, "EMSMTA.EXE is \(text): Exchange 5.5 SP3/SP4, before the fix", at: location)])
      }
      return (false, false, true, [Evidence(.contradicts, "EMSMTA.EXE is \(text); the article covers 5.5 SP3 and SP4", at: location)])
    }
    if let status = report.moduleSymbols.first(where: { $0.module.lowercased() == "emsmta" }), status.status == .loaded,
      let path = status.origin?.path, Self.end(of: Self.articleBuildIdentifier, in: path) != nil
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
    guard let end = end(of: label, in: text) else { return nil }
    var value = 0
    var digits = 0
    for byte in text.utf8.dropFirst(end).drop(while: { $0 == UInt8(ascii: " ") }) {
      guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { break }
      guard digits < 18 else { return nil }  // past what an Int holds for sure
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
      digits += 1
    }
    return digits > 0 ? value : nil
  }

  /// The byte offset just past the first `word` in `text`, or nil. Compared byte by byte:
  /// `String.contains(_:)` from _StringProcessing is generic, and its first use in a process
  /// instantiates metadata by name, which scans every protocol conformance in the program.
  static func end(of word: String, in text: String) -> Int? {
    let haystack = Array(text.utf8)
    let needle = Array(word.utf8)
    guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty ? 0 : nil }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
      if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start + needle.count }
    }
    return nil
  }
}
