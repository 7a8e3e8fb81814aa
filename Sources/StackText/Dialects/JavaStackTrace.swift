//===--- JavaStackTrace.swift - A Java exception's stack, as Throwable prints it ===//
//
// What the JVM prints for an exception nobody caught, and what logs and crash
// reports (Minecraft's, an application server's) carry, is Throwable's own text:
//
//   Exception in thread "main" java.lang.IllegalStateException: ledger closed
//   	at com.example.ledger.Store.balance(Store.java:42)
//   	at java.base/java.lang.Thread.run(Thread.java:833)
//   Caused by: java.io.IOException: disk full
//   	at com.example.ledger.Disk.write(Disk.java:10)
//   	... 2 more
//
// (java.lang.Throwable.printStackTrace; a logger prints the first line without
// `Exception in thread "…"`.) Each exception of the chain is a thread of its
// frames, innermost first; `Caused by:` follows the exception it caused, so the
// last one is where the chain began: that one crashed. A frame is the class and
// method, its file and line (`Native Method` and `Unknown Source` give none);
// the module prefix of Java 9 on (`java.base/`, `java.base@17/`, `app//`) is
// dropped. A Java exception is no signal: the report keeps it as the
// `Java exception` property, not as an exception.
//
// Crashlytics' text of an Android issue (its console's download, under a `#
// Crashlytics - Stack trace` header) opens the exception with `Fatal Exception:`
// (`Non-fatal Exception:` for a logged one) and then lists every other thread
// as its name and a colon over its rows:
//
//   Fatal Exception: java.lang.IllegalStateException: ledger closed
//          at com.example.ledger.Store.balance(Store.java:42)
//
//   FinalizerDaemon:
//          at java.lang.Object.wait(Object.java)
//
// Those threads are read too, none crashed. R8 and D8 leave places that name no
// file (`(D8$$SyntheticClass)`, `(:8)`): the frame is kept without a line.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A Java exception's stack, gathered line by line.
struct JavaStackTraceCollector {
  private var chain = ErrorChain()
  /// A line that may name an exception, held until an `at` row follows it.
  private var pendingException: (text: String, line: Int, fromCrashlytics: Bool)?
  /// Whether the stack being read came from a Crashlytics `Fatal Exception:` line: its other
  /// threads follow, each as `NAME:` over its rows.
  private var chainFromCrashlytics = false
  /// After a Crashlytics exception: the thread being read (its name and rows), or only the
  /// name, held until its first row.
  private var namedThread: (name: String, line: Int, frames: [StackFrame], lines: LineRange)?
  /// Whether lines after a Crashlytics exception are read as its other threads.
  private var readsNamedThreads = false
  /// The most frames kept for one named thread, and named threads.
  static let maximumNamedThreadFrames = 4096
  static let maximumNamedThreads = 4096
  private var namedThreadCount = 0

  /// Whether a stack is being read.
  private(set) var isCollecting = false

  /// Whether anything is held (the decoder then offers every line).
  @inline(__always)
  var holdsAnything: Bool {
    if isCollecting || readsNamedThreads { return true }
    // `case .some` tests the optional in place: `!= nil` would copy it.
    if case .some = pendingException { return true }
    return false
  }

  /// Whether `line` may name a Java exception: `Exception in thread`, `Caused by:`, or a first
  /// word ending `Exception`, `Error` or `Throwable` (its ends looked at).
  /// The word's last four bytes (before a colon) are read as one number and compared with
  /// `tion`, `rror` and `able`: this runs on most lines of every text.
  @inline(__always)
  static func mayOpen(_ line: TextLine) -> Bool {
    guard let first = line.tokens.first else { return false }
    let bytes = line.bytes
    guard first.count >= 5 else { return first.count == 1 && bytes[first.lowerBound] == UInt8(ascii: "#") && crashlyticsLead(line) != nil }
    var end = first.upperBound
    if bytes[end - 1] == ASCII.colon { end -= 1 }
    let tail = UInt32(bytes[end - 4]) | UInt32(bytes[end - 3]) << 8 | UInt32(bytes[end - 2]) << 16 | UInt32(bytes[end - 1]) << 24
    // "tion", "rror", "able" as little-endian words; `Exception in thread` ends in "tion" too,
    // `Caused by:` is asked after.
    if tail == 0x6E6F_6974 || tail == 0x726F_7272 || tail == 0x656C_6261 {
      // A class has its package (`java.lang.…`); many words end so (`Description:`, `Function`).
      return bytes[first].contains(ASCII.period) || (line.tokens.count >= 5 && line.tokenEquals(0, "Exception"))
    }
    switch bytes[first.lowerBound] {
    case UInt8(ascii: "C"): return line.tokenEquals(0, "Caused")
    case UInt8(ascii: "F"), UInt8(ascii: "N"), UInt8(ascii: "#"): return crashlyticsLead(line) != nil
    default: return false
    }
  }

