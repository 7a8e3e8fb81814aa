//===--- TextDecodingEvent.swift - What the text decoder reports ------------===//
//
// The decoder streams what it finds as events, so a caller can build a whole
// CrashReport (CrashReportBuilder) or process a huge input in constant memory
// (count threads, forward them, drop them).
//
//===----------------------------------------------------------------------===//

import CrashCore

/// One finding of the text decoder, reported as soon as it is complete.
public enum TextDecodingEvent: Sendable {
  /// Dr. Watson's `App:` / `When:` header.
  case application(ApplicationInfo)
  /// The exception the process died of.
  case exception(CrashException)
  /// A line of system information.
  case systemProperty(SystemProperty)
  /// A task-list entry.
  case process(ProcessEntry)
  /// A loaded module.
  case module(CodeModule)
  /// A decoded stack, with whatever registers, fault and memory belong to it.
  case thread(CrashThread)
  /// A register dump that belongs to no Dr. Watson state dump.
  case registers(RegisterContext, LineRange)
  /// An event-log record.
  case event(EventRecord)
  /// A STOP error.
  case bugCheck(BugCheck)
  /// A field of a pasted `!analyze -v`, with its line.
  case analysisField(DebuggerAnalysis.Field, line: Int)
  /// A problem found while decoding.
  case diagnostic(Diagnostic)
}
