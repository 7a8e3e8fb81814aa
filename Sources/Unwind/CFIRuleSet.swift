//===--- CFIRuleSet.swift - STACK CFI rules applied to a frame -------------===//
//
// `.cfa: $esp 4 + .ra: .cfa 4 - ^ $ebp: .cfa 8 - ^` — for each register, a
// postfix expression over the callee's registers; `.cfa` (the canonical frame
// address, the caller's stack pointer) is computed first and is visible to the
// other rules; `.ra` is the return address. Later delta rules replace earlier
// ones for the same register.
//
//===----------------------------------------------------------------------===//

import CrashCore

struct CFIRuleSet {
  /// Register name (`.cfa`, `.ra`, `$ebp`) → expression, in the order first seen.
  private(set) var rules: [(name: String, expression: Substring)] = []

  /// Parses the INIT rules and the deltas up to the address; nil when malformed.
  init?(_ ruleStrings: [String]) {
    for text in ruleStrings {
      var current: String?
      var start: Substring.Index?
      var pending: [(String, Substring)] = []
      for token in text.split(separator: " ", omittingEmptySubsequences: true) {
        if token.hasSuffix(":") {
          if let current, let start {
            pending.append((current, text[start..<token.startIndex]))
          }
          current = String(token.dropLast())
          start = token.endIndex
        }
      }
      guard let current, let start else { return nil }
      pending.append((current, text[start...]))
      for (name, expression) in pending {
        let trimmed = expression.drop(while: { $0 == " " })
        guard !trimmed.isEmpty else { return nil }
        if let existing = rules.firstIndex(where: { $0.name == name }) {
          rules[existing].expression = trimmed
        } else {
          rules.append((name, trimmed))
        }
      }
    }
    guard rules.contains(where: { $0.name == ".cfa" }), rules.contains(where: { $0.name == ".ra" }) else {
      return nil
    }
  }

  /// The caller's registers (by `$name`, plus `.cfa` and `.ra`) from the callee's, or nil.
  func callerRegisters(from callee: [String: UInt64], memory: any StackMemory, wordSize: Int) -> [String: UInt64]? {
    var evaluator = PostfixEvaluator(variables: callee, memory: memory, wordSize: wordSize)
    guard let cfaRule = rules.first(where: { $0.name == ".cfa" }),
      let cfa = evaluator.evaluate(cfaRule.expression)
    else { return nil }
    evaluator.variables[".cfa"] = cfa
    var caller: [String: UInt64] = [".cfa": cfa]
    for rule in rules where rule.name != ".cfa" {
      guard let value = evaluator.evaluate(rule.expression) else { return nil }
      caller[rule.name] = value
    }
    return caller
  }
}
