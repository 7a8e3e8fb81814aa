//===--- JavaStackTraceTests.swift - Java exceptions as Throwable prints them ---===//
//
// The fixture (Tests/Fixtures/pastes/java-caused-by.txt) is composed in the
// layout java.lang.Throwable prints (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Java exception stacks")
struct JavaStackTraceTests {
  @Test("an uncaught exception and its cause: each a thread, the cause crashed, module prefixes dropped, files and lines")
  func causedBy() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/java-caused-by.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == ["java.lang.IllegalStateException: ledger closed", "java.io.IOException: disk full"])
    #expect(report.stacks.map(\.isCrashed) == [false, true] && report.stacks.allSatisfy { $0.format == .java })
    #expect(report.stacks[0].frames[1].symbol?.function == "java.lang.Thread.run", "java.base/ is no part of the name")
    #expect(report.stacks[1].frames[0].sourceLine == SourceLine(file: "Disk.java", line: 10))
    #expect(report.stacks[1].lines == LineRange(4, 7), "`... 2 more` belongs to the cause")
    #expect(report.exception == nil, "a Java exception is no signal")
    #expect(report.system.first { $0.key == "Java root cause" }?.value == "java.io.IOException: disk full")
  }

  @Test("a logger's text: the exception's class first, native methods and unknown sources")
  func loggerText() throws {
    let text = """
      2026-12-07 10:41:07 ERROR ledger - update failed
      java.lang.NullPointerException: Cannot invoke "Ledger.total()" because "ledger" is null
      \tat com.example.ledger.Report.render(Report.java:31)
      \tat jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
      \tat com.example.ledger.Main$1.run(Unknown Source)
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.isCrashed && stack.frames.count == 3)
    #expect(stack.frames[1].sourceLine == nil && stack.frames[2].symbol?.function == "com.example.ledger.Main$1.run")
  }

  @Test("Crashlytics' Android text: `Fatal Exception:` and its cause, then every other thread by its name")
  func crashlyticsAndroid() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/crashlytics-android.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == [
      "java.lang.IllegalStateException: ledger closed", "java.io.IOException: disk full", "DefaultDispatcher-worker-3",
      "FinalizerDaemon", "Firebase Background Thread #1", "main",
    ])
    #expect(report.stacks.map(\.isCrashed) == [false, true, false, false, false, false])
    // R8's and D8's places without a file keep their frames: the stack is not cut there.
    let frames = report.stacks[0].frames
    #expect(frames.count == 9 && frames[2].sourceLine == nil && frames[4].sourceLine == nil)
    #expect(frames[3].symbol?.function == "com.example.ledger.AccountsViewModel.$r8$lambda$Xq3k9ZtPa0bW1cV2dE4fG5hI6jK")
    #expect(report.stacks[2].frames.count == 3 && report.stacks[5].frames.map { $0.symbol?.function } == [
      "android.os.MessageQueue.nativePollOnce", "android.os.Looper.loop",
    ])
    #expect(report.system.first { $0.key == "Java exception" }?.value == "java.lang.IllegalStateException: ledger closed")
  }

  @Test("a logged `Non-fatal Exception:`, behind a `#` as pastes in issues show it; prose after it ends the threads")
  func crashlyticsNonFatal() throws {
    let report = decodeReport(
      """
      # Non-fatal Exception: java.net.SocketTimeoutException: timeout
             at okhttp3.internal.http2.Http2Stream.takeHeaders(Http2Stream.kt:144)

      OkHttp Dispatcher:
             at java.lang.Object.wait(Object.java)

      This started after the 2.4 update, any ideas?
      We tried:
      """)
    #expect(report.stacks.map(\.label) == ["java.net.SocketTimeoutException: timeout", "OkHttp Dispatcher"])
    #expect(report.stacks.map(\.frames.count) == [1, 1])
  }

  @Test("not a Java stack", arguments: [
    "Build Error: something\nat the top\n", "java.lang.NullPointerException thrown somewhere\nnothing else\n",
    "Exception in thread \"main\" of thoughts\n", "Fatal Exception: something went wrong\n  at home (today)\n",
    "# Fatal Exception: java.lang.Thing\n",
  ])
  func notJava(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
