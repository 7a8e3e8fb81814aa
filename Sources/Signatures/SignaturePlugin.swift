//===--- SignaturePlugin.swift - The plugin protocol --------------------------===//
//
// A plugin recognises one known issue (or a family). It is given the finished,
// symbolicated report — a value, so it cannot change it — and returns zero or
// more findings. A plugin may throw; the pipeline turns that into a note and
// runs the others. See docs/writing-plugins.md.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Who a plugin is and what it knows about.
public struct PluginDescriptor: Sendable, Hashable {
  /// A short stable id: the KB article (`Q276222`) or a rule name.
  public var id: String
  /// The known issue's title.
  public var title: String
  /// The product (`Microsoft Exchange Server`).
  public var product: String
  /// The versions affected, as the article states them (`5.5 SP3, 5.5 SP4`).
  public var affectedVersions: String
  /// Where the issue is described (article ids, URLs).
  public var references: [String]

  /// Creates a descriptor.
  public init(id: String, title: String, product: String, affectedVersions: String, references: [String]) {
    self.id = id
    self.title = title
    self.product = product
    self.affectedVersions = affectedVersions
    self.references = references
  }
}

/// A detector for a known crash.
public protocol SignaturePlugin: Sendable {
  /// Who the plugin is.
  var descriptor: PluginDescriptor { get }
  /// The findings for `report` (empty when the crash is something else).
  func examine(_ report: CrashReport) throws -> [Finding]
  /// The same, with frame views the pipeline computed once for every plugin. The default
  /// calls `examine(_:)`; bundled plugins implement it to share the views.
  func examine(_ crash: ClassifiedCrash) throws -> [Finding]
}

extension SignaturePlugin {
  /// Calls `examine(_:)` with the report.
  public func examine(_ crash: ClassifiedCrash) throws -> [Finding] { try examine(crash.report) }
}

/// A report being classified, with its frame views computed once and shared by every plugin.
/// Confined to one classification (not Sendable).
public final class ClassifiedCrash {
  /// The report (a value: plugins cannot change it).
  public let report: CrashReport
  /// The frame catalog the views' roles come from.
  public let catalog: FrameCatalog
  private var views: [Int: [FrameView]] = [:]
  /// How many frames per thread the views cover.
  public static let viewedFrames = 32

  /// Wraps `report`; frame roles come from `catalog`.
  public init(_ report: CrashReport, catalog: FrameCatalog = FrameCatalog()) {
    self.report = report
    self.catalog = catalog
  }

  /// The views of the first `viewedFrames` frames of `thread`.
  public func frames(thread: Int) -> [FrameView] {
    if let cached = views[thread] { return cached }
    let computed = FrameView.frames(of: report, thread: thread, limit: Self.viewedFrames, catalog: catalog)
    views[thread] = computed
    return computed
  }

  /// The index of the crash site in `thread`: its first frame that is not `.irrelevant`
  /// (below `RaiseException` and the dispatcher), or nil when there is none.
  public func topIndex(thread: Int) -> Int? {
    frames(thread: thread).firstIndex { $0.role != .irrelevant }
  }
}
