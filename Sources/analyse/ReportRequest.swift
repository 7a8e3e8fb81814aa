//===--- ReportRequest.swift - What the report command was asked, and doing it ===//
//
// The report command's options as plain values, filled either from the
// ArgumentParser command (AnalyseCommand.request) or, for the common
// invocations, straight from the argument list (QuickArguments): reading a
// command through ArgumentParser reflects over its 28 options, about 1.5 ms of
// a run that otherwise takes 3. Validation and the run itself read only this.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import CrashAnalysis
import CrashCore
import StackText
import Signatures
import SourceMaps
import Symbolication

#if canImport(Glibc)
  import Glibc
#endif

/// The report command's options, as plain values with their defaults.
struct ReportRequest: Equatable {
  /// Files, directories or - (standard input).
  var inputs: [String] = []
  /// --files-from.
  var filesFrom: String?
  /// --jsonl.
  var jsonl = false
  /// --include globs.
  var include: [String] = []
  /// --exclude globs.
  var exclude: [String] = []
  /// --color, when given.
  var colorOption: ColorChoice?
  /// --html.
  var html: String?
  /// --jobs.
  var jobs: Int?
  /// --json.
  var json = false
  /// -v, --verbose.
  var verbose = false
  /// --max-input-size, when given.
  var maxInputSizeOption: Int?
  /// --max-line-length, when given.
  var maxLineLengthOption: Int?
  /// --symbols, each.
  var symbolRoots: [String] = []
  /// --no-default-symbols.
  var noDefaultSymbols = false
  /// --source-maps, each.
  var sourceMapRoots: [String] = []
  /// --symbol-path, --symbol-cache, --offline, --symbol-log.
  var symbolPath = SymbolPathSettings()
  /// --max-frames.
  var maxFrames: Int?
  /// --max-total-frames, when given.
  var maxTotalFramesOption: Int?
  /// --max-threads, when given.
  var maxThreadsOption: Int?
  /// --max-scan-bytes, when given.
  var maxScanBytesOption: Int?
  /// --max-symbol-file-size, when given.
  var maxSymbolFileSizeOption: Int?
  /// --time-limit.
  var timeLimit: Double?
  /// --plugins, each.
  var rulePaths: [String] = []
  /// --plugin-timeout, when given.
  var pluginTimeoutOption: Double?
  /// --all-threads.
  var allThreads = false

  var color: ColorChoice { colorOption ?? .auto }
  /// The single input (single-file mode).
  var input: String { inputs.first ?? "-" }
  var maxInputSize: Int { maxInputSizeOption ?? AnalysisOptions().maximumInputSize }
  var maxLineLength: Int { maxLineLengthOption ?? TextDecoderOptions().maximumLineLength }
  var maxTotalFrames: Int { maxTotalFramesOption ?? AnalysisOptions().maximumFramesPerInput }
  var maxThreads: Int { maxThreadsOption ?? 4_096 }
  var maxSymbolFileSize: Int { maxSymbolFileSizeOption ?? 4 << 30 }
  var pluginTimeout: Double { pluginTimeoutOption ?? ExternalPlugin.defaultTimeLimit }

  func validate() throws {
    // `pbpaste | analyse`: with no path, standard input is read when it is not a terminal.
    guard !inputs.isEmpty || filesFrom != nil || isatty(0) == 0 else {
      throw ValidationError("give a file to analyse, or - (or a pipe) for standard input")
    }
    guard (maxFrames ?? 1) >= 1, maxTotalFrames >= 1, maxThreads >= 1, (maxScanBytesOption ?? 4) >= 4, maxSymbolFileSize >= 1
    else {
      throw ValidationError("--max-frames, --max-total-frames, --max-threads, --max-scan-bytes and --max-symbol-file-size must be positive")
    }
    if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    guard maxInputSize > 0 else { throw ValidationError("--max-input-size must be positive") }
    guard maxLineLength >= 80 else { throw ValidationError("--max-line-length must be at least 80") }
    guard pluginTimeout > 0 else { throw ValidationError("--plugin-timeout must be a positive number of seconds") }
    if json && jsonl { throw ValidationError("--json and --jsonl cannot be used together: pick the triage summary (--json) or a report per line (--jsonl)") }
  }

  /// The analysis settings the options describe.
  var analysisOptions: AnalysisOptions {
    var options = AnalysisOptions()
    options.maximumInputSize = maxInputSize
    options.text.maximumLineLength = maxLineLength
    if let maxFrames {
      options.text.maximumFramesPerStack = maxFrames
      options.walk.maximumFrames = maxFrames
    }
    if let maxScanBytesOption { options.walk.limitScan(toBytes: maxScanBytesOption) }
    options.maximumThreads = maxThreads
    options.maximumFramesPerInput = maxTotalFrames
    options.timeLimit = timeLimit
    // A path named on the command line may be a pipe on purpose (`analyse <(zcat log.gz)`).
    options.acceptsStreams = true
    return options
  }

