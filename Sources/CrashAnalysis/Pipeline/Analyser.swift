//===--- Analyser.swift - The facade: an input in, a CrashReport out --------===//
//
//   [expand] → sniff → decode text, or read a minidump or core and walk its threads → CrashReport
//
// A zstd, xz, gzip or LZ4 file (systemd-coredump's cores, rotated logs) is expanded
// into an unnamed temporary file first, then read as the file it holds.
// Text is streamed in fixed chunks: a 100 MB log costs the chunk buffer plus
// the report, never a copy of the file. Minidumps are mapped. Damage inside a readable input becomes
// diagnostics in the report; an input that cannot be read at all throws.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CoreDumps
import CrashCore
import Decompression
import Minidump
import StackText
import Unwind

#if canImport(Glibc)
  import Glibc
#endif

/// Settings for an analysis.
public struct AnalysisOptions: Sendable {
  /// Inputs larger than this are refused (bytes).
  public var maximumInputSize = 512 * 1024 * 1024
  /// Bytes read per chunk.
  public var chunkSize = 1 << 20
  /// Limits for the text decoder.
  public var text = TextDecoderOptions()
  /// Limits for the stack walkers (minidumps).
  public var walk = WalkOptions()
  /// Threads of a minidump that are walked; the rest are listed without frames.
  public var maximumThreads = 4_096
  /// Seconds one input may take; past it, decoding stops with a diagnostic (nil: no limit).
  public var timeLimit: Double?
  /// Frames one report keeps across all its stacks (about a kilobyte each in memory): text
  /// stacks past it are dropped, minidump threads past it are not walked, with a warning.
  public var maximumFramesPerInput = 250_000
  /// Whether a path may name a FIFO or a character device (`analyse <(zcat log.gz)`); when
  /// false (the default, and in batches) only regular files are read, so a FIFO planted in
  /// a directory can never block the analysis.
  public var acceptsStreams = false

  /// The default settings.
  public init() {}
}

/// Analyses crash inputs: text listings, logs and minidumps.
public struct Analyser: Sendable {
  /// The settings in use.
  public var options: AnalysisOptions

  /// Creates an analyser.
  public init(options: AnalysisOptions = AnalysisOptions()) {
    self.options = options
  }

  /// Analyses the file at `path` (`-` for standard input): text, or a minidump or Linux core
  /// whose threads are walked (with `unwindData`'s STACK WIN / CFI records when given); a
  /// zstd, xz, gzip or LZ4 file is expanded first and read as what it holds.
  /// Mangled names the input printed are demangled (`PrintedNameDemangling`).
  public func analyse(path: String, unwindData: (any UnwindDataProvider)? = nil) throws(AnalysisError) -> CrashReport {
    var report = try read(path: path, unwindData: unwindData)
    PrintedNameDemangling.apply(to: &report)
    return report
  }

  /// The report of the input at `path`, its names as printed.
  private func read(path: String, unwindData: (any UnwindDataProvider)?) throws(AnalysisError) -> CrashReport {
    let reader = try InputReader(path: path, acceptsStreams: options.acceptsStreams)
    if let held = try heldInput(reader) {
      var report = try read(try InputReader(expanded: held), unwindData: unwindData) { () throws(MappedFileError) in
        try held.map()
      }
      if let format = held.format {
        report.input.compression = Optional(format.rawValue)
        report.input.compressedByteCount = Optional(held.compressedByteCount)
      }
      return report
    }
    return try read(reader, unwindData: unwindData) { () throws(MappedFileError) in
      try MappedFile(path: path, limit: options.maximumInputSize)
    }
  }

