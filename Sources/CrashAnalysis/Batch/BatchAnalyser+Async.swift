//===--- BatchAnalyser+Async.swift - Batches from async code -----------------===//
//
// For programs built on Swift concurrency (a server that triages uploads):
// the same analysis as `run(_:deliver:)`, as child tasks of the caller's task,
// at most `jobs` at once, results in input order. Cancelling the calling task
// stops starting new inputs.
//
//===----------------------------------------------------------------------===//

extension BatchAnalyser {
  /// Analyses `files` concurrently (at most `jobs` at once) and returns their results in
  /// input order. Inputs not started before the calling task was cancelled are left out.
  public func analyse(_ files: [String]) async -> [BatchResult] {
    var results: [BatchResult?] = Array(repeating: nil, count: files.count)
    await withTaskGroup(of: BatchResult.self) { group in
      var next = 0
      func startNext() {
        guard next < files.count, !Task.isCancelled else { return }
        let index = next
        let path = files[index]
        next += 1
        group.addTask { self.analyse(path, index: index) }
      }
      for _ in 0..<max(1, jobs) { startNext() }
      for await result in group {
        results[result.index] = result
        startNext()
      }
    }
    return results.compactMap { $0 }
  }
}