  /// Where JavaScript frames' source maps are looked for: every --source-maps DIR, then every
  /// --symbols DIR (a map is often kept with a build's other debug files).
  var sourceMapDirectories: [String] { sourceMapRoots + symbolRoots }

  /// The run's source maps (nil without directories to search).
  var sourceMaps: SourceMapResolver? {
    sourceMapDirectories.isEmpty ? nil : SourceMapResolver(directories: sourceMapDirectories)
  }

  /// The symbol store of the run: the symbol path's directories, every --symbols DIR, the
  /// shipped maps, then the path's servers (nil when there is nothing to search).
  var symbolStore: SymbolStore? {
    if !noDefaultSymbols { ShippedData.warnIfMissing(.symbols) }
    let roots = symbolRoots + (noDefaultSymbols ? [] : [ShippedSymbols.defaultRoot].compactMap { $0 })
    return symbolPath.store(roots: roots, maximumFileSize: maxSymbolFileSize)
  }

  func run() throws {
    if isBatch {
      try runBatch()
      return
    }
    let report: CrashReport
    do {
      report = try symbolicatedReport()
    } catch {
      Console.error("analyse: \(error)\n")
      // A file of a known format that breaks it is damaged input, as a cut minidump is.
      if let failure = error as? AnalysisError, case .damaged = failure {
        throw ExitCode(AnalyseExitStatus.damagedInput.rawValue)
      }
      throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
    }
    let plugins = RunPlugins(rulePaths: rulePaths, timeLimit: pluginTimeout)
    let classification = plugins.pipeline.classify(report)
    if json {
      JSONReportWriter.write(report, classification: classification, tool: "analyse \(AnalyseVersion.current)", to: Console.output)
    } else {
      var textOptions = TextReportWriter.Options()
      textOptions.showInstructionAddresses = verbose
      textOptions.showAllThreads = allThreads
      Console.report(TextReportWriter.render(report, classification: classification, options: textOptions), colour: color.isOn)
    }
    let status = AnalyseExitStatus(for: report)
    if status == .noStackFound {
      // Text that is another tool's stack says so, rather than a bare "no stack found".
      if let foreign = report.diagnostics.first(where: { $0.message.hasPrefix("unsupported input: ") }) {
        Console.error("analyse: \(input): no stack found: \(foreign.message.dropFirst("unsupported input: ".count))\n")
      } else {
        Console.error("analyse: \(input): no stack found\n")
      }
    } else if status == .damagedInput {
      Console.error("analyse: \(input): the input is damaged; see the error diagnostics\n")
    }
    if status != .success { throw ExitCode(status.rawValue) }
    try plugins.requireAllLoaded()
  }

  /// The input walked or decoded, then symbolicated. The symbol store (its files' indexes,
  /// their descriptors) ends with this call, so the plugins and the writers that follow reuse
  /// its memory instead of adding to it.
  private func symbolicatedReport() throws -> CrashReport {
    let store = symbolStore
    var report = try Analyser(options: analysisOptions).analyse(path: input, unwindData: store.map { StoreUnwindData(store: $0) })
    if let sourceMaps, report.hasStack { report = sourceMaps.resolve(report) }
    guard let store, report.hasStack else { return Self.withSystemRootHint(report, systemRoots: symbolPath.systemRoots) }
    return Self.withSystemRootHint(Symbolicator(store: store).symbolicate(report), systemRoots: symbolPath.systemRoots)
  }

  /// A core whose modules went without symbols, read without --sysroot: a note saying how to
  /// read the files it names from this machine.
  static func withSystemRootHint(_ report: CrashReport, systemRoots: [String]) -> CrashReport {
    guard report.input.kind == .core, systemRoots.isEmpty else { return report }
    let found = Set(report.moduleSymbols.filter { $0.status == .loaded }.map(\.module))
    let missing = report.modules.filter { $0.path?.hasPrefix("/") == true && $0.buildID != nil && !found.contains($0.name) }
    guard let first = missing.first?.path else { return report }
    var report = report
    let count = missing.count == 1 ? "1 module" : "\(missing.count) modules"
    report.diagnostics.append(
      Diagnostic(
        .note,
        "\(count) of the core without symbols (\(first)\(missing.count > 1 ? ", …" : "")): on the machine it ran on, --sysroot / reads the files it names (each taken only when its build id matches)"))
    return report
  }

  /// Several inputs, a directory, or a list of paths: batch mode.
  var isBatch: Bool {
    if filesFrom != nil || inputs.count > 1 || jsonl || html != nil { return true }
    guard let only = inputs.first, only != "-" else { return false }
    var status = stat()
    return stat(only, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
  }
}
