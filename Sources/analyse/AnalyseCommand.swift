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
  /// write is exit status 6 whatever the command's own status was. The report command's
  /// common forms are read without ArgumentParser (QuickArguments); a form it does not take,
  /// or one that does not validate, goes to ArgumentParser whole.
  static func main() {
    Interrupts.install()
    var failure: (any Error)?
    let arguments = Array(CommandLine.arguments.dropFirst())
    do {
      if arguments == ["--version"] {
        // What ArgumentParser prints for it, without reading the commands.
        Console.text(AnalyseVersion.current + "\n")
      } else if let request = QuickArguments.reportRequest(arguments), (try? request.validate()) != nil {
        try request.run()
      } else {
        var command = try parseAsRoot()
        try command.run()
      }
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

  @Option(name: .customLong("html"), help: ArgumentHelp("Also write the triage as a self-contained HTML page (implies a batch).", valueName: "file"))
  var html: String?

  @Option(name: .customLong("jobs"), help: ArgumentHelp("In a batch: files analysed at once (default: the number of processors).", valueName: "jobs"))
  var jobs: Int?

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

  @Option(
    name: .customLong("max-line-length"),
    help: ArgumentHelp(
      "Cut lines longer than this many bytes. (default: \(TextDecoderOptions().maximumLineLength))",
      valueName: "max-line-length"))
  var maxLineLengthOption: Int?

  @Option(name: .customLong("symbols"), help: ArgumentHelp("A symbol store to search (repeatable).", valueName: "dir"))
  var symbolRoots: [String] = []

  @Flag(name: .customLong("no-default-symbols"), help: "Do not search the shipped Symbols/ store.")
  var noDefaultSymbols = false

  @Option(
    name: .customLong("source-maps"),
    help: ArgumentHelp(
      "A directory of JavaScript source maps (SCRIPT.map, or the scripts with their sourceMappingURL) to search (repeatable; --symbols directories are searched too).",
      valueName: "dir"))
  var sourceMapRoots: [String] = []

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

  @Option(
    name: .customLong("max-threads"),
    help: ArgumentHelp(
      "Threads of a minidump that are walked (the crashed one always is). (default: 4096)", valueName: "max-threads"))
  var maxThreadsOption: Int?

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

  @Flag(name: .customLong("all-threads"), help: "For a minidump, show every thread (default: the crashed thread only; --json has all).")
  var allThreads = false

  /// The options as plain values: what the run reads.
  var request: ReportRequest {
    var request = ReportRequest()
    request.inputs = inputs
    request.filesFrom = filesFrom
    request.jsonl = jsonl
    request.include = include
    request.exclude = exclude
    request.colorOption = colorOption
    request.html = html
    request.jobs = jobs
    request.json = json
    request.verbose = verbose
    request.maxInputSizeOption = maxInputSizeOption
    request.maxLineLengthOption = maxLineLengthOption
    request.symbolRoots = symbolRoots
    request.noDefaultSymbols = noDefaultSymbols
    request.sourceMapRoots = sourceMapRoots
    request.symbolPath = symbolPath.settings
    request.maxFrames = maxFrames
    request.maxTotalFramesOption = maxTotalFramesOption
    request.maxThreadsOption = maxThreadsOption
    request.maxScanBytesOption = maxScanBytesOption
    request.maxSymbolFileSizeOption = maxSymbolFileSizeOption
    request.timeLimit = timeLimit
    request.rulePaths = rulePaths
    request.pluginTimeoutOption = pluginTimeoutOption
    request.allThreads = allThreads
    return request
  }

  func validate() throws { try request.validate() }

  func run() throws { try request.run() }
}