  /// The input `reader` reads, in an unnamed temporary file, when it must be held there: a
  /// zstd, xz, gzip or LZ4-compressed file, expanded; a minidump, a core or a compressed input
  /// arriving through a pipe (standard input, a FIFO), kept (and expanded) so that it can be
  /// mapped. Nil for everything else, read as it comes (a stream's first bytes given back).
  private func heldInput(_ reader: InputReader) throws(AnalysisError) -> ExpandedFile? {
    let limits = DecompressionLimits(maximumByteCount: options.maximumInputSize, timeLimit: options.timeLimit)
    if reader.isRegularFile {
      guard let format = CompressionFormat.detect(reader.peek(CompressionFormat.magicLength)) else { return nil }
      if let size = reader.knownSize, size > options.maximumInputSize {
        throw .tooLarge(path: reader.name, size: size, limit: options.maximumInputSize)
      }
      do {
        return try Decompressor.expand(path: reader.name, format: format, limits: limits)
      } catch {
        throw .compressed(error.description)
      }
    }
    let head = UnsafeMutableRawBufferPointer.allocate(byteCount: 18, alignment: 8)
    defer { head.deallocate() }
    let count = try reader.readFully(into: head)
    let prefix = Array(head[0..<count])
    let format = CompressionFormat.detect(prefix)
    guard format != nil || prefix.starts(with: Array("MDMP".utf8)) || ELFCoreFile.isCore(prefix) else {
      reader.pushBack(prefix)
      return nil
    }
    do {
      let spool = try UnnamedTemporaryFile(for: reader.name)
      try spool.write(UnsafeRawBufferPointer(rebasing: head[0..<count]))
      let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
      defer { chunk.deallocate() }
      while true {
        let read = try reader.read(into: chunk)
        if read == 0 { break }
        guard spool.byteCount + read <= options.maximumInputSize else {
          throw AnalysisError.tooLarge(path: reader.name, size: spool.byteCount + read, limit: options.maximumInputSize)
        }
        try spool.write(UnsafeRawBufferPointer(rebasing: chunk[0..<read]))
      }
      let held = spool.finish()
      guard let format else { return held }
      return try Decompressor.expand(try held.map(), format: format, limits: limits)
    } catch let error as AnalysisError {
      throw error
    } catch {
      throw .compressed("\(error)")
    }
  }

  /// The report of the input `reader` reads; `map` maps the same bytes for the formats read in place.
  private func read(
    _ reader: InputReader, unwindData: (any UnwindDataProvider)?, map: () throws(MappedFileError) -> MappedFile
  ) throws(AnalysisError) -> CrashReport {
    let path = reader.name
    if reader.peek(4) == Array("MDMP".utf8) {
      // One deadline for reading the dump and walking its threads.
      let deadline = options.timeLimit.map { Self.now() + $0 }
      var dumpOptions = MinidumpOptions()
      dumpOptions.maximumFileSize = options.maximumInputSize
      dumpOptions.deadline = deadline
      let mapped: MappedFile
      do {
        mapped = try map()
      } catch {
        throw .minidump(MinidumpError.cannotRead(error).description)
      }
      do {
        let dump = try MinidumpFile(file: mapped, options: dumpOptions)
        return MinidumpReportBuilder.report(
          dump, byteCount: dump.byteCount, unwindData: unwindData, options: options.walk,
          maximumThreads: options.maximumThreads, deadline: deadline,
          maximumTotalFrames: options.maximumFramesPerInput)
      } catch {
        throw .minidump(error.description)
      }
    }
    if let size = reader.knownSize {
      if size == 0 { throw .empty(path: path) }
      if size > options.maximumInputSize {
        throw .tooLarge(path: path, size: size, limit: options.maximumInputSize)
      }
    }
    // A Linux core file: its threads walked through the memory it kept.
    if ELFCoreFile.isCore(reader.peek(18)) {
      let mapped: MappedFile
      do {
        mapped = try map()
      } catch {
        throw .core(ELFCoreError.unreadable(path: path, reason: error.description).description)
      }
      do {
        let core = try ELFCoreFile(file: mapped)
        return CoreDumpReportBuilder.report(
          core, unwindData: unwindData, options: options.walk, maximumThreads: options.maximumThreads,
          maximumTotalFrames: options.maximumFramesPerInput)
      } catch {
        throw .core(error.description)
      }
    }
    // The JSON reports, told apart by their first bytes (read once; an event's 64 KiB only when
    // the input opens a JSON object).
    let head = reader.peek(1024)
    // An Apple crash report's JSON (`.ips`): its threads and images, not text to decode.
    if AppleIPSReportBuilder.mayBe(head) {
      if let size = reader.knownSize, size > AppleIPSReportBuilder.maximumSize {
        throw .tooLarge(path: reader.name, size: size, limit: AppleIPSReportBuilder.maximumSize)
      }
      return try AppleIPSReportBuilder.report(readAll(reader), name: reader.name)
    }
    // A Node.js diagnostic report: its JavaScript and native stacks, not text to decode.
    if NodeDiagnosticReportBuilder.mayBe(head) {
      if let size = reader.knownSize, size > NodeDiagnosticReportBuilder.maximumSize {
        throw .tooLarge(path: reader.name, size: size, limit: NodeDiagnosticReportBuilder.maximumSize)
      }
      return try NodeDiagnosticReportBuilder.report(readAll(reader), name: reader.name)
    }
    // A Sentry event's JSON: its exceptions' and threads' stacks (read as text when it holds none).
    // Read without moving the file's position, so that the text decoder still reads it all.
    if let size = reader.knownSize, JSONInputPrefix.firstKey(head[...]) != nil,
      SentryEventReportBuilder.mayBe(reader.peek(SentryEventReportBuilder.sniffedBytes))
    {
      if size > SentryEventReportBuilder.maximumSize {
        throw .tooLarge(path: reader.name, size: size, limit: SentryEventReportBuilder.maximumSize)
      }
      if let report = try SentryEventReportBuilder.report(reader.peek(size), name: reader.name) { return report }
    }
    // A Breakpad microdump in a log (anywhere in the first 64 MiB: `adb logcat -d` holds much
    // else before it): registers and stack to walk, not a listing to decode.
    if reader.contains(Array(Microdump.beginMarker.utf8), within: Self.microdumpSearchLimit) {
      return try analyseMicrodump(reader, unwindData: unwindData)
    }
    return try analyse(reader, unwindData: unwindData)
  }

