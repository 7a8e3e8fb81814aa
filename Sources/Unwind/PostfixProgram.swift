//===--- PostfixProgram.swift - Breakpad's postfix unwind expressions -------===//
//
// The language of `STACK WIN` program strings and `STACK CFI` rules
// (google/breakpad docs/symbol_files.md; PDB frame-data programs):
//   tokens are separated by blanks; `$eip`, `$T0`, `.cbLocals`, `.raSearchStart`
//   are variables; numbers are decimal (or 0x hex); `+ - * / %` are binary
//   operators; `@` aligns (a @ b = a rounded down to a multiple of b); `^`
//   reads a word of memory; `=` assigns the value to the variable below it.
// Evaluation is bounded (token and stack counts) and never traps: division by
// zero, a read outside captured memory, an unknown variable or a malformed
// program make the whole evaluation fail.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Evaluates postfix unwind programs over a set of variables.
struct PostfixEvaluator {
  /// Variables and their values (`$eip`, `.cfa`, `$T0` …).
  var variables: [String: UInt64]
  /// Which variables the program assigned.
  private(set) var assigned: Set<String> = []
  /// Memory for `^`.
  let memory: any StackMemory
  /// 4 for 32-bit programs, 8 for 64-bit.
  let wordSize: Int

  private static let maximumTokens = 1_000
  private static let maximumDepth = 64

  init(variables: [String: UInt64], memory: any StackMemory, wordSize: Int) {
    self.variables = variables
    self.memory = memory
    self.wordSize = wordSize
  }

  private enum Item {
    case value(UInt64)
    case name(String)
  }

  /// Runs a program of assignments (`$T0 $ebp = $eip $T0 4 + ^ =`); false on any error.
  mutating func run(_ program: String) -> Bool {
    let tokens = program.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
    guard tokens.count <= Self.maximumTokens else { return false }
    var stack: [Item] = []
    for token in tokens {
      guard stack.count <= Self.maximumDepth else { return false }
      // Some MSVC toolchains wrote an assignment against the next variable, without a blank
      // (`$T0 $ebp 204 + =$eip $T0 4 + ^ =$ebp $T0 ^ =`): Breakpad reads that as `=` and
      // the rest, and so does this.
      if token.count > 1, token.first == "=" {
        guard step("=", &stack), step(token.dropFirst(), &stack) else { return false }
      } else {
        guard step(token, &stack) else { return false }
      }
    }
    // A well-formed program leaves nothing behind.
    return stack.isEmpty
  }

  /// Applies one token of a program of assignments; false on any error.
  private mutating func step(_ token: Substring, _ stack: inout [Item]) -> Bool {
    switch token {
    case "+", "-", "*", "/", "%", "@":
      guard let right = pop(&stack), let left = pop(&stack), let result = apply(token, left, right) else {
        return false
      }
      stack.append(.value(result))
    case "^":
      guard let address = pop(&stack), let value = read(address) else { return false }
      stack.append(.value(value))
    case "=":
      guard let value = pop(&stack), case .name(let name)? = stack.popLast() else { return false }
      variables[name] = value
      assigned.insert(name)
    default:
      if let number = Self.number(token) {
        stack.append(.value(number))
      } else if token.first == "$" || token.first == "." {
        stack.append(.name(String(token)))
      } else {
        return false
      }
    }
    return true
  }

  /// Evaluates one expression (a CFI rule) to a value, or nil.
  mutating func evaluate(_ expression: Substring) -> UInt64? {
    let tokens = expression.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard tokens.count <= Self.maximumTokens else { return nil }
    var stack: [Item] = []
    for token in tokens {
      guard stack.count <= Self.maximumDepth else { return nil }
      switch token {
      case "+", "-", "*", "/", "%", "@":
        guard let right = pop(&stack), let left = pop(&stack), let result = apply(token, left, right) else {
          return nil
        }
        stack.append(.value(result))
      case "^":
        guard let address = pop(&stack), let value = read(address) else { return nil }
        stack.append(.value(value))
      default:
        if let number = Self.number(token) {
          stack.append(.value(number))
        } else {
          stack.append(.name(String(token)))
        }
      }
    }
    guard stack.count == 1, let value = pop(&stack) else { return nil }
    return value
  }

  private func pop(_ stack: inout [Item]) -> UInt64? {
    switch stack.popLast() {
    case .value(let value)?: return value
    case .name(let name)?: return variables[name]
    case nil: return nil
    }
  }

  private func apply(_ operation: Substring, _ left: UInt64, _ right: UInt64) -> UInt64? {
    let mask: UInt64 = wordSize == 4 ? 0xFFFF_FFFF : .max
    switch operation {
    case "+": return (left &+ right) & mask
    case "-": return (left &- right) & mask
    case "*": return (left &* right) & mask
    case "/": return right == 0 ? nil : left / right
    case "%": return right == 0 ? nil : left % right
    case "@":
      // Align down; the alignment must be a power of two.
      guard right != 0, right & (right - 1) == 0 else { return nil }
      return left & ~(right - 1)
    default: return nil
    }
  }

  private func read(_ address: UInt64) -> UInt64? {
    wordSize == 4 ? memory.uint32(at: address).map(UInt64.init) : memory.uint64(at: address)
  }

  /// A decimal, negative decimal (two's complement) or 0x-hex literal.
  static func number(_ token: Substring) -> UInt64? {
    if token.hasPrefix("0x") { return UInt64(token.dropFirst(2), radix: 16) }
    if token.hasPrefix("-"), token.count > 1, let magnitude = UInt64(token.dropFirst()) { return 0 &- magnitude }
    return UInt64(token)
  }
}
