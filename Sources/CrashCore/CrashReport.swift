//===--- CrashReport.swift - Everything known about one crash ---------------===//
//
// One value for every kind of input. Decoders fill it, later stages (unwinding,
// symbolication, classification, output) read it and never ask where it came
// from beyond what `input` records.
//
//===----------------------------------------------------------------------===//

// Optionals spelled `Optional<T>`: the initialiser then builds without a copy (see `StackFrame`).
/// What kind of input a report was decoded from.
public struct InputDescription: Sendable, Hashable, Codable {
  /// The kinds of input.
  public enum Kind: String, Sendable, Hashable, Codable {
    /// Text: debugger output, a Dr. Watson log, a KB article, an event-log export.
    case text
    /// A Windows minidump (MDMP).
    case minidump
    /// A Breakpad microdump: log text holding one thread's registers and stack.
    case microdump
    /// An Apple crash report in its JSON form (`.ips`, macOS 12 and iOS 15 on).
    case appleIPS = "apple-ips"
    /// A Node.js diagnostic report (`node --report-uncaught-exception`, `--report-on-fatalerror`).
    case nodeReport = "node-report"
    /// A Sentry event as JSON (an SDK's payload, or the event its web interface and API show).
    case sentryEvent = "sentry-event"
    /// A Linux core file (ELF `ET_CORE`, as the kernel or gdb's `gcore` wrote it).
    case core
  }

  /// The name the input was given as (a path, or `-` for standard input).
  public var name: String
  /// The kind of input.
  public var kind: Kind
  /// The input's size in bytes.
  public var byteCount: Int
  /// The character encoding a text input was read as (`UTF-8`, `UTF-16LE`, `Windows-1252`).
  public var encoding: Optional<String>
  /// Lines read, for text inputs.
  public var lineCount: Optional<Int>
  /// The format the input was compressed in (`zstd`, `xz`, `gzip`), when it was; `byteCount`
  /// is then the expanded size.
  public var compression: Optional<String> = nil
  /// The compressed input's size in bytes, when it was compressed.
  public var compressedByteCount: Optional<Int> = nil

  /// Creates an input description.
  public init(name: String, kind: Kind, byteCount: Int, encoding: String? = nil, lineCount: Int? = nil) {
    self.name = name
    self.kind = kind
    self.byteCount = byteCount
    self.encoding = encoding
    self.lineCount = lineCount
  }
}

// Optionals spelled `Optional<T>`: the initialiser then builds without a copy (see `StackFrame`).
/// The crashed application as Dr. Watson's header names it.
public struct ApplicationInfo: Sendable, Hashable, Codable {
  /// `App:` (`exe\emsmta.dbg`).
  public var name: Optional<String>
  /// The process id from `(pid=203)`.
  public var processID: Optional<UInt32>
  /// `When:` as printed.
  public var when: Optional<String>
  /// Where the header was printed.
  public var lines: Optional<LineRange>

  /// Creates application information.
  public init(name: String? = nil, processID: UInt32? = nil, when: String? = nil, lines: LineRange? = nil) {
    self.name = name
    self.processID = processID
    self.when = when
    self.lines = lines
  }
}

/// A process from a task list.
public struct ProcessEntry: Sendable, Hashable, Codable {
  /// The process id.
  public var id: UInt32
  /// The image name (`emsmta.exe`).
  public var name: String

  /// Creates a task-list entry.
  public init(id: UInt32, name: String) {
    self.id = id
    self.name = name
  }
}

/// One line of system information (`Computer Name: X`), in input order.
public struct SystemProperty: Sendable, Hashable, Codable {
  /// The label as printed, without the colon.
  public var key: String
  /// The value as printed.
  public var value: String

  /// Creates a property.
  public init(key: String, value: String) {
    self.key = key
    self.value = value
  }
}

// Optionals spelled `Optional<T>`: the initialiser then builds without a copy (see `StackFrame`).
/// Everything known about one crash.
public struct CrashReport: Sendable, Hashable, Codable {
  /// What the report was decoded from.
  public var input: InputDescription
  /// The crashed application, when named.
  public var application: Optional<ApplicationInfo>
  /// System information lines, in input order.
  public var system: [SystemProperty]
  /// The exception the process died of, when known.
  public var exception: Optional<CrashException>
  /// STOP errors reported in the input.
  public var bugChecks: [BugCheck]
  /// Threads, one per decoded stack listing or dump thread.
  public var threads: [CrashThread]
  /// Loaded modules.
  public var modules: [CodeModule]
  /// Processes from a task list.
  public var processes: [ProcessEntry]
  /// Event-log records.
  public var events: [EventRecord]
  /// Problems found while decoding.
  public var diagnostics: [Diagnostic]
  /// Per module: whether symbols were found and used (empty before symbolication).
  public var moduleSymbols: [ModuleSymbols] = []
  /// What a pasted `!analyze -v` concluded (bucket, symbol, module, image, process, codes).
  public var debuggerAnalysis: DebuggerAnalysis? = nil

  /// Creates a report.
  public init(
    input: InputDescription, application: ApplicationInfo? = nil, system: [SystemProperty] = [],
    exception: CrashException? = nil, bugChecks: [BugCheck] = [], threads: [CrashThread] = [],
    modules: [CodeModule] = [], processes: [ProcessEntry] = [], events: [EventRecord] = [],
    diagnostics: [Diagnostic] = []
  ) {
    self.input = input
    self.application = application
    self.system = system
    self.exception = exception
    self.bugChecks = bugChecks
    self.threads = threads
    self.modules = modules
    self.processes = processes
    self.events = events
    self.diagnostics = diagnostics
  }

  /// Whether any thread has at least one frame.
  public var hasStack: Bool { threads.contains { !$0.frames.isEmpty } }

  /// The index of the thread the crash happened on: the one flagged `isCrashed` (a dump's
  /// exception thread), else, for inputs that flag none (text), the first with frames.
  public var crashedThreadIndex: Int? {
    threads.firstIndex(where: \.isCrashed) ?? threads.firstIndex { !$0.frames.isEmpty }
  }

  /// The thread the crash happened on (see `crashedThreadIndex`).
  public var crashedThread: CrashThread? { crashedThreadIndex.map { threads[$0] } }

  /// The worst diagnostic severity, or `nil` when there are none.
  public var worstSeverity: Diagnostic.Severity? { diagnostics.map(\.severity).max() }

  /// The module whose image contains `address`, if any.
  /// (A linear search: for many lookups, build a `ModuleIndex` once.)
  public func module(containing address: Address) -> CodeModule? {
    modules.first { $0.contains(address) }
  }
}
