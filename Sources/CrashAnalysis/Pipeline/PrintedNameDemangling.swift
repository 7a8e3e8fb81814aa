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
  static func apply(to report: inout CrashReport) {
    for threadIndex in report.threads.indices {
      for frameIndex in report.threads[threadIndex].frames.indices {
        guard let function = report.threads[threadIndex].frames[frameIndex].symbol?.function,
          mayBeMangled(function), let demangled = SymbolDemangler.demangle(function)
        else { continue }
        report.threads[threadIndex].frames[frameIndex].symbol?.function = demangled
      }
    }
  }

  /// A cheap first look: every mangling starts with `_`, `$` or (MSVC's) `?`.
  private static func mayBeMangled(_ name: String) -> Bool {
    guard let first = name.utf8.first else { return false }
    return first == UInt8(ascii: "_") || first == UInt8(ascii: "$") || first == UInt8(ascii: "?")
  }
}