  /// `Fatal Exception:` or `Non-fatal Exception:` (Crashlytics, its text sometimes behind a `#`):
  /// the token the exception's class starts at.
  static func crashlyticsLead(_ line: TextLine) -> Int? {
    let first = line.tokenEquals(0, "#") ? 1 : 0
    guard line.tokens.count >= first + 3, line.tokenEquals(first + 1, "Exception:"),
      line.tokenEquals(first, "Fatal") || line.tokenEquals(first, "Non-fatal")
    else { return nil }
    return first + 2
  }

  /// `Exception in thread "main" java.lang.IllegalStateException: …`, `Caused by: …`, or a line
  /// whose first word is a Java exception's class (`java.lang.NullPointerException: …`).
  static func exception(_ line: TextLine) -> (text: String, isCause: Bool)? {
    let count = line.tokens.count
    guard count >= 1 else { return nil }
    if count >= 5, line.tokenEquals(0, "Exception"), line.tokenEquals(1, "in"), line.tokenEquals(2, "thread") {
      // The thread's name is quoted and may hold blanks: the class is the first word after it.
      let text = line.text(fromToken: 3)
      guard text.hasPrefix("\""), let close = text.dropFirst().firstIndex(of: "\"") else { return nil }
      let rest = text[text.index(after: close)...].drop { $0 == " " }
      return isExceptionClass(rest.prefix { $0 != " " && $0 != ":" }) ? (capped(String(rest)), false) : nil
    }
    if count >= 2, line.tokenEquals(0, "Caused"), line.tokenEquals(1, "by:") {
      return (capped(line.text(fromToken: 2)), true)
    }
    if let from = crashlyticsLead(line) {
      let name = line.string(from)
      return isExceptionClass(name.hasSuffix(":") ? name.dropLast() : Substring(name)) ? (capped(line.text(fromToken: from)), false) : nil
    }
    let first = line.string(0)
    let name = first.hasSuffix(":") ? first.dropLast() : Substring(first)
    return line.contentStart == 0 && isExceptionClass(name) ? (capped(line.text(fromToken: 0)), false) : nil
  }

