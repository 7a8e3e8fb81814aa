//===--- Console.swift - What analyse writes, checked --------------------===//
//
// Standard output goes through one OutputStream: a failed write (a full disk,
// /dev/full, an I/O error) is noticed, reported on stderr and turned into exit
// status 6, never a silent success. Text meant for a terminal has its control
// characters shown as escapes (TextLimits.printable): a file name holding ESC
// cannot drive the terminal. Records (JSON lines, batch lines) are written
// whole even when Ctrl-C arrives (Interrupts).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import CrashAnalysis
import CrashCore

#if canImport(Glibc)
  import Glibc
#endif

/// The standard output and error of `analyse`.
enum Console {
  /// Standard output, buffered and checked. Only the main thread writes to it.
  nonisolated(unsafe) static let output = OutputStream.standardOutput()

  /// Writes `text` to standard output with control characters escaped.
  static func text(_ text: String) { output.write(TextLimits.printable(text)) }

  /// Writes a report with control characters from its inputs escaped, then, when `colour`,
  /// its key lines coloured (the only escape sequences that reach the terminal are ours).
  static func report(_ text: String, colour: Bool) {
    let printable = TextLimits.printable(text)
    output.write(colour ? Colour.apply(printable) : printable)
  }

  /// Writes JSON (already free of raw control characters) to standard output.
  static func json(_ text: String) { output.write(text) }

  /// Writes one record (a line) whole and pushes it out, so a reader downstream sees
  /// it at once and an interrupt never cuts it.
  static func record(_ line: String) {
    Interrupts.record {
      output.write(line)
      try? output.flush()
    }
  }

  /// One message on standard error, control characters escaped.
  static func error(_ message: String) {
    var bytes = Array(TextLimits.printable(message).utf8)
    bytes.withUnsafeMutableBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return }
        offset += written
      }
    }
  }

  /// Pushes out standard output; when any write failed, says so and exits with status 6.
  static func finish() throws {
    do {
      try output.flush()
    } catch {
      Console.error("analyse: \(error)\n")
      throw ExitCode(AnalyseExitStatus.outputFailed.rawValue)
    }
  }
}
