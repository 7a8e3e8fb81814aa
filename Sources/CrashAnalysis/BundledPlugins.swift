//===--- BundledPlugins.swift - The signature plugins that ship ---------------===//
//
// The Swift plugins built into the library, in the order they run. Programs
// that link the library add their own:
//
//   let pipeline = SignaturePipeline(plugins: BundledPlugins.swift + [MyDetector()])
//
//===----------------------------------------------------------------------===//

import Q276222Plugin
import Signatures

/// The plugins shipped with the library.
public enum BundledPlugins {
  /// The Swift plugins, in run order.
  public static var swift: [any SignaturePlugin] { [Q276222Detector()] }
}
