//===--- PluginsNewCommand.swift - `analyse plugins new NAME` ----------------===//
//
// Writes a Swift package for an external plugin: an executable
// `analyse-plugin-NAME` whose main.swift holds a `SignaturePlugin` (a
// detector for a crash site, and optionally a caller) served over the
// protocol of docs/plugin-protocol.md by ExternalPluginHost. Build it with
// `swift build`, then give its build folder to `--plugins`.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import ByteReading
import CrashAnalysis

#if canImport(Glibc)
  import Glibc
#endif

struct PluginsNewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "new", abstract: "Write a Swift package for an external plugin (analyse-plugin-NAME).")

  @Argument(help: "The plugin's id: letters, digits, - and _ (its executable is analyse-plugin-NAME).")
  var name: String

  @Option(help: "The function the crash happens in (the crash site the plugin recognises).")
  var function = "crash_site_function"

  @Option(help: "A caller of that function that identifies the code path (optional).")
  var caller: String?

  @Option(help: "The known issue's title.")
  var title = "Describe the known issue"

  @Option(help: ArgumentHelp("Where to create the package folder.", valueName: "dir"))
  var output = "."

  @Option(help: ArgumentHelp("The crash-analysis package to depend on, by path (default: the checkout analyse was built from, when it exists).", valueName: "path"))
  var library: String?

  func validate() throws {
    guard PluginIdentifier.isValid(name) else {
      throw ValidationError("the name may hold only 1 to \(PluginIdentifier.maximumLength) letters, digits, '-' and '_'")
    }
    for (label, value) in [("--function", function), ("--caller", caller ?? "x"), ("--title", title)]
    where value.contains("\"") || value.contains("\\") || value.contains("\n") {
      throw ValidationError("\(label) may not hold quotes, backslashes or line breaks")
    }
  }

  func run() throws {
    let package = "analyse-plugin-" + name
    let root = output + "/" + package
    let checkout = library ?? BundledResources.checkoutRoot
    let dependency: String
    let identity: String
    if FileOpener.kind(of: checkout + "/Package.swift") == .regular {
      let absolute = FileOpener.canonicalPath(checkout)
      dependency = ".package(path: \"\(absolute)\")"
      identity = String(absolute.split(separator: "/").last ?? "crash-analysis").lowercased()
    } else {
      dependency = ".package(url: \"https://github.com/you/crash-analysis.git\", from: \"0.1.0\")  // edit: where you get it"
      identity = "crash-analysis"
    }
    for directory in [root, root + "/Sources", root + "/Sources/" + package] where mkdir(directory, 0o755) != 0 && errno != EEXIST {
      throw ValidationError("cannot create \(directory): \(String(cString: strerror(errno)))")
    }
    guard FileOpener.kind(of: root + "/Package.swift") == nil else {
      throw ValidationError("\(root)/Package.swift exists; not overwritten")
    }
    try SymbolsLearnCommand.write(manifest(package, dependency, identity), to: root + "/Package.swift", creating: [])
    try SymbolsLearnCommand.write(source(), to: root + "/Sources/\(package)/main.swift", creating: [])
    Console.text(
      """
      wrote \(root)
        build:  swift build --package-path \(root)
        use:    analyse --plugins \(root)/.build/debug CRASH…
        protocol and rules: docs/plugin-protocol.md, docs/writing-plugins.md

      """)
  }

  private func manifest(_ package: String, _ dependency: String, _ identity: String) -> String {
    """
    // swift-tools-version: 6.1
    // An external signature plugin for analyse (docs/plugin-protocol.md), written by
    // `analyse plugins new \(name)`. Build: swift build; then: analyse --plugins .build/debug CRASH…
    import PackageDescription

    let package = Package(
      name: "\(package)",
      dependencies: [\(dependency)],
      targets: [
        .executableTarget(name: "\(package)", dependencies: [.product(name: "CrashAnalysis", package: "\(identity)")])
      ]
    )

    """
  }

  private func source() -> String {
    let callerValue = caller.map { "\"\($0)\"" } ?? "nil"
    return """
      // \(name): a signature plugin served to analyse over JSON lines (ExternalPluginHost).
      // Its findings obey the pipeline's rules (docs/writing-plugins.md): evidence marked
      // `defining` is required, frames on every thread count for nothing, contradictions lower.

      import CrashAnalysis

      struct Detector: SignaturePlugin {
        let descriptor = PluginDescriptor(
          id: "\(name)", title: "\(title)", product: "", affectedVersions: "", references: [])
        /// The function the crash happens in.
        let crashSite = "\(function)"
        /// A caller that identifies the code path, if the issue names one.
        let caller: String? = \(callerValue)

        func examine(_ report: CrashReport) throws -> [Finding] { try examine(ClassifiedCrash(report)) }

        func examine(_ crash: ClassifiedCrash) throws -> [Finding] {
          guard let thread = crash.report.crashedThreadIndex, let top = crash.topIndex(thread: thread) else { return [] }
          let frames = crash.frames(thread: thread)
          guard frames[top].matches(module: nil, function: crashSite) else { return [] }
          var evidence = [Evidence(.supports, "\\(crashSite) is the crash site", at: frames[top].location, defining: true)]
          var confidence = Confidence.possible
          if let caller, top + 1 < frames.count {
            let next = frames[top + 1]
            if next.matches(module: nil, function: caller) {
              evidence.append(Evidence(.supports, "called from \\(caller)", at: next.location))
              confidence = .likely
            } else if let other = next.function {
              evidence.append(Evidence(.contradicts, "called from \\(other), not \\(caller)", at: next.location))
            }
          }
          return [Finding(plugin: descriptor.id, title: descriptor.title, confidence: confidence, evidence: evidence, remedy: nil)]
        }
      }

      ExternalPluginHost.serve(Detector())

      """
  }
}
