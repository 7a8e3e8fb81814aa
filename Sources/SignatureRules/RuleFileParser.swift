//===--- RuleFileParser.swift - Reading and checking a rule file -------------===//
//
// YAML through Yams' node API, so every complaint names the file and line:
//   Plugins/rules/Q282275.yaml:7: unknown key 'tpo' in 'match' (expected: module, top, …)
// Unknown keys, wrong types, missing required keys and impossible values are
// errors; a file with any error is not loaded.
//
//===----------------------------------------------------------------------===//

import Signatures
import Yams

/// A mistake in a rule file (file, line, reason).
public typealias RuleFileError = PluginLoadError

/// Every mistake found in one rule file.
public struct RuleFileErrors: Error, Sendable, Hashable, CustomStringConvertible {
  /// The mistakes, in file order.
  public var errors: [RuleFileError]
  /// One per line.
  public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Parses rule files.
public enum RuleFileParser {
  static let topKeys = ["id", "title", "product", "affects", "references", "match", "remedy"]
  static let matchKeys = ["module", "top", "frames", "exception", "events", "version", "parameter", "required"]
  static let framesKeys = ["within", "sequence"]
  static let eventKeys = ["id", "contains"]
  static let versionKeys = ["module", "affected_from", "fixed_in"]
  static let parameterKeys = ["frame", "index", "above", "below"]
  static let remedyKeys = ["summary", "fixed_in", "files"]

  /// The rule in `text` (named `file` in errors), or every mistake found.
  public static func parse(_ text: String, file: String) -> Result<SignatureRule, RuleFileErrors> {
    var errors: [RuleFileError] = []
    func fail(_ node: Node?, _ message: String) { errors.append(RuleFileError(file: file, line: node?.mark?.line, message: message)) }

    let root: Node
    switch document(text, file: file) {
    case .success(let node): root = node
    case .failure(let problem): return .failure(problem)
    }
    guard let top = mapping(root, "the file", keys: topKeys, fail) else { return .failure(RuleFileErrors(errors: errors)) }

    func string(_ node: Node?, _ name: String, required: Bool = false) -> String? {
      guard let node else {
        if required { fail(root, "missing '\(name)'") }
        return nil
      }
      guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
        fail(node, "'\(name)' must be a text value")
        return nil
      }
      return scalar.string
    }
    func integer(_ node: Node?, _ name: String, minimum: Int = 0) -> Int? {
      guard let node else { return nil }
      guard let text = node.string, let value = Self.number(text), value >= UInt64(minimum), value <= UInt64(Int.max) else {
        fail(node, "'\(name)' must be a whole number ≥ \(minimum)")
        return nil
      }
      return Int(value)
    }
    func version(_ node: Node?, _ name: String) -> [Int]? {
      guard let node else { return nil }
      guard let text = node.string, let parsed = Self.version(text) else {
        fail(node, "'\(name)' must be a version such as 5.5.2654.22")
        return nil
      }
      return parsed
    }

    let id = string(top[key: "id"], "id", required: true)
    let title = string(top[key: "title"], "title", required: true)
    if let id, !PluginIdentifier.isValid(id) {
      fail(top[key: "id"], "'id' may hold only 1 to \(PluginIdentifier.maximumLength) ASCII letters, digits, '-' and '_'")
    }
    var references: [String] = []
    if let node = top[key: "references"] {
      if case .sequence(let items) = node {
        for item in items { if let text = string(item, "references") { references.append(text) } }
      } else {
        fail(node, "'references' must be a list")
      }
    }

