//===--- ErrorChain.swift - An uncaught error and the errors it wraps --------===//
//
// Java's and JavaScript's uncaught errors print the same shape: the error a
// stack opens with and its rows, then each error it wraps (`Caused by: …`,
// `[cause]: Error: …`) with its own rows. Each error is a thread, innermost
// frame first; the last error with frames is where the chain began, the root
// cause, and is the crashed thread. Both readers gather their links here and
// hand them over the same way; only the words differ.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// The errors of one uncaught-error text, each with its frames and lines, bounded.
struct ErrorChain {
  /// One error and the rows printed under it.
  struct Link {
    var error: String
    var frames: [StackFrame] = []
    var lines: LineRange
  }

  private(set) var links: [Link] = []
  /// The most frames kept for one error.
  var maximumFrames = 4096
  /// The most errors kept for one chain.
  var maximumLinks = 64

  /// Whether no error has been opened.
  var isEmpty: Bool { links.isEmpty }

  /// Opens the next error of the chain at `line` (past the limit, its rows join the last kept).
  mutating func open(_ error: String, line: Int) {
    if links.count < maximumLinks { links.append(Link(error: error, lines: LineRange(line: line))) }
  }

  /// Adds a row's frame to the error opened last, numbered in it.
  mutating func append(_ frame: StackFrame, line: Int) {
    guard let last = links.indices.last else { return }
    if links[last].frames.count < maximumFrames {
      var frame = frame
      frame.index = links[last].frames.count
      links[last].frames.append(frame)
    }
    links[last].lines = links[last].lines.including(line)
  }

  /// Counts a line (`... 2 more`) as the last error's, without a frame.
  mutating func extend(line: Int) {
    guard let last = links.indices.last else { return }
    links[last].lines = links[last].lines.including(line)
  }

  /// Hands the chain over, and empties it: the first error as the `exceptionKey` property, the
  /// root cause as `rootCauseKey` when it is another, each error with frames a thread (the root
  /// cause crashed).
  mutating func finish(
    exceptionKey: String, rootCauseKey: String, evidence: String, format: StackFormat,
    emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void
  ) {
    defer { links = [] }
    let withFrames = links.filter { !$0.frames.isEmpty }
    guard let first = withFrames.first, let root = withFrames.last else { return }
    emit(.systemProperty(SystemProperty(key: exceptionKey, value: TextLimits.singleLine(first.error))))
    if withFrames.count > 1 { emit(.systemProperty(SystemProperty(key: rootCauseKey, value: TextLimits.singleLine(root.error)))) }
    for (index, link) in withFrames.enumerated() {
      emitThread(
        CrashThread(
          architecture: .unknown, architectureEvidence: [evidence], frames: link.frames, format: format, lines: link.lines,
          label: link.error, isCrashed: index == withFrames.count - 1))
    }
  }
}
