//===--- FrameCensus.swift - In how many distinct crashes a frame appears ----===//
//
// The measure behind the frame catalogs: over a corpus of crashes, count for
// each named frame of the crashed thread the number of *distinct* crashes
// (distinct signatures: a hundred copies of one crash count once) it appears
// in. A frame found in many unrelated crashes is a thread start, a dispatch
// loop or a helper: it tells nothing about which crash it is. `analyse frames
// census` prints the result as a catalog to review before shipping it.
//
//===----------------------------------------------------------------------===//

/// Counts, over distinct crashes, the crashes each frame appears in.
public struct FrameCensus: Sendable {
  /// One frame's count.
  public struct Row: Sendable, Hashable {
    /// `MODULE!function` (the module's stem upper-cased, so listings that differ in case agree).
    public var frame: String
    /// In how many distinct crashes it appears.
    public var crashes: Int
    /// Its role in the catalog the crashes were classified with.
    public var role: FrameRole
  }

  /// Distinct crashes counted.
  public private(set) var crashes = 0
  private var signatures = Set<String>()
  private var counts: [String: (count: Int, role: FrameRole)] = [:]

  /// An empty census.
  public init() {}

  /// Counts `crash` once per distinct signature: every named frame of its crashed thread
  /// (the first `ClassifiedCrash.viewedFrames`), each frame once per crash.
  public mutating func add(_ crash: ClassifiedCrash) {
    guard let thread = crash.report.crashedThreadIndex, let signature = CrashSignature.signature(of: crash),
      signatures.insert(signature).inserted
    else { return }
    crashes += 1
    var seen = Set<String>()
    for view in crash.frames(thread: thread) {
      guard let function = view.function else { continue }
      let key = (view.module.map { $0.uppercased() + "!" } ?? "") + CrashSignature.normalized(function)
      guard seen.insert(key).inserted else { continue }
      counts[key, default: (0, view.role)].count += 1
    }
  }

  /// The frames in at least `minimumCrashes` distinct crashes and at least `minimumShare` of
  /// them, most frequent first.
  public func rows(minimumCrashes: Int = 2, minimumShare: Double = 0) -> [Row] {
    counts.filter { $0.value.count >= minimumCrashes && Double($0.value.count) >= minimumShare * Double(crashes) }
      .map { Row(frame: $0.key, crashes: $0.value.count, role: $0.value.role) }
      .sorted { ($0.crashes, $1.frame) > ($1.crashes, $0.frame) }
  }
}
