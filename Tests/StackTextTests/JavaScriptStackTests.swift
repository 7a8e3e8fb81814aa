//===--- JavaScriptStackTests.swift - JavaScript errors as V8 prints them -----===//
//
// The fixture (Tests/Fixtures/pastes/node-uncaught.txt) is composed in the
// layout Node.js prints for an uncaught exception (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("JavaScript stacks")
struct JavaScriptStackTests {
  @Test("Node's uncaught exception: the error, each row's function and place, top-level code without a function")
  func nodeUncaught() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/node-uncaught.txt"), encoding: .utf8))
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.isCrashed && stack.format == .javascript)
    #expect(stack.label == "TypeError: Cannot read properties of undefined (reading 'value')" && stack.lines == LineRange(6, 13))
    #expect(stack.frames.map { $0.symbol?.function ?? "-" } == [
      "Ledger.balance", "Promise.all", "Array.map", "new Settlement", "-", "Module._compile", "-",
    ])
    #expect(stack.frames[0].sourceLine == SourceLine(file: "/srv/ledger/ledger.js", line: 12, column: 26))
    #expect(stack.frames[4].sourceLine == SourceLine(file: "/srv/ledger/app.js", line: 3, column: 5))
    #expect(stack.frames[5].sourceLine == SourceLine(file: "node:internal/modules/cjs/loader", line: 1256, column: 14))
    #expect(stack.frames[1].sourceLine == nil && stack.frames[2].sourceLine == nil)
    #expect(report.system.first { $0.key == "JavaScript exception" }?.value == "TypeError: Cannot read properties of undefined (reading 'value')")
    #expect(report.exception == nil, "an error is no signal")
  }

  @Test("a browser's console: Uncaught, URLs with line and column; an error with its [cause]")
  func browserAndCause() throws {
    let text = """
      Uncaught RangeError: Maximum call stack size exceeded
          at walk (https://ledger.example/static/js/main.8f3c2a.js:2:45678)
          at walk (https://ledger.example/static/js/main.8f3c2a.js:2:45690)
      Error: settle failed
          at settle (/srv/ledger/app.js:20:11)
          ... 2 lines matching cause stack trace ...
        [cause]: Error: disk full
            at write (/srv/ledger/disk.js:7:9)
      """
    let report = decodeReport(text)
    #expect(report.stacks.map(\.label) == ["RangeError: Maximum call stack size exceeded", "Error: settle failed", "Error: disk full"])
    #expect(report.stacks.map(\.isCrashed) == [true, false, true], "two errors: each chain's last cause crashed")
    #expect(report.stacks[0].frames[0].sourceLine == SourceLine(file: "https://ledger.example/static/js/main.8f3c2a.js", line: 2, column: 45678))
  }

  @Test("Node's coded errors: the code between the name and the message (`TypeError [ERR_INVALID_ARG_TYPE]: …`)")
  func codedError() throws {
    let text = """
      node:internal/errors:496
          ErrorCaptureStackTrace(err);
          ^

      TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string. Received undefined
          at new NodeError (node:internal/errors:405:5)
          at Object.readFileSync (node:fs:448:20)
          at loadLedger (/srv/ledger/load.js:4:13) {
        code: 'ERR_INVALID_ARG_TYPE'
      }
      """
    let report = decodeReport(text)
    let stack = try #require(report.stacks.first)
    #expect(stack.label == "TypeError [ERR_INVALID_ARG_TYPE]: The \"path\" argument must be of type string. Received undefined")
    #expect(stack.frames.map { $0.symbol?.function ?? "-" } == ["new NodeError", "Object.readFileSync", "loadLedger"])
    // A bracketed word that is no code, or a name that is no error's, opens nothing.
    #expect(decodeReport("Error [see below]: x\n    at f (/a.js:1:1)\n").stacks.isEmpty)
    #expect(decodeReport("Ledger [ERR_X]: x\n    at f (/a.js:1:1)\n").stacks.isEmpty)
  }

  @Test("Firefox's rows: name@place, top-level code as @place")
  func gecko() throws {
    let text = """
      TypeError: account is undefined
      balance@https://ledger.example/static/js/ledger.js:12:26
      Settlement/<@https://ledger.example/static/js/settle.js:8:31
      @https://ledger.example/static/js/app.js:3:5
      """
    let stack = try #require(decodeReport(text).stacks.first)
    #expect(stack.frames.map { $0.symbol?.function ?? "-" } == ["balance", "Settlement/<", "-"])
    #expect(stack.frames[2].sourceLine == SourceLine(file: "https://ledger.example/static/js/app.js", line: 3, column: 5))
  }

  @Test("Java's rows, .NET's rows and prose are no V8 rows", arguments: [
    "java.lang.IllegalStateException: closed\n\tat com.example.Store.balance(Store.java:42)\n",
    "Error: see below\n   at the top (of the page)\n", "Error: nothing follows\n", "Error: mail me\nuser@example.com:25:3\n",
  ])
  func notJavaScript(_ text: String) {
    #expect(decodeReport(text).stacks.allSatisfy { $0.format != .javascript })
  }
}
