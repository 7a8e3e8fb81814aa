//===--- BatchAnalyser.swift - Many inputs, both cores -----------------------===//
//
// Expands paths (directories recursively, in name order), then analyses,
// symbolicates and classifies the files `jobs` at a time on as many threads.
// Results come back in input order, a chunk at a time, so memory is bounded by
// the files in flight, never by the batch. A file that fails is a record with
// its reason; the batch always finishes.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore
import Dispatch
import Signatures
import SourceMaps
import Symbolication
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// One analysed input of a batch.
public struct BatchResult: Sendable {
  /// The input's index in the expanded list.
  public var index: Int
  /// The small record the triage summary keeps.
  public var record: BatchRecord
  /// The whole report and classification, when the input could be analysed.
  public var report: CrashReport?
  /// The classification.
  public var classification: Classification?

  /// A result; `report` and `classification` are absent for failures and merged records.
  public init(index: Int, record: BatchRecord, report: CrashReport? = nil, classification: Classification? = nil) {
    self.index = index
    self.record = record
    self.report = report
    self.classification = classification
  }
}

/// Analyses many inputs in parallel.
public struct BatchAnalyser: Sendable {
  /// Per-input analysis settings.
  public var options = AnalysisOptions()
  /// The symbol store every input is resolved against: one for the whole batch, shared by
  /// every thread, so each symbol file is loaded once per batch (nil: no symbols).
  public var symbolStore: SymbolStore?
  /// The source maps JavaScript frames are mapped through: one resolver for the whole batch,
  /// so each map is read once per batch (nil: none).
  public var sourceMaps: SourceMapResolver?
  /// The plugins that classify each report.
  public var pipeline: SignaturePipeline
  /// Files analysed at once (default: the number of active processors).
  public var jobs = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

  /// A batch analyser classifying with `pipeline`.
  public init(pipeline: SignaturePipeline) {
    self.pipeline = pipeline
  }

  /// The files under `paths` (directories recursively, entries sorted by name, hidden ones
  /// skipped), in order. Each directory is entered once, however many links lead to it (its
  /// device and inode are remembered), so link loops end. Paths that do not exist and special
  /// files (FIFOs, sockets, devices) are kept so that they fail visibly: reading refuses them.
  /// Files found inside directories are kept only when `filter` accepts them; paths named
  /// directly are always kept.
  public static func expand(_ paths: [String], limit: Int = 10_000_000, filter: BatchFileFilter = BatchFileFilter()) -> [String] {
    struct DirectoryIdentity: Hashable {
      var device: UInt64
      var inode: UInt64
    }
    var result: [String] = []
    var entered: Set<DirectoryIdentity> = []
    func visit(_ path: String, depth: Int) {
      guard result.count < limit else { return }
      var status = stat()
      guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
        if depth == 0 || filter.accepts(path) { result.append(path) }
        return
      }
      guard depth < 64, entered.insert(DirectoryIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))).inserted
      else { return }
      guard let directory = opendir(path) else {
        result.append(path)
        return
      }
      var names: [String] = []
      while let entry = readdir(directory) {
        let name = DirectoryEntry.name(of: entry)
        if !name.hasPrefix(".") { names.append(name) }
      }
      closedir(directory)
      for name in names.sorted() { visit(path.hasSuffix("/") ? path + name : path + "/" + name, depth: depth + 1) }
    }
    for path in paths { visit(path, depth: 0) }
    return result
  }

  /// Analyses `files`, calling `deliver` with each result in input order. `shouldStop` is
  /// asked between chunks (a consumer whose output failed ends the batch early).
  public func run(_ files: [String], shouldStop: () -> Bool = { false }, deliver: (BatchResult) -> Void) {
    let width = max(1, jobs)
    var start = 0
    while start < files.count, !shouldStop() {
      let chunk = Array(files[start..<min(files.count, start + width)])
      let base = start
      let results = Mutex<[Int: BatchResult]>([:])
      DispatchQueue.concurrentPerform(iterations: chunk.count) { offset in
        let result = analyse(chunk[offset], index: base + offset)
        results.withLock { $0[offset] = result }
      }
      let collected = results.withLock { $0 }
      for offset in 0..<chunk.count {
        if let result = collected[offset] { deliver(result) }
      }
      start += width
    }
  }

  /// One input: analyse, walk with unwind data, symbolicate, classify.
  public func analyse(_ path: String, index: Int) -> BatchResult {
    var status = stat()
    let modified = stat(path, &status) == 0 ? Int(status.st_mtim.tv_sec) : nil
    let store = symbolStore
    do {
      var report = try Analyser(options: options).analyse(path: path, unwindData: store.map { StoreUnwindData(store: $0) })
      if let store, report.hasStack { report = Symbolicator(store: store).symbolicate(report) }
      if let sourceMaps, report.hasStack { report = sourceMaps.resolve(report) }
      let classification = pipeline.classify(report)
      var record = BatchRecord.of(report, classification: classification, path: path, modified: modified)
      if report.worstSeverity == .error, !report.hasStack {
        record.failure = report.diagnostics.first { $0.severity == .error }?.description
      }
      return BatchResult(index: index, record: record, report: report, classification: classification)
    } catch {
      // The record carries the path; the reason need not repeat it.
      var reason = Substring(error.description)
      if reason.hasPrefix(path + ": ") { reason = reason.dropFirst(path.count + 2) }
      return BatchResult(
        index: index, record: BatchRecord(path: path, modified: modified, failure: String(reason)), report: nil,
        classification: nil)
    }
  }
}
