//===--- BundledPlugins.swift - The signature plugins that ship ---------------===//
//
// The Swift plugins built into the library, in the order they run. Programs
// that link the library add their own:
//
//   let pipeline = SignaturePipeline(plugins: BundledPlugins.swift + [MyDetector()])
//
//===----------------------------------------------------------------------===//

import ByteReading
import Q276222Plugin
import SignatureRules
import Signatures

#if canImport(Glibc)
  import Glibc
#endif

/// The plugins shipped with the library.
public enum BundledPlugins {
  /// The Swift plugins, in run order.
  public static var swift: [any SignaturePlugin] { [Q276222Detector()] }

  /// The shipped rule files' directory (`BundledResources`: `$CRASH_ANALYSIS_RULES`, the
  /// installation prefix, the checkout), or nil when none is found.
  public static var rulesDirectory: String? { BundledResources.location(of: .rules)?.path }

  /// The shipped frame catalogs' directory, found the same way (`$CRASH_ANALYSIS_FRAMES`).
  public static var framesDirectory: String? { BundledResources.location(of: .frames)?.path }

  /// The shipped frame catalogs, merged (which frames carry no information; FrameRole), and
  /// the files that could not be read.
  public static func frameCatalog() -> (catalog: FrameCatalog, errors: [PluginLoadError]) {
    guard let directory = framesDirectory else { return (FrameCatalog(), []) }
    if let catalog = CompiledRules.catalog(in: directory) { return (catalog, []) }
    return FrameCatalogParser.load(directory: directory)
  }

  /// A pipeline over every plugin (`all(rulePaths:)`) with the shipped frame catalogs; the
  /// rules and catalogs that could not be loaded are its `loadErrors`. With `external`, the
  /// external plugins (`analyse-plugin-NAME` executables in `rulePaths` and on `searchPath`)
  /// are started too, each given `timeLimit` seconds per answer; `pathCache` keeps the plugin
  /// names of `searchPath`'s directories between runs (PluginDirectoryCache).
  public static func pipeline(
    rulePaths: [String] = [], external: Bool = false, searchPath: String? = nil,
    timeLimit: Double = ExternalPlugin.defaultTimeLimit, pathCache: PluginDirectoryCache? = nil
  ) -> SignaturePipeline {
    let loaded = all(rulePaths: rulePaths)
    var plugins = loaded.plugins
    var errors = loaded.errors
    if external {
      var ids = Set(plugins.map { $0.descriptor.id.lowercased() })
      let paths = ExternalPluginLocator.executables(in: rulePaths, searchPath: searchPath, cache: pathCache)
      pathCache?.save()
      for path in paths {
        do {
          let plugin = try ExternalPlugin(path: path, timeLimit: timeLimit, tool: "analyse")
          guard ids.insert(plugin.descriptor.id.lowercased()).inserted else {
            errors.append(PluginLoadError(file: path, line: nil, message: "id '\(plugin.descriptor.id)' is already used by another plugin"))
            continue
          }
          plugins.append(plugin)
        } catch {
          errors.append(error)
        }
      }
    }
    let frames = frameCatalog()
    return SignaturePipeline(plugins: plugins, frames: frames.catalog, loadErrors: frames.errors + errors)
  }

  /// Every plugin: the Swift ones, then the rules of the shipped directory (unless
  /// `includeShippedRules` is false) and of `rulePaths` (rule files or directories of them,
  /// each directory in file-name order). A path that is missing, a rule file with mistakes
  /// and a rule whose id an earlier plugin already has are skipped and returned as errors
  /// naming the file and line.
  public static func all(rulePaths: [String] = [], includeShippedRules: Bool = true)
    -> (plugins: [any SignaturePlugin], errors: [PluginLoadError])
  {
    var plugins = swift
    var errors: [PluginLoadError] = []
    var owners: [String: String] = [:]  // lower-cased id → where it was first defined
    for plugin in plugins { owners[plugin.descriptor.id.lowercased()] = "the built-in \(plugin.descriptor.id) plugin" }
    var files = Set<FileIdentity>()  // a file named twice (or linked) loads once
    let shipped = includeShippedRules ? rulesDirectory : nil
    let paths = [shipped].compactMap { $0 } + rulePaths
    for path in paths {
      // The shipped directory from its compiled form when that is current (CompiledRules).
      let compiled = path == shipped ? CompiledRules.rules(in: path) : nil
      let loaded = compiled.map { (plugins: $0.map(RulePlugin.init(rule:)), errors: [PluginLoadError]()) } ?? RuleLoader.load(path: path)
      errors += loaded.errors
      for plugin in loaded.plugins {
        let rule = plugin.rule
        if let identity = FileOpener.identity(of: rule.file), !files.insert(identity).inserted { continue }
        let key = rule.descriptor.id.lowercased()
        if let owner = owners[key] {
          errors.append(
            PluginLoadError(
              file: rule.file, line: rule.idLine, message: "id '\(rule.descriptor.id)' is already used by \(owner)"))
          continue
        }
        owners[key] = rule.file + (rule.idLine.map { ":\($0)" } ?? "")
        plugins.append(plugin)
      }
    }
    return (plugins, errors)
  }

  /// The ids of the built-in plugins and shipped rules (lower-cased), with the rule file
  /// that defines each (nil for a built-in Swift plugin) and its line.
  public static var bundledIdentifiers: [String: (file: String?, line: Int?)] {
    var owners: [String: (file: String?, line: Int?)] = [:]
    for plugin in all().plugins {
      let rule = (plugin as? RulePlugin)?.rule
      owners[plugin.descriptor.id.lowercased()] = (rule?.file, rule?.idLine)
    }
    return owners
  }
}