    guard let matchNode = top[key: "match"] else {
      fail(root, "missing 'match'")
      return .failure(RuleFileErrors(errors: errors))
    }
    var rule = SignatureRule(
      descriptor: PluginDescriptor(
        id: id ?? "?", title: title ?? "?", product: string(top[key: "product"], "product") ?? "",
        affectedVersions: string(top[key: "affects"], "affects") ?? "", references: references),
      file: file, top: nil, sequence: [], within: 10, exception: nil, events: [], version: nil, parameter: nil,
      remedy: nil)
    rule.idLine = top[key: "id"]?.mark?.line
    if let match = mapping(matchNode, "match", keys: matchKeys, fail) {
      let module = string(match[key: "module"], "module")
      if let text = string(match[key: "top"], "top") { rule.top = RuleFrame(text, defaultModule: module) }
      if let framesNode = match[key: "frames"], let frames = mapping(framesNode, "frames", keys: framesKeys, fail) {
        rule.within = integer(frames[key: "within"], "within", minimum: 1) ?? 10
        if case .sequence(let items)? = frames[key: "sequence"], !items.isEmpty {
          rule.sequence = items.compactMap { string($0, "sequence") }.map { RuleFrame($0, defaultModule: module) }
        } else {
          fail(frames[key: "sequence"] ?? framesNode, "'frames' needs a non-empty 'sequence' list")
        }
        if rule.sequence.count > rule.within { fail(framesNode, "'sequence' is longer than 'within'") }
      }
      if let node = match[key: "exception"] {
        if let text = node.string, let value = Self.number(text), value <= UInt64(UInt32.max) {
          rule.exception = UInt32(value)
        } else {
          fail(node, "'exception' must be a 32-bit code such as 0xc0000005")
        }
      }
      if let node = match[key: "events"] {
        if case .sequence(let items) = node {
          for item in items {
            guard let event = mapping(item, "an event", keys: eventKeys, fail) else { continue }
            guard let idNode = event[key: "id"], let value = integer(idNode, "id"), value <= Int(UInt32.max) else {
              fail(item, "each event needs an 'id'")
              continue
            }
            rule.events.append(RuleEvent(id: UInt32(value), contains: string(event[key: "contains"], "contains")))
          }
        } else {
          fail(node, "'events' must be a list")
        }
      }
      if let node = match[key: "version"], let range = mapping(node, "version", keys: versionKeys, fail) {
        let from = version(range[key: "affected_from"], "affected_from")
        let fixed = version(range[key: "fixed_in"], "fixed_in")
        if from == nil && fixed == nil { fail(node, "'version' needs 'affected_from' or 'fixed_in'") }
        rule.version = RuleVersion(
          module: string(range[key: "module"], "module") ?? module ?? "", affectedFrom: from, fixedIn: fixed)
        if rule.version?.module.isEmpty == true { fail(node, "'version' needs a 'module' (or match.module)") }
      }
      if let node = match[key: "parameter"], let test = mapping(node, "parameter", keys: parameterKeys, fail) {
        let above = test[key: "above"].flatMap { $0.string }.flatMap(Self.number)
        let below = test[key: "below"].flatMap { $0.string }.flatMap(Self.number)
        if above == nil && below == nil { fail(node, "'parameter' needs 'above' or 'below' (a number)") }
        rule.parameter = RuleParameter(
          frame: integer(test[key: "frame"], "frame") ?? 0, index: integer(test[key: "index"], "index") ?? 0, above: above,
          below: below)
      }
      if let node = match[key: "required"] {
        if case .sequence(let items) = node {
          for item in items {
            guard let text = item.string, let part = RulePart(rawValue: text) else {
              fail(item, "'required' lists parts of 'match': \(RulePart.allCases.map(\.rawValue).joined(separator: ", "))")
              continue
            }
            let stated =
              switch part {
              case .frames: !rule.sequence.isEmpty
              case .exception: rule.exception != nil
              case .events: !rule.events.isEmpty
              case .version: rule.version != nil
              case .parameter: rule.parameter != nil
              }
            if !stated { fail(item, "'\(text)' is required but 'match' does not state it") }
            rule.required.insert(part)
          }
        } else {
          fail(node, "'required' must be a list such as [frames, events]")
        }
      }
      if rule.top == nil && rule.sequence.isEmpty && rule.events.isEmpty {
        fail(matchNode, "'match' needs 'top', 'frames' or 'events'")
      }
    }
    if let node = top[key: "remedy"], let remedy = mapping(node, "remedy", keys: remedyKeys, fail) {
      var files: [RemedyFile] = []
      if let filesNode = remedy[key: "files"] {
        if case .sequence(let items) = filesNode {
          for item in items {
            guard let text = string(item, "files") else { continue }
            let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
            files.append(RemedyFile(parts[0], version: parts.count > 1 ? parts[1] : nil))
          }
        } else {
          fail(filesNode, "'files' must be a list")
        }
      }
      rule.remedy = Remedy(
        summary: string(remedy[key: "summary"], "summary", required: true) ?? "",
        fixedIn: string(remedy[key: "fixed_in"], "fixed_in"), files: files)
    }
    return errors.isEmpty ? .success(rule) : .failure(RuleFileErrors(errors: errors))
  }

