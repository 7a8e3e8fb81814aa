//===--- AnalyseRunner.swift - Runs the built `analyse` binary --------------===//

import CrashTestSupport
import Foundation

/// The outcome of one run of `analyse`.
struct AnalyseRun {
  /// Everything written to standard output.
  var standardOutput: String
  /// Everything written to standard error.
  var standardError: String
  /// The exit status.
  var status: Int32
}

enum AnalyseRunner {
  /// The `analyse` built alongside this test bundle (`swift test` builds it, as
  /// the test target depends on it).
  static let executable: String = {
    let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = runner.deletingLastPathComponent()
    // On Linux the runner is `.build/<config>/<Package>PackageTests.xctest`; on macOS it
    // sits inside the .xctest bundle.
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("analyse").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return Fixtures.repositoryRoot + "/.build/debug/analyse"
  }()

  /// Runs `analyse arguments…` from the repository root, feeding `input` on standard input.
  /// The default symbol store is the repository's `Symbols/`, named relatively so that
  /// paths in the output do not depend on where the repository is checked out.
  /// With `outputFile`, standard output goes to that file (`/dev/full` to see a failing write).
  static func run(
    _ arguments: [String], input: Data? = nil, environment: [String: String] = ["CRASH_ANALYSIS_SYMBOLS": "Symbols"],
    outputFile: String? = nil
  ) throws -> AnalyseRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.repositoryRoot)
    let output = Pipe()
    let error = Pipe()
    let standardInput = Pipe()
    if let outputFile {
      guard let handle = FileHandle(forWritingAtPath: outputFile) else { throw CocoaError(.fileWriteUnknown) }
      process.standardOutput = handle
      try output.fileHandleForWriting.close()
    } else {
      process.standardOutput = output
    }
    process.standardError = error
    process.standardInput = standardInput
    try process.run()
    // Drain both pipes while the process runs so a large report cannot block it.
    let group = DispatchGroup()
    nonisolated(unsafe) var outputData = Data()
    nonisolated(unsafe) var errorData = Data()
    DispatchQueue.global().async(group: group) { outputData = output.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { errorData = error.fileHandleForReading.readDataToEndOfFile() }
    if let input { standardInput.fileHandleForWriting.write(input) }
    try standardInput.fileHandleForWriting.close()
    process.waitUntilExit()
    group.wait()
    return AnalyseRun(
      standardOutput: String(decoding: outputData, as: UTF8.self),
      standardError: String(decoding: errorData, as: UTF8.self),
      status: process.terminationStatus)
  }
}
