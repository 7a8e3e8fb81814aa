//===--- PythonTracebackTests.swift - Python exceptions' tracebacks ---------===//
//
// The fixture (Tests/Fixtures/pastes/python-chained.txt) is composed in the
// layout Python's traceback module prints (the README says which parts).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Python tracebacks")
struct PythonTracebackTests {
  @Test("a chained traceback: each exception a thread, innermost frame first, the direct cause crashed, carets and source passed")
  func directCause() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/python-chained.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == ["KeyError: 'ACC-1042'", "ledger.errors.LedgerError: no balance for ACC-1042"])
    #expect(report.stacks.map(\.isCrashed) == [true, false] && report.stacks.allSatisfy { $0.format == .pythonTraceback })
    let outer = report.stacks[1]
    #expect(outer.frames.map { $0.symbol?.function ?? "" } == ["latest", "settle", "main", "<module>"])
    #expect(outer.frames.map(\.index) == [0, 1, 2, 3])
    #expect(outer.frames[0].sourceLine == SourceLine(file: "/srv/ledger/ledger/store.py", line: 90))
    #expect(outer.lines == LineRange(10, 21) && report.stacks[0].lines == LineRange(2, 6))
    #expect(report.exception == nil, "a Python exception is no signal")
    #expect(report.system.first { $0.key == "Python exception" }?.value == "ledger.errors.LedgerError: no balance for ACC-1042")
    #expect(report.system.first { $0.key == "Python root cause" }?.value == "KeyError: 'ACC-1042'")
  }

  @Test("an exception raised while handling another is the crash; the first is context")
  func duringHandling() throws {
    let text = """
      Traceback (most recent call last):
        File "/srv/ledger/ledger/store.py", line 88, in latest
          return self._rows[account]
      KeyError: 'ACC-1042'

      During handling of the above exception, another exception occurred:

      Traceback (most recent call last):
        File "/srv/ledger/ledger/store.py", line 90, in latest
          log.warn("missing %s", acount)
      NameError: name 'acount' is not defined
      """
    let report = decodeReport(text)
    #expect(report.stacks.map(\.isCrashed) == [false, true])
    #expect(report.system.contains { $0.key == "Python root cause" } == false)
    #expect(report.stacks[1].frames.first?.sourceLine?.line == 90)
  }

  @Test("two tracebacks with other text between them are two crashes' stacks, the first one's not chained")
  func separateTracebacks() throws {
    let text = """
      Traceback (most recent call last):
        File "a.py", line 1, in <module>
      ValueError: one
      retrying in 5 s
      Traceback (most recent call last):
        File "b.py", line 2, in <module>
      ValueError: two
      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 2 && report.stacks.allSatisfy(\.isCrashed))
  }

  @Test("a recursion's repeated frames, a syntax error's frame without function, a bare exception name")
  func shapes() throws {
    let text = """
      Traceback (most recent call last):
        File "/srv/ledger/walk.py", line 9, in <module>
          walk(0)
        File "/srv/ledger/walk.py", line 6, in walk
          return walk(depth + 1)
        [Previous line repeated 996 more times]
        File "/srv/ledger/rules.py", line 3
          print "total", total
          ^^^^^^^^^^^^^^^^^^^^
      SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?
      Traceback (most recent call last):
        File "/srv/ledger/main.py", line 4, in <module>
          time.sleep(60)
      KeyboardInterrupt
      """
    let report = decodeReport(text)
    #expect(report.stacks.count == 2)
    let first = try #require(report.stacks.first)
    #expect(first.frames.count == 3 && first.frames[0].symbol?.function == nil)
    #expect(first.frames[0].sourceLine == SourceLine(file: "/srv/ledger/rules.py", line: 3))
    #expect(report.stacks[1].label == "KeyboardInterrupt" && report.stacks[1].lines == LineRange(11, 14))
  }

  @Test("copied from a rendered page, its indentation lost: each frame's source line is still passed over")
  func flattened() throws {
    let text = """
      Traceback (most recent call last):
      File "/srv/ledger/main.py", line 12, in <module>
      main()
      File "/srv/ledger/ledger.py", line 3, in balance
      return account.total / account.count
      ~~~~~~~~~~~~~~^~~~~~~~~~~~~~~
      ZeroDivisionError: division by zero
      """
    let stack = try #require(decodeReport(text).stacks.first)
    #expect(stack.frames.map { $0.symbol?.function ?? "" } == ["balance", "<module>"])
    #expect(stack.label == "ZeroDivisionError: division by zero" && stack.lines == LineRange(1, 7))
  }

  @Test("quoted, fenced or in a log after its message: the same frames")
  func pasted() throws {
    let plain = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/python-chained.txt"), encoding: .utf8))
    let text = try String(contentsOfFile: Fixtures.path("pastes/python-chained.txt"), encoding: .utf8)
    let quoted = text.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n")
    let fenced = "```\n" + text + "```\n"
    for variant in [quoted, fenced] {
      let report = decodeReport(variant)
      #expect(report.stacks.map { $0.frames.map(\.symbol?.function) } == plain.stacks.map { $0.frames.map(\.symbol?.function) })
    }
  }

  @Test("two frames of one length are no hard wrap: the source lines under them stay lines of their own")
  func noWrapWidth() throws {
    let text = """
      Traceback (most recent call last):
        File "/srv/ledger/main.py", line 12, in <module>
          main()
        File "/srv/ledger/main.py", line 8, in main
          balance(account)
        File "/srv/ledger/ledger.py", line 3, in balance
          return account.total / account.count
      ZeroDivisionError: division by zero
      """
    let stack = try #require(decodeReport(text).stacks.first)
    #expect(stack.frames.map { $0.symbol?.function ?? "" } == ["balance", "main", "<module>"])
  }

  @Test("faulthandler and the traceback of one crash give the same frames, so one signature")
  func oneSignature() {
    let traceback = """
      Traceback (most recent call last):
        File "/srv/ledger/main.py", line 12, in <module>
          main()
        File "/srv/ledger/ledger/native.py", line 41, in balance
          return _ledger.balance(account)
      SystemError: error return without exception set
      """
    let faultHandler = """
      Fatal Python error: Segmentation fault

      Current thread 0x00007f2a94c1b740 (most recent call first):
        File "/srv/ledger/ledger/native.py", line 41 in balance
        File "/srv/ledger/main.py", line 12 in <module>
      """
    // Signatures are made of the crashed thread's frames: the same names, files and lines.
    func crashedFrames(_ text: String) -> [String] {
      let stack = decodeReport(text).stacks.first { $0.isCrashed }
      return (stack?.frames ?? []).map { "\($0.symbol?.module ?? "")!\($0.symbol?.function ?? "") \($0.sourceLine.map { "\($0.file):\($0.line)" } ?? "")" }
    }
    #expect(crashedFrames(traceback) == ["!balance /srv/ledger/ledger/native.py:41", "!<module> /srv/ledger/main.py:12"])
    #expect(crashedFrames(traceback) == crashedFrames(faultHandler))
  }

  @Test("not a traceback", arguments: [
    "Traceback (most recent call last):\nnothing\n", "  File \"x.py\", line 3, in f\nValueError: x\n",
    "The traceback (most recent call last): was lost\n",
  ])
  func notTraceback(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}

@Suite("Python exception groups")
struct PythonExceptionGroupTests {
  @Test("an exception group (3.11): the group and each sub-exception a thread, the first sub-exception crashed")
  func group() throws {
    let text = """
        + Exception Group Traceback (most recent call last):
        |   File "/srv/ledger/sync.py", line 30, in <module>
        |     asyncio.run(main())
        |   File "/srv/ledger/sync.py", line 25, in main
        |     async with asyncio.TaskGroup() as group:
        | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)
        +-+---------------- 1 ----------------
          | Traceback (most recent call last):
          |   File "/srv/ledger/sync.py", line 12, in fetch
          |     raise ConnectionError(host)
          | ConnectionError: ledger-a
          +---------------- 2 ----------------
          | Traceback (most recent call last):
          |   File "/srv/ledger/sync.py", line 18, in store
          |     total = rows / count
          | ZeroDivisionError: division by zero
          +------------------------------------
      """
    let report = decodeReport(text)
    #expect(report.stacks.map(\.label) == [
      "ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)", "ConnectionError: ledger-a",
      "ZeroDivisionError: division by zero",
    ])
    #expect(report.stacks.map(\.isCrashed) == [false, true, false])
    #expect(report.system.first { $0.key == "Python exception" }?.value.hasPrefix("ExceptionGroup:") == true)
    #expect(report.system.first { $0.key == "Python root cause" }?.value == "ConnectionError: ledger-a")
    #expect(report.stacks[0].frames.map { $0.symbol?.function ?? "" } == ["main", "<module>"])
  }
}

@Suite("IPython's and Jupyter's tracebacks")
struct IPythonTracebackTests {
  @Test("IPython 8.4's layout, chained: cells and files as frames, the arrow's line, the cause crashed")
  func chained() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/ipython-chained.txt"), encoding: .utf8))
    #expect(report.stacks.map(\.label) == ["KeyError: 'ACC-1042'", "LookupError: no account ACC-1042"])
    #expect(report.stacks.map(\.isCrashed) == [true, false])
    let outer = report.stacks[1]
    #expect(outer.frames.map { $0.symbol?.function ?? "" } == ["Store.load", "Ledger.load", "<module>"])
    #expect(
      outer.frames.map(\.sourceLine) == [
        SourceLine(file: "~/src/ledger/ledger/store.py", line: 90), SourceLine(file: "~/src/ledger/ledger/api.py", line: 31),
        SourceLine(file: "Cell In[5]", line: 1),
      ])
    #expect(outer.lines == LineRange(14, 28) && report.stacks[0].lines == LineRange(3, 10))
    #expect(report.system.first { $0.key == "Python root cause" }?.value == "KeyError: 'ACC-1042'")
  }

  @Test("IPython 7's layout: the frame's line from its arrow")
  func ipython7() {
    let report = decodeReport(
      """
      ---------------------------------------------------------------------------
      KeyError                                  Traceback (most recent call last)
      <ipython-input-4-1b2c3d4e5f60> in <module>
            1 import ledger
      ----> 2 ledger.balance("cash")

      ~/src/ledger/ledger/core.py in balance(account)
           10 def balance(account):
      ---> 11     return _accounts[account].total
           12 

      KeyError: 'cash'
      """)
    #expect(report.stacks.count == 1)
    #expect(report.stacks.first?.frames.map { $0.symbol?.function ?? "" } == ["balance", "<module>"])
    #expect(
      report.stacks.first?.frames.map(\.sourceLine) == [
        SourceLine(file: "~/src/ledger/ledger/core.py", line: 11), SourceLine(file: "<ipython-input-4-1b2c3d4e5f60>", line: 2),
      ])
    #expect(report.stacks.first?.label == "KeyError: 'cash'")
  }

  @Test("IPython 8.0's layout: `Input In [N], in <cell line: 1>()` is the cell's own code")
  func ipython80() {
    let report = decodeReport(
      """
      ZeroDivisionError                         Traceback (most recent call last)
      Input In [3], in <cell line: 1>()
      ----> 1 myfunc(2)

      Input In [2], in myfunc(z)
            1 def myfunc(z):
      ----> 2     ledgerlib.post(z-1)

      File ~/code/ledgerlib.py:3, in post(x)
            2 def post(x):
      ----> 3     return 1/(1-x)

      ZeroDivisionError: division by zero
      """)
    #expect(report.stacks.first?.frames.map { $0.symbol?.function ?? "" } == ["post", "myfunc", "<module>"])
    #expect(report.stacks.first?.frames.map { $0.sourceLine?.line ?? -1 } == [3, 2, 1])
  }

  @Test("a header padded to its rule's width is no hard wrap: the frame line after it stays a line")
  func headerIsNoWrap() {
    // Two headers of the rule's width, each followed by a frame line, once read as a text
    // wrapped at 75 columns.
    let report = decodeReport(
      """
      ---------------------------------------------------------------------------
      KeyError                                  Traceback (most recent call last)
      Cell In[1], line 2
      ----> 2 ledger.load(1)

      KeyError: 1

      During handling of the above exception, another exception occurred:

      ---------------------------------------------------------------------------
      ValueError                                Traceback (most recent call last)
      Cell In[1], line 4
      ----> 4 raise ValueError(2)

      ValueError: 2
      """)
    #expect(report.stacks.map(\.label) == ["KeyError: 1", "ValueError: 2"])
    #expect(report.stacks.map(\.isCrashed) == [false, true])
  }
}
