//===--- ShippedDataTests.swift - Where analyse finds what it ships ----------===//
//
// The lookup order of docs/installing.md: environment variable, then
// $CRASH_ANALYSIS_HOME, then the installation prefix, then the checkout. (The
// installed case, with the checkout out of reach, is what scripts/check-install
// tests in CI.)
//
//===----------------------------------------------------------------------===//

import CrashTestSupport
import Foundation
import Testing

@Suite("shipped data", .serialized)
struct ShippedDataTests {
  @Test("from a development build: every kind from the checkout")
  func checkout() throws {
    let run = try AnalyseRunner.run(["plugins", "list", "--locations"], environment: [:])
    #expect(run.status == 0)
    for kind in ["rules", "frames", "symbols", "examples"] {
      #expect(run.standardOutput.contains("\(kind):"), "\(kind)")
      #expect(run.standardOutput.contains(" (checkout)"))
    }
    // The network helper, built beside analyse.
    #expect(run.standardOutput.contains("helper:   " + NetworkHelperTests.helper + "\n"), "\(run.standardOutput)")
  }

  @Test("CRASH_ANALYSIS_HOME comes before the checkout; a variable of its own before both")
  func home() throws {
    let home = NSTemporaryDirectory() + "analyse-home-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: home) }
    try FileManager.default.createDirectory(atPath: home + "/rules", withIntermediateDirectories: true)
    try "id: HOME-1\ntitle: a rule from the home\nmatch:\n  top: nowhere\n".write(
      toFile: home + "/rules/home.yaml", atomically: true, encoding: .utf8)
    let run = try AnalyseRunner.run(["plugins", "list", "--locations"], environment: ["CRASH_ANALYSIS_HOME": home])
    #expect(run.status == 0, "\(run.standardError)")
    #expect(run.standardOutput.contains("rules:    \(home)/rules (home)"))
    #expect(run.standardOutput.contains("HOME-1"))
    #expect(!run.standardOutput.contains("Q182547"), "the checkout's rules are not read when the home has them")
    #expect(run.standardOutput.contains("frames:   ") && run.standardOutput.contains("Plugins/frames (checkout)"))

    let own = try AnalyseRunner.run(
      ["plugins", "list", "--locations"],
      environment: ["CRASH_ANALYSIS_HOME": home, "CRASH_ANALYSIS_RULES": Fixtures.repositoryRoot + "/Plugins/rules"])
    #expect(own.standardOutput.contains("(environment)"))
    #expect(own.standardOutput.contains("Q182547"))
  }

  @Test("an empty variable turns a kind off, quietly")
  func turnedOff() throws {
    let off = try AnalyseRunner.run(["plugins", "list"], environment: ["CRASH_ANALYSIS_RULES": ""])
    #expect(off.status == 0)
    #expect(!off.standardError.contains("warning"))
    #expect(off.standardOutput.contains("Q276222") && !off.standardOutput.contains("Q182547"))
  }

  @Test("plugins compile writes the compiled rules and catalogs; a run lists the same plugins from them")
  func compile() throws {
    let home = NSTemporaryDirectory() + "analyse-compile-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: home) }
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Fixtures.repositoryRoot + "/Plugins/rules", toPath: home + "/rules")
    try FileManager.default.copyItem(atPath: Fixtures.repositoryRoot + "/Plugins/frames", toPath: home + "/frames")
    let environment = ["CRASH_ANALYSIS_HOME": home]
    let fromYAML = try AnalyseRunner.run(["plugins", "list"], environment: environment)

    let compiled = try AnalyseRunner.run(["plugins", "compile"], environment: environment)
    #expect(compiled.status == 0, "\(compiled.standardError)")
    #expect(compiled.standardOutput.contains("rules → \(home)/rules.compiled.json"))
    #expect(compiled.standardOutput.contains("frame-catalog entries → \(home)/frames.compiled.json"))
    #expect(FileManager.default.fileExists(atPath: home + "/rules.compiled.json"))
    let fromCompiled = try AnalyseRunner.run(["plugins", "list"], environment: environment)
    #expect(fromCompiled.status == 0)
    #expect(fromCompiled.standardOutput == fromYAML.standardOutput)

    // A broken rule: nothing compiled, exit 7, the mistake named; the old compiled file is stale.
    try "id: broken\ntitle: x\nmatch: {tpo: f}\n".write(toFile: home + "/rules/broken.yaml", atomically: true, encoding: .utf8)
    let broken = try AnalyseRunner.run(["plugins", "compile"], environment: environment)
    #expect(broken.status == 7)
    #expect(broken.standardError.contains("broken.yaml"))
    let listed = try AnalyseRunner.run(["plugins", "list"], environment: environment)
    #expect(listed.status == 7, "the broken rule is reported from its YAML at every run")
  }
}
