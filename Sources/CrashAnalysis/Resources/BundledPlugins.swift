//===--- BundledPlugins.swift - The signature plugins that ship ---------------===//
//
// The Swift plugins built into the library, in the order they run. Programs
// that link the library add their own:
//
//   let pipeline = SignaturePipeline(plugins: BundledPlugins.swift + [MyDetector()])
//
//===----------------------------------------------------------------------===//

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

  /// The shipped rule files' directory: `$CRASH_ANALYSIS_RULES`, else `Plugins/rules` of the
  /// checkout this library was built from.
  public static var rulesDirectory: String? {
    if let override = getenv("CRASH_ANALYSIS_RULES") {
      let path = String(cString: override)
      return path.isEmpty ? nil : path
    }
    var path = #filePath
    for _ in 0..<4 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
    let directory = path + "/Plugins/rules"
    var status = stat()
    guard stat(directory, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { return nil }
    return directory
  }

  /// Every plugin: the Swift ones, then the rules of the shipped directory (unless
  /// `includeShippedRules` is false) and of `ruleDirectories`, each in file-name order.
  /// Rule files with mistakes are skipped and returned as errors.
  public static func all(ruleDirectories: [String] = [], includeShippedRules: Bool = true)
    -> (plugins: [any SignaturePlugin], errors: [RuleFileError])
  {
    var plugins = swift
    var errors: [RuleFileError] = []
    let directories = (includeShippedRules ? [rulesDirectory].compactMap { $0 } : []) + ruleDirectories
    for directory in directories {
      let loaded = RuleLoader.load(path: directory)
      plugins += loaded.plugins.map { $0 as any SignaturePlugin }
      errors += loaded.errors
    }
    return (plugins, errors)
  }
}
