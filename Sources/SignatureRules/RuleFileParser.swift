//===--- RuleFileParser.swift - Reading and checking a rule file -------------===//
//
// YAML composed into nodes that know their lines (YAMLDocument), so every
// complaint names the file and line:
//   Plugins/rules/Q282275.yaml:7: unknown key 'tpo' in 'match' (expected: module, top, …)
// Unknown keys, wrong types, missing required keys and impossible values are
// errors; a file with any error is not loaded.
//
//===----------------------------------------------------------------------===//

import Signatures

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
    func fail(_ node: YAMLNode?, _ message: String) { errors.append(RuleFileError(file: file, line: node?.line, message: message)) }

    let root: YAMLNode
    switch document(text, file: file) {
    case .success(let node): root = node
    case .failure(let problem): return .failure(problem)
    }
    guard let top = mapping(root, "the file", keys: topKeys, fail) else { return .failure(RuleFileErrors(errors: errors)) }

    func string(_ node: YAMLNode?, _ name: String, required: Bool = false) -> String? {
      guard let node else {
        if required { fail(root, "missing '\(name)'") }
        return nil
      }
      guard let text = node.string, !text.isEmpty else {
        fail(node, "'\(name)' must be a text value")
        return nil
      }
      return text
    }
    func integer(_ node: YAMLNode?, _ name: String, minimum: Int = 0) -> Int? {
      guard let node else { return nil }
      guard let text = node.string, let value = Self.number(text), value >= UInt64(minimum), value <= UInt64(Int.max) else {
        fail(node, "'\(name)' must be a whole number ≥ \(minimum)")
        return nil
      }
      return Int(value)
    }
    func version(_ node: YAMLNode?, _ name: String) -> [Int]? {
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
      if case .sequence(let items) = node.content {
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
    rule.idLine = top[key: "id"]?.line
    if let match = mapping(matchNode, "match", keys: matchKeys, fail) {
      let module = string(match[key: "module"], "module")
      if let text = string(match[key: "top"], "top") { rule.top = RuleFrame(text, defaultModule: module) }
      if let framesNode = match[key: "frames"], let frames = mapping(framesNode, "frames", keys: framesKeys, fail) {
        rule.within = integer(frames[key: "within"], "within", minimum: 1) ?? 10
        if case .sequence(let items)? = frames[key: "sequence"]?.content, !items.isEmpty {
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
        if case .sequence(let items) = node.content {
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
        if case .sequence(let items) = node.content {
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
        if case .sequence(let items) = filesNode.content {
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
  static func document(_ text: String, file: String) -> Result<YAMLNode, RuleFileErrors> {
    YAMLDocument.compose(text).mapError { problem in
      RuleFileErrors(errors: [RuleFileError(file: file, line: problem.line, message: problem.description)])
    }
  }

  /// The node as a mapping whose keys are all in `keys`; reports what is not.
  private static func mapping(_ node: YAMLNode, _ name: String, keys: [String], _ fail: (YAMLNode?, String) -> Void) -> KeyedMapping? {
    guard case .mapping(let nodes) = node.content else {
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
}

extension String {
  fileprivate func trimmingBlanks() -> String {
    var text = Substring(self)
    while let first = text.first, first == " " { text = text.dropFirst() }
    while let last = text.last, last == " " { text = text.dropLast() }
    return String(text)
  }
}
