//===--- AndroidANRTrace.swift - Android's thread dump for an ANR -----------===//
//
// When an Android app stops answering ("Application Not Responding"), the
// runtime (ART, Dalvik before it) dumps every thread on SIGQUIT into
// /data/anr/traces.txt, a bug report, and Google Play Console's ANR page:
//
//   ----- pid 23843 at 2026-12-07 09:14:02.117 -----
//   Cmd line: com.example.ledger
//   ABI: 'arm64'
//   DALVIK THREADS (25):
//   "main" prio=5 tid=1 Blocked
//     | group="main" sCount=1 ucsCount=0 flags=1 obj=0x72c3a2a8 self=0xb400007c6d8e5be0
//     | sysTid=23843 nice=-10 cgrp=top-app sched=0/0 handle=0x7d9d5c74f8
//     at com.example.ledger.Store.balance(Store.java:42)
//     - waiting to lock <0x0f1e2d3c> (a java.lang.Object) held by thread 14
//     at android.os.Looper.loop(Looper.java:288)
//
//   "ledger-sync" prio=5 tid=14 Native
//     native: #00 pc 000000000004e8c8  /apex/com.android.runtime/lib64/bionic/libc.so (syscall+28) (BuildId: …)
//     at com.example.ledger.Sync.flush(Native method)
//     - locked <0x0f1e2d3c> (a java.lang.Object)
//   ----- end 23843 -----
//
// (art/runtime/thread.cc Thread::DumpState and DumpStack, runtime.cc
// DumpForSigQuit.) Play Console prints `at pkg.Class.method (File.java:42)`
// with a blank before the parenthesis, native rows as `#00  pc 0x…` without
// `native:`, the lock lines unindented, a short `"name" tid=4 Waiting` line
// before each thread's full one, and Dalvik's states in capitals
// (`TIMED_WAIT`, `held by tid=17 (name)`). Each thread is a thread of the
// report, its native and Java frames as printed (innermost first); the main
// thread (`tid=1`) is the one that did not answer: the crashed one. An ANR is
// no signal: the report keeps `Android ANR` (the main thread's state and the
// lock it waits for, with the thread that holds it) as a property.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// An ANR's thread dump, gathered line by line.
struct AndroidANRTraceCollector {
  private struct Thread {
    var name: String
    var label: String
    var tid: Int?
    var systemID: UInt32?
    var state: String?
    var frames: [StackFrame] = []
    var lines: LineRange
    /// The first `- waiting to lock … held by …` line under the thread.
    var waitsFor: String?
  }

  private var threads: [Thread] = []
  private var architecture: (value: Architecture, name: String, line: Int)?
  /// Native frames' files.
  private var modules = AndroidModuleList()
  /// Inside the dump's preamble (`----- pid … -----` up to the first thread): its lines are kept.
  private var isInPreamble = false
  var maximumFrames = 4096
  var maximumThreads = 4096

  /// Whether a dump is being read.
  private(set) var isCollecting = false

