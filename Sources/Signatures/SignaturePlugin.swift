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
}