  /// How far into a file a microdump's first line is looked for.
  static let microdumpSearchLimit = 64 << 20

  /// Reads the whole log (within the input size limit) and walks its first microdump.
  private func analyseMicrodump(_ reader: InputReader, unwindData: (any UnwindDataProvider)?) throws(AnalysisError)
    -> CrashReport
  {
    let bytes = try readAll(reader)
    let microdump = bytes.withUnsafeBytes { Microdump(text: $0) }
    return MicrodumpReportBuilder.report(
      microdump, name: reader.name, byteCount: bytes.count, lineCount: bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 },
      unwindData: unwindData, options: options.walk)
  }

  /// The whole input (within the input size limit).
  private func readAll(_ reader: InputReader) throws(AnalysisError) -> [UInt8] {
    var bytes: [UInt8] = []
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { chunk.deallocate() }
    while true {
      let count = try reader.read(into: chunk)
      if count == 0 { break }
      bytes += UnsafeRawBufferPointer(rebasing: chunk[0..<count])
      if bytes.count > options.maximumInputSize {
        throw .tooLarge(path: reader.name, size: bytes.count, limit: options.maximumInputSize)
      }
    }
    return bytes
  }

  /// Decodes text from `reader` into a report; a microdump found in it (standard input, or a
  /// file holding one past the first 64 MiB) is walked instead, as a file's is.
  private func analyse(_ reader: InputReader, unwindData: (any UnwindDataProvider)?) throws(AnalysisError)
    -> CrashReport
  {
    var collector = MicrodumpCollector(limit: min(options.maximumInputSize, Self.microdumpSearchLimit))
    var json = JSONReportWatcher(limit: min(options.maximumInputSize, JSONReportWatcher.maximumSize))
    var builder: CrashReportBuilder?
    var lines = 0
    let description = try stream(reader) { event in
      builder?.add(event)
    } onStart: { input in
      builder = CrashReportBuilder(input: input, maximumFrames: options.maximumFramesPerInput)
    } onFinish: { count in
      lines = count
    } watch: { chunk in
      collector.consume(chunk)
      json.consume(chunk)
    }
    json.finish()
    switch json.kept {
    case (.appleIPS, let bytes)?: return try AppleIPSReportBuilder.report(bytes, name: reader.name)
    case (.nodeReport, let bytes)?: return try NodeDiagnosticReportBuilder.report(bytes, name: reader.name)
    case (.sentryEvent, let bytes)?:
      if let report = try SentryEventReportBuilder.report(bytes, name: reader.name) { return report }
    case nil: break
    }
    if collector.found {
      let microdump = collector.bytes.withUnsafeBytes { Microdump(text: $0) }
      return MicrodumpReportBuilder.report(
        microdump, name: reader.name, byteCount: description.byteCount, lineCount: lines, unwindData: unwindData,
        options: options.walk)
    }
    guard var builder else { throw .empty(path: reader.name) }
    var report = builder.build(lineCount: lines)
    report.input.byteCount = description.byteCount
    if description.encoding == TextEncoding.windows1252.rawValue {
      report.diagnostics.insert(Diagnostic(.note, "the text is not UTF-8; read it as Windows-1252"), at: 0)
    }
    return report
  }

  /// Analyses text already in memory.
  public func analyse(text: String, name: String = "<text>") -> CrashReport {
    let events = StackTextDecoder.decode(text, options: options.text)
    var builder = CrashReportBuilder(
      input: InputDescription(name: name, kind: .text, byteCount: text.utf8.count, encoding: TextEncoding.utf8.rawValue),
      maximumFrames: options.maximumFramesPerInput)
    for event in events { builder.add(event) }
    var report = builder.build(
      lineCount: text.isEmpty ? 0 : text.split(separator: "\n", omittingEmptySubsequences: false).count)
    PrintedNameDemangling.apply(to: &report)
    return report
  }

  /// Decodes the text input at `path` (expanded first when zstd, xz, gzip or LZ4-compressed)
  /// without building a report: each finding is
  /// handed to `handler` as soon as it is complete, so memory stays flat however
  /// large the input. Returns a description of the input.
  @discardableResult
  public func decodeEvents(
    path: String, _ handler: (TextDecodingEvent) -> Void
  ) throws(AnalysisError) -> InputDescription {
    var reader = try InputReader(path: path, acceptsStreams: options.acceptsStreams)
    var expanded: ExpandedFile?
    if let file = try heldInput(reader) {
      // A minidump or core that came through a pipe: no text to decode.
      guard file.format != nil else {
        throw .unrecognised(path: path, offset: 0, reason: "a minidump or a core, not text: analyse(path:) walks it")
      }
      expanded = file
      reader = try InputReader(expanded: file)
    }
    if let size = reader.knownSize {
      if size == 0 { throw .empty(path: path) }
      if size > options.maximumInputSize {
        throw .tooLarge(path: path, size: size, limit: options.maximumInputSize)
      }
    }
    var input = try stream(reader, handler)
    if let expanded, let format = expanded.format {
      input.compression = Optional(format.rawValue)
      input.compressedByteCount = Optional(expanded.compressedByteCount)
    }
    return input
  }

  private func stream(
    _ reader: InputReader, _ handler: (TextDecodingEvent) -> Void,
    onStart: (InputDescription) -> Void = { _ in }, onFinish: (Int) -> Void = { _ in },
    watch: (UnsafeRawBufferPointer) -> Void = { _ in }
  ) throws(AnalysisError) -> InputDescription {
    let chunkSize = max(options.chunkSize, InputSniffer.sampleSize)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }

    // The first chunk decides what the input is.
    var filled = try reader.readFully(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<InputSniffer.sampleSize]))
    if filled == 0 { throw .empty(path: reader.name) }
    let kind = InputSniffer.sniff(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
    let encoding: TextEncoding
    switch kind {
    case .minidump: throw .minidumpOnStandardInput
    case .unrecognised(let reason, let offset): throw .unrecognised(path: reader.name, offset: offset, reason: reason)
    case .text(let textEncoding): encoding = textEncoding
    }

    let decoder = StackTextDecoder(options: options.text)
    var transcoder = TextTranscoder(encoding: encoding)
    var utf8: [UInt8] = []
    utf8.reserveCapacity(encoding == .utf8 ? 0 : chunkSize * 3)
    var input = InputDescription(name: reader.name, kind: .text, byteCount: 0, encoding: encoding.rawValue)
    onStart(input)
    var total = 0
    var isFirstChunk = true
    let deadline = options.timeLimit.map { Self.now() + $0 }
    func feed(_ chunk: UnsafeRawBufferPointer) {
      defer { isFirstChunk = false }
      if encoding == .utf8 && !isFirstChunk {
        decoder.consume(chunk, handler)
        return
      }
      utf8.removeAll(keepingCapacity: true)
      transcoder.transcode(chunk, into: &utf8)
      utf8.withUnsafeBytes { decoder.consume($0, handler) }
    }
    while filled > 0 {
      total += filled
      if total > options.maximumInputSize {
        throw .tooLarge(path: reader.name, size: total, limit: options.maximumInputSize)
      }
      watch(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
      feed(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
      if let deadline, Self.now() > deadline {
        handler(
          .diagnostic(
            Diagnostic(
              .error, "decoding stopped after \(options.timeLimit ?? 0) s (the time limit) at byte \(total)",
              offset: total)))
        break
      }
      filled = try reader.read(into: buffer)
    }
    utf8.removeAll(keepingCapacity: true)
    transcoder.finish(into: &utf8)
    if !utf8.isEmpty { utf8.withUnsafeBytes { decoder.consume($0, handler) } }
    decoder.finish(handler)
    onFinish(decoder.lineCount)
    input.byteCount = total
    input.lineCount = decoder.lineCount
    return input
  }

  /// Monotonic seconds.
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
