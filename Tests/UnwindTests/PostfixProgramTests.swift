//===--- PostfixProgramTests.swift - STACK WIN programs as Breakpad reads them -===//
//
// Some MSVC toolchains wrote frame-data programs with an assignment pressed
// against the next variable (`… + =$eip $T0 4 + ^ =$ebp $T0 ^ = …`, as in the
// symbolic 8.7.3 wheel's Windows fixture `crash.sym`); Breakpad's evaluator
// reads `=` and the rest, and the walk found that dump's frames only once this
// one did too.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Testing

@testable import Unwind

/// Words at fixed addresses.
struct WordMemory: StackMemory {
  var words: [UInt64: UInt32]
  func uint32(at address: UInt64) -> UInt32? { words[address] }
  func uint64(at address: UInt64) -> UInt64? {
    guard let low = words[address], let high = words[address + 4] else { return nil }
    return UInt64(high) << 32 | UInt64(low)
  }
}

@Suite("Postfix programs")
struct PostfixProgramTests {
  static let memory = WordMemory(words: [0x1000 + 204: 0x2000, 0x1000 + 208: 0x0040_2D97])
  static let variables: [String: UInt64] = ["$ebp": 0x1000, "$esp": 0x0F00, "$eip": 0x0040_2A3D]

  static func run(_ program: String) -> PostfixEvaluator? {
    var evaluator = PostfixEvaluator(variables: variables, memory: memory, wordSize: 4)
    return evaluator.run(program) ? evaluator : nil
  }

  @Test("An assignment pressed against the next variable reads as with a blank between")
  func gluedAssignment() throws {
    let spaced = try #require(Self.run("$T0 $ebp 204 + = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + ="))
    let glued = try #require(Self.run("$T0 $ebp 204 + =$eip $T0 4 + ^ =$ebp $T0 ^ = $esp $T0 8 + ="))
    #expect(glued.variables == spaced.variables)
    #expect(glued.assigned == spaced.assigned)
    #expect(glued.variables["$eip"] == 0x0040_2D97)
    #expect(glued.variables["$ebp"] == 0x2000)
    #expect(glued.variables["$esp"] == 0x1000 + 212)
  }

  @Test("What follows a pressed `=` must itself be a token: `==`, `=+` and a bare `=` at the start fail")
  func gluedAssignmentErrors() {
    #expect(Self.run("$T0 $ebp ==$eip") == nil)
    #expect(Self.run("$T0 $ebp 4 =+") == nil)
    #expect(Self.run("=$eip") == nil)
  }
}
