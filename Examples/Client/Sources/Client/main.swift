// A client of the crash-analysis library: decode a pasted listing, walk a minidump, resolve
// the frames, classify both with the bundled plugins, then triage a folder with async/await.
// Run it: swift run --package-path Examples/Client Client [EXAMPLES-DIR]
// It exits 1 when an outcome is not the documented one, so CI can run it as a test.

import CrashAnalysis

#if canImport(Glibc)
  import Glibc
#endif

let examples = CommandLine.arguments.dropFirst().first ?? BundledResources.location(of: .examples)?.path ?? "Examples"
var problems: [String] = []

// 1. A Dr. Watson log: decode, symbolicate with the shipped maps, classify.
let store = SymbolStore(roots: [ShippedSymbols.defaultRoot].compactMap { $0 })
let pipeline = BundledPlugins.pipeline()
var report = try Analyser().analyse(path: examples + "/Q276222/drwtsn32.log")
report = Symbolicator(store: store).symbolicate(report)
for thread in report.threads where !thread.frames.isEmpty {
  print(thread.architecture, thread.format?.rawValue ?? "-")
  for frame in thread.frames {
    print(frame.framePointer?.description ?? "-", frame.returnAddress?.description ?? "-", frame.locationText ?? "")
  }
}
let classification = pipeline.classify(report)
for finding in classification.findings {
  print(finding.plugin, finding.confidence, finding.title)
}
print("signature:", classification.signature ?? "-")
if classification.findings.first?.plugin != "Q276222" { problems.append("the log: no Q276222 finding") }

// 2. A minidump: walked with the store's unwind data; names come from `resolution`.
var dump = try Analyser().analyse(path: examples + "/Q276222/emsmta.dmp", unwindData: StoreUnwindData(store: store))
dump = Symbolicator(store: store).symbolicate(dump)
if let crashed = dump.crashedThread {
  print("dump: thread", crashed.id.map { String($0, radix: 16) } ?? "-", crashed.frames.count, "frames")
  print(crashed.frames.compactMap(\.locationText).prefix(3).joined(separator: " ← "))
}
if let exception = dump.exception { print("exception:", exception.code) }
let dumpClassification = pipeline.classify(dump)
if dumpClassification.signature != classification.signature {
  problems.append("the dump's signature \(dumpClassification.signature ?? "-") differs from the log's")
}

// 3. A folder as a batch, from async code: one store and one pipeline for every input.
var batch = BatchAnalyser(pipeline: pipeline)
batch.symbolStore = store
let files = BatchAnalyser.expand([examples + "/Q276222", examples + "/Alpha"], filter: BatchFileFilter(exclude: ["*.sym"]))
let results = await batch.analyse(files)
var summary = TriageSummary()
for result in results { summary.add(result.record) }
print(TriageReportWriter.text(summary))
if summary.total != 4 || !summary.failures.isEmpty { problems.append("the batch: \(summary.total) inputs, \(summary.failures.count) failed") }

if !problems.isEmpty {
  for problem in problems { print("client: \(problem)") }
  exit(1)
}
print("client: all outcomes as documented")