  /// Whether `line` may open a dump: it starts with `"` (a thread's header) or is `----- pid …`
  /// (a byte and a word or two looked at).
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first, line.tokens.count >= 2 else { return false }
    switch line.bytes[first.lowerBound] {
    case UInt8(ascii: "\""): return threadHeader(line) != nil
    case UInt8(ascii: "-"): return line.tokens.count >= 4 && line.tokenEquals(0, "-----") && line.tokenEquals(1, "pid")
    default: return false
    }
  }

  /// `"main" prio=5 tid=1 Blocked`, `"Signal Catcher" daemon prio=10 tid=4 Runnable`, Play
  /// Console's `"main" tid=1 Blocked`, a thread the runtime does not know: `"binder:1_2" sysTid=9`.
  static func threadHeader(_ line: TextLine) -> (name: String, tid: Int?, systemID: UInt32?, state: String?)? {
    guard let first = line.tokens.first, line.bytes[first.lowerBound] == UInt8(ascii: "\""), line.contentStart == 0 else { return nil }
    let text = line.text(fromToken: 0)
    guard let close = text.dropFirst().firstIndex(of: "\""), close < text.index(before: text.endIndex) else { return nil }
    let name = text[text.index(after: text.startIndex)..<close]
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard !fields.isEmpty, fields.count <= 8, name.utf8.count <= 256 else { return nil }
    var tid: Int?
    var systemID: UInt32?
    var state: String?
    for field in fields {
      if field.hasPrefix("tid=") {
        tid = Int(field.dropFirst(4))
        guard tid != nil else { return nil }
      } else if field.hasPrefix("sysTid=") {
        systemID = UInt32(field.dropFirst(7))
      } else if field.hasPrefix("prio=") || field == "daemon" {
        continue
      } else if field.first?.isLetter == true, !field.contains("=") {
        state = String(field)
      } else {
        return nil
      }
    }
    guard tid != nil || systemID != nil else { return nil }
    return (String(name), tid, systemID, state)
  }

  /// Takes a line; false for one it does not read (which ends the dump).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if let header = Self.threadHeader(line) {
      isCollecting = true
      isInPreamble = false
      // Play Console's short line before the full one names the same thread.
      if let last = threads.last, last.frames.isEmpty, last.name == header.name {
        threads.removeLast()
      }
      if threads.count < maximumThreads {
        threads.append(
          Thread(
            name: TextLimits.capped(header.name, maximumBytes: 256), label: TextLimits.capped(line.text(fromToken: 0), maximumBytes: 256),
            tid: header.tid, systemID: header.systemID, state: header.state, lines: LineRange(line: line.number)))
      }
      return true
    }
    if line.tokens.count >= 4, line.tokenEquals(0, "-----") {
      if line.tokenEquals(1, "pid") {
        if isCollecting, !threads.isEmpty { finish(emit: emit, emitThread: emitThread) }
        isCollecting = true
        isInPreamble = true
        return true
      }
      if isCollecting, line.tokenEquals(1, "end") {
        finish(emit: emit, emitThread: emitThread)
        return true
      }
    }
    guard isCollecting else { return false }
    if line.isBlank { return true }
    if isInPreamble {
      if let abi = AndroidTombstone.abi(line, at: 0) {
        architecture = (abi.architecture, abi.name, line.number)
        emit(.systemProperty(SystemProperty(key: "ABI", value: abi.name)))
      } else if line.tokens.count >= 3, line.tokenEquals(0, "Cmd"), line.tokenEquals(1, "line:") {
        emit(.systemProperty(SystemProperty(key: "Process", value: TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 2), maximumBytes: 256)))))
      }
      return true
    }
    guard !threads.isEmpty else { return false }
    let last = threads.count - 1
    var start = 0
    if line.tokenEquals(0, "|") || line.tokenEquals(0, "native:") { start = 1 }
    if start < line.tokens.count, let row = AndroidTombstone.row(line, at: start) {
      append(nativeFrame(row, line: line.number), to: last, line: line.number)
      modules.note(row)
      return true
    }
    if let frame = JavaStackTraceCollector.frame(line) {
      append(frame, to: last, line: line.number)
      return true
    }
    // `- waiting to lock <0x…> (a java.lang.Object) held by thread 14`, `- locked <…>`,
    // `- waiting on <…>`, `- sleeping on <…>`, `- parking to wait for <…>`.
    if line.tokenEquals(0, "-"), line.tokens.count >= 3 {
      if threads[last].waitsFor == nil, line.tokenEquals(1, "waiting"), line.tokenEquals(2, "to") {
        threads[last].waitsFor = TextLimits.singleLine(TextLimits.capped(line.text(fromToken: 1), maximumBytes: 512))
      }
      threads[last].lines = threads[last].lines.including(line.number)
      return true
    }
    // The thread's state lines (`| group="main" sCount=1 …`, `| sysTid=23843 nice=-10 …`,
    // `| held mutexes=`), with or without their bar; `(no managed stack frames)`.
    if line.tokenEquals(0, "|") || line.token(0).contains(UInt8(ascii: "=")) || line.token(0).first == ASCII.openParen
      || (line.tokens.count >= 2 && line.tokenEquals(0, "held") && Bytes.hasPrefix(line.token(1), "mutexes="))
    {
      if threads[last].systemID == nil {
        for index in 0..<line.tokens.count where Bytes.hasPrefix(line.token(index), "sysTid=") {
          threads[last].systemID = UInt32(line.string(index).dropFirst(7))
        }
      }
      threads[last].lines = threads[last].lines.including(line.number)
      return true
    }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  private mutating func append(_ frame: StackFrame, to thread: Int, line: Int) {
    if threads[thread].frames.count < maximumFrames {
      var frame = frame
      frame.index = threads[thread].frames.count
      threads[thread].frames.append(frame)
    }
    threads[thread].lines = threads[thread].lines.including(line)
  }

  /// A native row as a frame: its module's file, function and offset, its pc relative to the
  /// module (as a tombstone's rows are).
  private func nativeFrame(_ row: AndroidTombstone.Row, line: Int) -> StackFrame {
    let module = row.path.map(AndroidModuleList.fileName)
    let symbol = FrameSymbol(
      module: module, function: row.function, offset: row.function == nil ? nil : row.offset,
      address: module == nil && row.function == nil ? Address(row.pc) : nil,
      moduleOffset: row.function == nil && module != nil ? row.pc : nil, printedText: row.text)
    return StackFrame(index: 0, instruction: Address(row.pc), symbol: symbol, trust: .text, lines: LineRange(line: line), printedNumber: row.number)
  }

  /// Ends the dump: the ANR property, each thread with frames (the main one crashed), the
  /// native frames' modules at 0.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      threads = []
      modules = AndroidModuleList()
      architecture = nil
      isInPreamble = false
      isCollecting = false
    }
    guard isCollecting else { return }
    let withFrames = threads.filter { !$0.frames.isEmpty }
    guard !withFrames.isEmpty else { return }
    let crashed = withFrames.firstIndex { $0.tid == 1 || $0.name == "main" } ?? 0
    let main = withFrames[crashed]
    var summary = "\"\(main.name)\" " + (main.state.map { "thread \($0)" } ?? "thread")
    if let waits = main.waitsFor {
      summary += ", " + waits
      // ART names the holder by number: its name and state are added. (Dalvik names it.)
      if let holder = Self.holder(in: waits), let other = threads.first(where: { $0.tid == holder }) {
        summary += " (\"\(other.name)\"" + (other.state.map { ", \($0)" } ?? "") + ")"
      }
    }
    emit(.systemProperty(SystemProperty(key: "Android ANR", value: TextLimits.singleLine(summary))))
    let evidence = architecture.map { ["the trace's ABI line names \($0.name) (line \($0.line))"] } ?? ["an ANR trace names no processor"]
    for (index, thread) in withFrames.enumerated() {
      emitThread(
        CrashThread(
          id: thread.systemID, architecture: architecture?.value ?? .unknown, architectureEvidence: evidence, frames: thread.frames,
          format: .androidANR, lines: thread.lines, label: thread.label, isCrashed: index == crashed))
    }
    modules.emit(emit)
  }

  /// The thread a `waiting to lock … held by thread 14` line (ART's) names.
  private static func holder(in text: String) -> Int? {
    guard let range = text.ranges(of: "held by thread ").last else { return nil }
    return Int(text[range.upperBound...].prefix { $0.isASCII && $0.isNumber })
  }
}
