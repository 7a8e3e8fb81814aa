//===--- PrintedNameDemangling.swift - Mangled names a listing printed, read --===//
//
// Pastes and reports print names as the program's symbol table holds them when
// nothing demangled them: glibc's backtrace_symbols (`./ledgerd(_ZN6ledger7Journal5closeEv+0x1d)`),
// Swift's stack traces before 5.9 and Crashlytics (`$s7ledgerd7JournalC5closeyyF`),
// Apple's `.ips` reports, a Windows log's decorated C++ name (`?Close@Ledger@@QAEXXZ`).
// Read as printed, such a frame buckets apart from the same crash printed by gdb or
// Swift's backtracer, and no frame catalog knows it. After decoding, each frame's
// printed function name in a mangling SymbolDemangler knows is replaced by its
// demangled form; the frame's printed text keeps what the listing showed (`printed`
// in JSON).
//
//===----------------------------------------------------------------------===//

import CrashCore
import Demangling

/// Demangles the function names a report's frames printed.
enum PrintedNameDemangling {
  /// Replaces each mangled printed function name in `report` by its demangled form (a frame is
  /// written only when its name changes).
  /// A Swift name the runtime's demangler aborted on stays as printed, and the report says so
  /// once: the runtime's `fatal error: …` line on standard error is not the analysis failing.
  static func apply(to report: inout CrashReport) {
    var aborted: [String] = []
    for threadIndex in report.threads.indices {
      for frameIndex in report.threads[threadIndex].frames.indices {
        guard let function = report.threads[threadIndex].frames[frameIndex].symbol?.function, mayBeMangled(function)
        else { continue }
        let demangled: String?
        if SwiftDemangler.isMangled(function) {
          switch SwiftDemangler.read(function) {
          case .demangled(let text): demangled = text
          case .unreadable: demangled = nil
          case .faulted:
            demangled = nil
            if !aborted.contains(function) { aborted.append(function) }
          }
        } else {
          demangled = SymbolDemangler.demangle(function)
        }
        guard let demangled else { continue }
        report.threads[threadIndex].frames[frameIndex].symbol?.function = demangled
      }
    }
    guard let first = aborted.first else { return }
    let more = aborted.count > 1 ? " and \(aborted.count - 1) more" : ""
    report.diagnostics.append(
      Diagnostic(
        .warning,
        "the Swift runtime's demangler aborted on `\(TextLimits.capped(first, maximumBytes: 120))`\(more), left as printed "
          + "(its `fatal error` line on standard error is the runtime's, caught)"))
  }

  /// A cheap first look: every mangling starts with `_`, `$` or (MSVC's) `?`.
  private static func mayBeMangled(_ name: String) -> Bool {
    guard let first = name.utf8.first else { return false }
    return first == UInt8(ascii: "_") || first == UInt8(ascii: "$") || first == UInt8(ascii: "?")
  }
}
