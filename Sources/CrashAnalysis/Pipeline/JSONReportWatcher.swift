//===--- JSONReportWatcher.swift - A JSON report arriving on standard input ---===//
//
// A file is looked at before it is read; standard input cannot be. Its first
// bytes decide whether it is an Apple `.ips` file, a Node.js diagnostic report or
// a Sentry event (the first KiB for the first two, 64 KiB for an event, whose
// exception may come before its id), and the bytes of one that is are kept (up to
// the input size limit) while the text decoder reads the same chunks.
//
//===----------------------------------------------------------------------===//

/// Keeps standard input's bytes when they open a JSON report.
struct JSONReportWatcher {
  /// The JSON reports told apart.
  enum Kind {
    /// An Apple crash report's `.ips` form.
    case appleIPS
    /// A Node.js diagnostic report.
    case nodeReport
    /// A Sentry event's JSON.
    case sentryEvent
  }

  /// The largest report kept.
  static let maximumSize = max(
    AppleIPSReportBuilder.maximumSize, NodeDiagnosticReportBuilder.maximumSize, SentryEventReportBuilder.maximumSize)
  /// How many first bytes decide.
  static let decidingBytes = SentryEventReportBuilder.sniffedBytes

  /// The most bytes kept.
  let limit: Int
  private var kind: Kind?
  private var bytes: [UInt8] = []
  private var decided = false

  init(limit: Int) { self.limit = limit }

  /// The report's kind and bytes, once decided that the input is one (nil: it is not, or it
  /// was larger than the limit).
  var kept: (kind: Kind, bytes: [UInt8])? {
    guard decided, let kind else { return nil }
    return (kind, bytes)
  }

  /// Takes the next chunk of the input.
  mutating func consume(_ chunk: UnsafeRawBufferPointer) {
    if decided {
      guard kind != nil else { return }
      if bytes.count + chunk.count > limit {
        kind = nil
        bytes = []
        return
      }
      bytes += chunk
      return
    }
    // Undecided: every byte so far is kept (the deciding KiB is at most one chunk past it).
    bytes += chunk
    if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), first != UInt8(ascii: "{") {
      decide()
    } else if bytes.count >= Self.decidingBytes {
      decide()
    }
  }

  /// The input ended: a short one is decided now.
  mutating func finish() {
    if !decided { decide() }
  }

  private mutating func decide() {
    decided = true
    let head = Array(bytes.prefix(1024))
    if AppleIPSReportBuilder.mayBe(head) {
      kind = .appleIPS
    } else if NodeDiagnosticReportBuilder.mayBe(head) {
      kind = .nodeReport
    } else if SentryEventReportBuilder.mayBe(Array(bytes.prefix(Self.decidingBytes))) {
      kind = .sentryEvent
    }
    if kind == nil || bytes.count > limit {
      kind = nil
      bytes = []
    }
  }
}
