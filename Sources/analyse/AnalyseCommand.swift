//===--- AnalyseCommand.swift - The `analyse` command-line tool -------------===//
//
//   analyse FILE            decode a crash listing, Dr. Watson log or event export
//   analyse -               read standard input
//   analyse --json FILE     the same as JSON (docs/json-output.md)
//   analyse symbolize …     resolve addresses like llvm-symbolizer (SymbolizeCommand)
//   analyse symbols learn … recover symbol maps from listings (SymbolsLearnCommand)
//
// Exit status (README, --help): 0 a stack was decoded; 2 no stack found (input whole);
// 3 the input could not be read or is not a crash input; 4 a stack was decoded
// but the input is damaged (error diagnostics: truncated, cut lines); 5 a batch
// had failed inputs; 6 the output could not be written; 64 bad usage;
// 128 + N killed by signal N.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import CrashAnalysis
import CrashCore
import StackText
import Signatures
import Symbolication

#if canImport(Glibc)
  import Glibc
#endif

@main
struct AnalyseTool: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyse",
    abstract: "Decode, symbolicate and explain crash call stacks.",
    discussion: """
      analyse FILE (or -) runs the default subcommand, report: it decodes the stack \
      listings, Dr. Watson logs, event records and STOP lines in FILE and resolves the \
      frames against the symbol store. See 'analyse report --help' for its options.

      Exit status of report: 0 a stack was decoded; 2 no stack found; 3 the input could \
      not be read or is not a crash input; 4 the input is damaged (a stack may still have been decoded); \
      5 a batch finished but some inputs failed; 6 the output could not be written (disk \
      full, I/O error); 7 a rule file (--plugins) is missing or wrong, and the report was \
      made without it; 64 bad usage; 130 interrupted.
      """,
    version: AnalyseVersion.current,
    subcommands: [
      AnalyseCommand.self, SymbolizeCommand.self, SymbolsCommand.self, PluginsCommand.self, FramesCommand.self,
      WorkerCommand.self,
      MergeCommand.self,
    ],
    defaultSubcommand: AnalyseCommand.self
  )

  /// Parses and runs the command; then standard output is flushed and checked, so a failed
  /// write is exit status 6 whatever the command's own status was.
  static func main() {
    Interrupts.install()
    var failure: (any Error)?
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      failure = error
    }
    do {
      try Console.finish()
    } catch {
      exit(withError: error)
    }
    exit(withError: failure)
  }
}

