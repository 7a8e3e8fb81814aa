//===--- CrashSignature.swift - A crash's bucket ------------------------------===//
//
// Crashes group by their top frames, as Mozilla's crash signatures do: the
// first three frames as `module!function`, skipping frames that only show how
// the exception was dispatched or raised (the list below is data), dropping
// offsets and template arguments; a frame without a function shows as
// `module` alone, one without a module as `@0xADDRESS`.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Crash signatures for grouping.
public enum CrashSignature {
  /// Frames that say nothing about the crash itself: exception dispatch, raising, the
  /// debugger's own entry points (matched on the function, case-insensitive).
  public static let skippedFunctions: Set<String> = [
    "kiuserexceptiondispatcher", "rtldispatchexception", "rtlraiseexception", "raiseexception",
    "kiraiseexception", "_cxxthrowexception", "cxxthrowexception", "dbgbreakpoint", "dbgbreakpointwithstatus",
    "kebugcheckex", "kebugcheck", "kitrap0e", "_kitrap0e", "kitrap0d", "_kitrap0d", "unhandledexceptionfilter",
    "ntraiseexception", "zwraiseexception", "abort", "_abort", "raise",
  ]

  /// How many frames make a signature.
  public static let frameCount = 3

  /// The signature of the first thread with frames, or nil.
  public static func signature(of report: CrashReport) -> String? { signature(of: ClassifiedCrash(report)) }

  /// The same, reusing the crash's frame views.
  public static func signature(of crash: ClassifiedCrash) -> String? {
    let report = crash.report
    guard let thread = report.crashedThreadIndex, !report.threads[thread].frames.isEmpty else { return nil }
    var parts: [String] = []
    for view in crash.frames(thread: thread) {
      if let function = view.function, function.utf8.count <= 28, skippedFunctions.contains(function.lowercased()) { continue }
      parts.append(part(view))
      if parts.count == frameCount { break }
    }
    return parts.isEmpty ? nil : parts.joined(separator: " | ")
  }

  private static func part(_ view: FrameView) -> String {
    if let function = view.function {
      return (view.module.map { $0 + "!" } ?? "") + normalized(function)
    }
    if let module = view.module { return module }
    return "@0x" + String(view.instruction?.rawValue ?? 0, radix: 16)
  }

  /// Without template arguments (`vector<…>` → `vector<T>`) or a leading underscore decoration.
  static func normalized(_ function: String) -> String {
    var result = ""
    var depth = 0
    for character in function {
      if character == "<" {
        if depth == 0 { result += "<T>" }
        depth += 1
      } else if character == ">" && depth > 0 {
        depth -= 1
      } else if depth == 0 {
        result.append(character)
      }
    }
    return result
  }
}
