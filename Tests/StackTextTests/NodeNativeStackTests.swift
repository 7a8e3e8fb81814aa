//===--- NodeNativeStackTests.swift - Node.js's native stack on a fatal error ---===//
//
// The fixture (Tests/Fixtures/pastes/node-heap-oom.txt) is composed in the
// layout Node's src/node_errors.cc prints (the README says which parts); V8's
// failed check and a node assertion are inline.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Foundation
import StackText
import Testing

@Suite("Node.js native stacks")
struct NodeNativeStackTests {
  @Test("a heap exhausted: the reason, the rows with their files, unnamed rows as addresses in them")
  func heapOutOfMemory() throws {
    let report = decodeReport(try String(contentsOfFile: Fixtures.path("pastes/node-heap-oom.txt"), encoding: .utf8))
    let stack = try #require(report.stacks.first)
    #expect(report.stacks.count == 1 && stack.isCrashed && stack.format == .nodeNative)
    #expect(stack.frames.count == 7 && stack.frames.allSatisfy { $0.symbol?.module == "node" })
    #expect(stack.frames[0].symbol?.function == "node::Abort()" && stack.frames[0].instruction?.rawValue == 0xb7_b150)
    #expect(stack.frames[1].symbol?.function == nil && stack.frames[1].symbol?.address?.rawValue == 0xa8_c89a)
    #expect(report.system.first { $0.key == "Node fatal error" }?.value
      == "Reached heap limit Allocation failed - JavaScript heap out of memory")
  }

  @Test("V8's failed check (its `#` lines before the rows) and a node assertion, files by their paths")
  func checksAndAssertions() throws {
    let v8 = decodeReport(
      """
      #
      # Fatal error in , line 0
      # Check failed: args[0]->IsString().
      #
      #
      #
      #FailureMessage Object: 0x7ffc1c0a7d50
       1: 0xb7b150  [/usr/local/bin/node]
       2: 0x1a1c2d4 V8_Fatal(char const*, ...) [/usr/local/bin/node]
       3: 0x7f3e2a1b0d90  [/lib/x86_64-linux-gnu/libc.so.6]
      """)
    #expect(v8.stacks.first?.frames.map { $0.symbol?.module } == ["node", "node", "libc.so.6"])
    #expect(v8.system.first { $0.key == "Node fatal error" }?.value == "Check failed: args[0]->IsString().")
    let assertion = decodeReport(
      """
      node[48213]: ../src/node_file.cc:1597:void node::fs::MKDir(const v8::FunctionCallbackInfo<v8::Value>&): Assertion `(argc) == (5)' failed.
       1: 0xb7b150 node::Abort() [node]
       2: 0xb7b1ce node::Assert(node::AssertionInfo const&) [node]
      """)
    #expect(assertion.stacks.first?.frames.count == 2)
    #expect(assertion.system.first { $0.key == "Node fatal error" }?.value.hasSuffix("Assertion `(argc) == (5)' failed.") == true)
  }

  @Test("not Node's", arguments: [
    " 1: 0xb7b150 no file here\n", "FATAL ERROR: disk full\nplease retry\n", " 2: 0xb7b150 node::Abort() [node]\n",
  ])
  func notNode(_ text: String) {
    #expect(decodeReport(text).stacks.isEmpty)
  }
}
