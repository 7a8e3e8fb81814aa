//===--- Main.swift - Classification throughput benchmark -------------------===//
//
//   classify-bench [--count N] DIR
//
// Decodes and symbolicates every file in DIR once (the KB sample by default in
// scripts/bench-classify), then classifies N reports (default 100,000), cycling
// through them, against every bundled plugin (the Swift detector and the rule
// files), and prints crashes/s. Target (issue #5): ≥ 100,000/s on one core.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import Signatures
import Symbolication

#if canImport(Glibc)
  import Glibc
#endif

@main
enum ClassifyBenchmark {
  static func main() {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var count = 100_000
    if arguments.first == "--count", arguments.count >= 2 {
      count = Int(arguments[1]) ?? count
      arguments.removeFirst(2)
    }
    guard let directory = arguments.first, let handle = opendir(directory) else {
      print("usage: classify-bench [--count N] DIR")
      exit(2)
    }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if !name.hasPrefix(".") { names.append(name) }
    }
    closedir(handle)
    let store = SymbolStore(roots: [ShippedSymbols.defaultRoot].compactMap { $0 })
    let symbolicator = Symbolicator(store: store)
    var reports: [CrashReport] = []
    for name in names.sorted() {
      guard let report = try? Analyser().analyse(path: "\(directory)/\(name)") else { continue }
      reports.append(symbolicator.symbolicate(report))
    }
    // As `analyse` runs it: every bundled plugin and rule, and the shipped frame catalogs.
    let pipeline = BundledPlugins.pipeline()
    print("\(reports.count) decoded reports, \(pipeline.plugins.count) plugins, \(pipeline.frames.entries.count) catalog entries")
    var findings = 0
    let start = now()
    for index in 0..<count {
      findings += pipeline.classify(reports[index % reports.count]).findings.count
    }
    let elapsed = now() - start
    print(
      "classified \(count) crashes in \(String((elapsed * 1000).rounded() / 1000)) s = "
        + "\(Int(Double(count) / elapsed)) crashes/s (\(findings) findings)")
  }

  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