struct AnalyseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Decode crash call stacks from debugger listings, Dr. Watson logs and event-log text.",
    discussion: """
      Reads text as debuggers, Dr. Watson and KB articles printed it: x86 and DEC Alpha \
      stack listings (FramePtr/RetAddr, ChildEBP, Callee-SP, blue screens, Windows 9x, \
      SQL short stacks), whole drwtsn32.log files, event-log records and STOP lines.

      Frames are resolved against the symbol store: the shipped Symbols/ folder \
      (or $CRASH_ANALYSIS_SYMBOLS) and every --symbols DIR.

      Exit status: 0 a stack was decoded; 2 no stack found; 3 the input could not be \
      read or is not a crash input; 4 the input is damaged (a stack may still have been decoded); 5 a \
      batch finished but some inputs failed; 6 the output could not be written; 7 a rule file \
      (--plugins) is missing or wrong (the report is made without it).
      """
  )

  @Argument(
    help: ArgumentHelp(
      "The file to analyse, or - for standard input (read by default when it is a pipe); several files or directories make a batch.",
      valueName: "inputs"))
  var inputs: [String] = []

  @Option(name: .customLong("files-from"), help: ArgumentHelp("Read the paths of a batch from a file, one per line (- for standard input).", valueName: "file"))
  var filesFrom: String?

  @Flag(name: .customLong("jsonl"), help: "In a batch: one JSON report per line, in input order, each with its path.")
  var jsonl = false

  @Option(name: .customLong("include"), help: ArgumentHelp("In a directory: take only files matching this glob (repeatable; name or path).", valueName: "glob"))
  var include: [String] = []

  @Option(name: .customLong("exclude"), help: ArgumentHelp("In a directory: skip files matching this glob (repeatable; name or path).", valueName: "glob"))
  var exclude: [String] = []

  // Optional for the reason given below for the numeric options. Every option's name is
  // spelled out (`.customLong`): one derived from the property name is converted to kebab
  // case again each time ArgumentParser reads the options, several times a run.
  @Option(
    name: .customLong("color"),
    help: ArgumentHelp("Colour the report: auto (the default: on a terminal, unless NO_COLOR is set), always, never.", valueName: "when"))
  var colorOption: ColorChoice?
  var color: ColorChoice { colorOption ?? .auto }

  @Option(name: .customLong("html"), help: ArgumentHelp("Also write the triage as a self-contained HTML page (implies a batch).", valueName: "file"))
  var html: String?

  @Option(name: .customLong("jobs"), help: ArgumentHelp("In a batch: files analysed at once (default: the number of processors).", valueName: "jobs"))
  var jobs: Int?

  /// The single input (single-file mode).
  var input: String { inputs.first ?? "-" }

  @Flag(name: .customLong("json"), help: "Print the report as JSON (schema in docs/json-output.md).")
  var json = false

  @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Also show each frame's lookup address (return address − 1 on x86, − 4 on Alpha).")
  var verbose = false

  // The numeric options with defaults are optionals whose help names the default, and the
  // value used is a computed property: ArgumentParser describes a non-optional default
  // through dynamic casts and String(describing:), 1.9 M instructions at every start (a
  // sixth of `--version`'s), each time it reads the command's options.

  @Option(
    name: .customLong("max-input-size"),
    help: ArgumentHelp(
      "Refuse inputs larger than this many bytes. (default: \(AnalysisOptions().maximumInputSize))",
      valueName: "max-input-size"))
  var maxInputSizeOption: Int?
  var maxInputSize: Int { maxInputSizeOption ?? AnalysisOptions().maximumInputSize }

  @Option(
    name: .customLong("max-line-length"),
    help: ArgumentHelp(
      "Cut lines longer than this many bytes. (default: \(TextDecoderOptions().maximumLineLength))",
      valueName: "max-line-length"))
  var maxLineLengthOption: Int?
  var maxLineLength: Int { maxLineLengthOption ?? TextDecoderOptions().maximumLineLength }

  @Option(name: .customLong("symbols"), help: ArgumentHelp("A symbol store to search (repeatable).", valueName: "dir"))
  var symbolRoots: [String] = []

  @Flag(name: .customLong("no-default-symbols"), help: "Do not search the shipped Symbols/ store.")
  var noDefaultSymbols = false

  @OptionGroup(title: "Symbol servers")
  var symbolPath: SymbolPathOptions

  @Option(name: .customLong("max-frames"), help: ArgumentHelp("Frames per thread, walked or read from one listing (default: 1024 walked, 10000 listed).", valueName: "max-frames"))
  var maxFrames: Int?

  @Option(
    name: .customLong("max-total-frames"),
    help: ArgumentHelp(
      "Frames one report keeps across all its stacks (text stacks or dump threads past it are left out). (default: \(AnalysisOptions().maximumFramesPerInput))",
      valueName: "max-total-frames"))
  var maxTotalFramesOption: Int?
  var maxTotalFrames: Int { maxTotalFramesOption ?? AnalysisOptions().maximumFramesPerInput }

  @Option(
    name: .customLong("max-threads"),
    help: ArgumentHelp(
      "Threads of a minidump that are walked (the crashed one always is). (default: 4096)", valueName: "max-threads"))
  var maxThreadsOption: Int?
  var maxThreads: Int { maxThreadsOption ?? 4_096 }

  @Option(
    name: .customLong("max-scan-bytes"),
    help: ArgumentHelp(
      "Bytes of stack scanned for a return address, per frame. (default: as Breakpad, 31 words, 121 from the context frame)",
      valueName: "max-scan-bytes"))
  var maxScanBytesOption: Int?

  @Option(
    name: .customLong("max-symbol-file-size"),
    help: ArgumentHelp(
      "Symbol files larger than this many bytes are refused. (default: \(4 << 30))", valueName: "max-symbol-file-size"))
  var maxSymbolFileSizeOption: Int?
  var maxSymbolFileSize: Int { maxSymbolFileSizeOption ?? 4 << 30 }

  @Option(name: .customLong("time-limit"), help: ArgumentHelp("Seconds one input may take; past it, decoding stops with a diagnostic.", valueName: "time-limit"))
  var timeLimit: Double?

  @Option(
    name: .customLong("plugins"),
    help: ArgumentHelp("A rule file, or a directory of rule files, to load (repeatable).", valueName: "path"))
  var rulePaths: [String] = []

  @Option(
    name: .customLong("plugin-timeout"),
    help: ArgumentHelp(
      "Seconds an external plugin (analyse-plugin-NAME) may take per crash. (default: \(ExternalPlugin.defaultTimeLimit))",
      valueName: "seconds"))
  var pluginTimeoutOption: Double?
  var pluginTimeout: Double { pluginTimeoutOption ?? ExternalPlugin.defaultTimeLimit }

  @Flag(name: .customLong("all-threads"), help: "For a minidump, show every thread (default: the crashed thread only; --json has all).")
  var allThreads = false

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
    let analyser = Analyser(options: analysisOptions)
    let store = symbolStore
    var report: CrashReport
    do {
      report = try analyser.analyse(path: input, unwindData: store.map { StoreUnwindData(store: $0) })
    } catch {
      Console.error("analyse: \(error)\n")
      throw ExitCode(AnalyseExitStatus.unreadableInput.rawValue)
    }
    if let store, report.hasStack {
      report = Symbolicator(store: store).symbolicate(report)
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

  /// Several inputs, a directory, or a list of paths: batch mode.
  var isBatch: Bool {
    if filesFrom != nil || inputs.count > 1 || jsonl || html != nil { return true }
    guard let only = inputs.first, only != "-" else { return false }
    var status = stat()
    return stat(only, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
  }
}
