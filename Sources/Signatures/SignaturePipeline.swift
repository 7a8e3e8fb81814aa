//===--- SignaturePipeline.swift - Running every plugin on a report ----------===//
//
// Plugins run in the order given (bundled Swift plugins first, then rule files
// in file-name order). Each sees the same report value, with frame roles from
// the frame catalog. A plugin that throws becomes a note naming it; the others
// still run. Every finding passes ConfidencePolicy (defining evidence, no
// credit for uninformative frames, contradictions lower). Findings are
// returned most confident first, then in plugin order.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// What classification found.
public struct Classification: Sendable, Hashable {
  /// Findings, most confident first.
  public var findings: [Finding]
  /// The crash signature used for grouping (buckets).
  public var signature: String?
  /// Plugins that failed, with what they threw.
  public var notes: [String]
  /// Plugins that were not loaded (rule files with mistakes, duplicate ids): the
  /// classification was made without them.
  public var pluginErrors: [PluginLoadError]

  /// Creates a classification.
  public init(findings: [Finding], signature: String?, notes: [String], pluginErrors: [PluginLoadError] = []) {
    self.findings = findings
    self.signature = signature
    self.notes = notes
    self.pluginErrors = pluginErrors
  }
}

/// Runs plugins over reports.
public struct SignaturePipeline: Sendable {
  /// The plugins, in the order they run.
  public let plugins: [any SignaturePlugin]
  /// Which frames carry no information (Plugins/frames/): for frame roles and signatures.
  public let frames: FrameCatalog
  /// Plugins that could not be loaded; every classification lists them.
  public let loadErrors: [PluginLoadError]

  /// A pipeline over `plugins`, with frame roles from `frames`; `loadErrors` are the plugins
  /// that could not be loaded.
  public init(plugins: [any SignaturePlugin], frames: FrameCatalog = FrameCatalog(), loadErrors: [PluginLoadError] = []) {
    self.plugins = plugins
    self.frames = frames
    self.loadErrors = loadErrors
  }

  /// Every plugin's findings for `report`, and its signature.
  public func classify(_ report: CrashReport) -> Classification {
    var findings: [(order: Int, finding: Finding)] = []
    var notes: [String] = []
    let crash = ClassifiedCrash(report, catalog: frames)
    for (order, plugin) in plugins.enumerated() {
      do {
        for proposed in try plugin.examine(crash) {
          // Every plugin's finding obeys the written confidence rules (ConfidencePolicy).
          if let finding = ConfidencePolicy.enforce(proposed, in: crash) {
            findings.append((order, finding))
          } else {
            notes.append("plugin \(plugin.descriptor.id): a finding without defining evidence was withheld")
          }
        }
      } catch {
        notes.append("plugin \(plugin.descriptor.id) failed: \(error)")
      }
    }
    findings.sort { ($0.finding.confidence, -$0.order) > ($1.finding.confidence, -$1.order) }
    return Classification(findings: findings.map(\.finding), signature: CrashSignature.signature(of: crash), notes: notes,
      pluginErrors: loadErrors)
  }
}