  /// The YAML document in `text`, or why there is none (empty; not YAML, with its line).
  /// Shared by every YAML file the plugins read (rules, frame catalogs).
  static func document(_ text: String, file: String) -> Result<Node, RuleFileErrors> {
    do {
      // Yams' basic resolver: every scalar stays a string (numbers are read here), and no
      // regular expression is compiled for tag resolution (Foundation's, through ICU). UTF-8
      // named: Yams' default encoding reads the whole environment through Foundation on every
      // call (about 350,000 instructions a file).
      guard let composed = try Yams.compose(yaml: text, .basic, .default, .utf8) else {
        return .failure(RuleFileErrors(errors: [RuleFileError(file: file, line: nil, message: "the file is empty")]))
      }
      return .success(composed)
    } catch let error as YamlError {
      return .failure(
        RuleFileErrors(errors: [
          RuleFileError(file: file, line: Self.line(of: error), message: "not valid YAML: \(Self.problem(of: error))")
        ]))
    } catch {
      return .failure(RuleFileErrors(errors: [RuleFileError(file: file, line: nil, message: "not valid YAML: \(error)")]))
    }
  }

  /// The node as a mapping whose keys are all in `keys`; reports what is not.
  private static func mapping(_ node: Node, _ name: String, keys: [String], _ fail: (Node?, String) -> Void) -> KeyedMapping? {
    guard case .mapping(let nodes) = node else {
      fail(node, "\(name) must be a mapping of keys to values")
      return nil
    }
    let mapping = KeyedMapping(nodes)
    var seen = Set<String>()
    for (text, key) in zip(mapping.texts, mapping.keys) {
      guard let text else {
        fail(key, "keys must be text")
        continue
      }
      if !keys.contains(text) {
        fail(key, "unknown key '\(text)' in \(name) (expected: \(keys.joined(separator: ", ")))")
      }
      if !seen.insert(text).inserted { fail(key, "'\(text)' appears twice in \(name)") }
    }
    return mapping
  }

  /// A decimal or 0x-hexadecimal number.
  static func number(_ text: String) -> UInt64? {
    let trimmed = text.trimmingBlanks()
    if trimmed.lowercased().hasPrefix("0x") { return UInt64(trimmed.dropFirst(2), radix: 16) }
    return UInt64(trimmed)
  }

  /// `5.5.2654.22` → [5, 5, 2654, 22].
  static func version(_ text: String) -> [Int]? { VersionNumber.parse(text) }

  private static func line(of error: YamlError) -> Int? {
    switch error {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
    default: return nil
    }
  }

  private static func problem(of error: YamlError) -> String {
    switch error {
    case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
    default: return "\(error)"
    }
  }
}

extension String {
  fileprivate func trimmingBlanks() -> String {
    var text = Substring(self)
    while let first = text.first, first == " " { text = text.dropFirst() }
    while let last = text.last, last == " " { text = text.dropLast() }
    return String(text)
  }
}