  /// `java.lang.IllegalStateException`, `org.example.LedgerError`, `com.foo.Bar$BadThing`:
  /// a package, a class ending in Exception, Error or Throwable.
  private static func isExceptionClass(_ name: Substring) -> Bool {
    guard name.count <= 256, let dot = name.lastIndex(of: "."), dot > name.startIndex,
      name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "$" })
    else { return false }
    let simple = name[name.index(after: dot)...]
    return simple.first?.isUppercase == true
      && (simple.hasSuffix("Exception") || simple.hasSuffix("Error") || simple.hasSuffix("Throwable"))
  }

  /// `at com.example.ledger.Store.balance(Store.java:42)`: the method and its place.
  static func frame(_ line: TextLine) -> StackFrame? {
    guard line.tokens.count >= 2, line.tokenEquals(0, "at") else { return nil }
    let text = line.text(fromToken: 1)
    guard text.hasSuffix(")"), let open = text.firstIndex(of: "("), open > text.startIndex else { return nil }
    // Play Console prints a blank before the parenthesis: `at a.B.c (B.java:42)`.
    var method = text[..<open]
    if method.last == " " { method = method.dropLast() }
    // `java.base/java.lang.Thread.run`, `java.base@17.0.2/…`, `app//com.example.Main.main`.
    if let slash = method.lastIndex(of: "/") { method = method[method.index(after: slash)...] }
    guard method.contains("."), !method.contains(" ") else { return nil }
    let place = text[text.index(after: open)..<text.index(before: text.endIndex)]
    var source: SourceLine?
    if let colon = place.lastIndex(of: ":"), let number = Int(place[place.index(after: colon)...]), number > 0 {
      // R8's `(:8)` names a line of no file.
      if colon > place.startIndex { source = SourceLine(file: capped(String(place[..<colon])), line: number) }
    } else if !(place == "Native Method" || place == "Native method" || place == "Unknown Source" || place == "lambda"
      || place.hasSuffix(".java") || place.hasSuffix(".kt") || place.isEmpty || isSyntheticPlace(place))
    {
      return nil
    }
    return StackFrame(
      index: 0, symbol: FrameSymbol(module: nil, function: capped(String(method)), printedText: text), sourceLine: source,
      trust: .text, lines: LineRange(line: line.number))
  }

  /// `D8$$SyntheticClass`, `SourceFile`: one word a shrinker left where the file was.
  private static func isSyntheticPlace(_ place: Substring) -> Bool {
    place.count <= 64 && place.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "$" || $0 == "_" }
  }

  /// `FinalizerDaemon:`, `Firebase Background Thread #1:`, `pool-8-thread-1:`: a thread's name
  /// over its rows in Crashlytics' text (a few words, the last ending in its colon).
  static func threadName(_ line: TextLine) -> String? {
    let count = line.tokens.count
    guard count >= 1, count <= 8, line.contentStart == 0, line.token(count - 1).last == ASCII.colon,
      line.token(count - 1).count >= 2 || count > 1
    else { return nil }
    let text = line.text(fromToken: 0)
    return TextLimits.singleLine(TextLimits.capped(String(text.dropLast()), maximumBytes: 256))
  }

  /// Takes a line; false for one it does not read (which ends the stack).
  mutating func consume(_ line: TextLine, emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) -> Bool {
    if readsNamedThreads, !isCollecting, pendingException == nil, Self.exception(line) == nil {
      if takeNamedThreadLine(line, emitThread: emitThread) { return true }
    }
    if let frame = Self.frame(line) {
      if let pending = pendingException {
        pendingException = nil
        isCollecting = true
        chainFromCrashlytics = pending.fromCrashlytics
        chain.open(pending.text, line: pending.line)
      }
      guard isCollecting, !chain.isEmpty else { return false }
      chain.append(frame, line: line.number)
      return true
    }
    if let found = Self.exception(line) {
      if found.isCause, isCollecting {
        chain.open(found.text, line: line.number)
        return true
      }
      if isCollecting { finish(emit: emit, emitThread: emitThread) }
      endNamedThreads(emitThread: emitThread)
      pendingException = (found.text, line.number, Self.crashlyticsLead(line) != nil)
      return false
    }
    pendingException = nil
    guard isCollecting else { return false }
    // `... 2 more`, `Suppressed: …` and its rows, `Caused by:` handled above.
    if line.tokens.count >= 2, line.tokenEquals(0, "..."), line.tokenEquals(line.tokens.count - 1, "more") {
      chain.extend(line: line.number)
      return true
    }
    if line.tokens.count >= 2, line.tokenEquals(0, "Suppressed:") { return true }
    finish(emit: emit, emitThread: emitThread)
    return false
  }

  /// Ends the stack: the exception as a property, each block a thread; the last cause crashed.
  /// After a Crashlytics exception, the lines that follow are read as its other threads.
  mutating func finish(emit: (TextDecodingEvent) -> Void, emitThread: (CrashThread) -> Void) {
    defer {
      pendingException = nil
      isCollecting = false
    }
    if isCollecting, chainFromCrashlytics {
      readsNamedThreads = true
      namedThreadCount = 0
    } else {
      endNamedThreads(emitThread: emitThread)
    }
    chainFromCrashlytics = false
    chain.finish(
      exceptionKey: "Java exception", rootCauseKey: "Java root cause", evidence: "Java frames name no processor",
      format: .java, emit: emit, emitThread: emitThread)
  }

  /// Reads a line after a Crashlytics exception: a thread's name, one of its rows, or a blank;
  /// false for any other line, which ends them.
  private mutating func takeNamedThreadLine(_ line: TextLine, emitThread: (CrashThread) -> Void) -> Bool {
    if line.isBlank { return false }
    if let frame = Self.frame(line), var thread = namedThread {
      if thread.frames.count < Self.maximumNamedThreadFrames {
        var frame = frame
        frame.index = thread.frames.count
        thread.frames.append(frame)
      }
      thread.lines = thread.lines.including(line.number)
      namedThread = thread
      return true
    }
    if let name = Self.threadName(line), namedThreadCount < Self.maximumNamedThreads {
      emitNamedThread(emitThread)
      namedThread = (name, line.number, [], LineRange(line: line.number))
      return true
    }
    endNamedThreads(emitThread: emitThread)
    return false
  }

  /// Gives out the named thread being read, if it has rows.
  private mutating func emitNamedThread(_ emitThread: (CrashThread) -> Void) {
    defer { namedThread = nil }
    guard let thread = namedThread, !thread.frames.isEmpty else { return }
    namedThreadCount += 1
    emitThread(
      CrashThread(
        architectureEvidence: ["Java frames name no processor"], frames: thread.frames, format: .java, lines: thread.lines,
        label: thread.name))
  }

  /// Stops reading named threads, giving out the one being read.
  mutating func endNamedThreads(emitThread: (CrashThread) -> Void) {
    emitNamedThread(emitThread)
    readsNamedThreads = false
  }

  private static func capped(_ text: String) -> String { TextLimits.singleLine(TextLimits.capped(text, maximumBytes: 512)) }
}
