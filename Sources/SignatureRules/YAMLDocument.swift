//===--- YAMLDocument.swift - One YAML document, composed with libyaml --------===//
//
// Rule files and frame catalogs are YAML. libyaml (the C parser PyYAML and
// Ruby's Psych are built on) reads the text into events; this composes them
// into nodes: text, lists and mappings, each with the line it starts on.
// Every scalar stays text, whatever its tag or form: the parsers read numbers
// and versions themselves, with their own messages.
//
// Until the fifteenth session this was Yams' `compose` with its basic
// resolver. Yams needs Foundation, and Foundation in the `analyse` binary cost
// every run 1.4 MiB and 52 MB of binary, although an installed `analyse` reads
// its rules compiled and parses no YAML at all (docs/performance.md, "Without
// Foundation"). libyaml is the parser Yams itself wraps, so files read the same.
//
// The text comes from strangers: an alias shares the node it names (it is not
// copied), nesting deeper than `maximumDepth` is refused, and the composition
// keeps its own stack rather than recursing.
//
//===----------------------------------------------------------------------===//

import CLibYAML

/// A node of a YAML document: text, a list or a mapping, with the line it starts on (from 1).
public struct YAMLNode: Sendable {
  /// What the node holds.
  public enum Content: Sendable {
    /// A scalar's text, as written (quotes and escapes undone).
    case scalar(String)
    /// A list's items, in order.
    case sequence([YAMLNode])
    /// A mapping's pairs, in file order (keys may repeat; the parsers report it).
    case mapping([(key: YAMLNode, value: YAMLNode)])
  }

  /// What the node holds.
  public var content: Content
  /// The line the node starts on, counted from 1.
  public var line: Int

  /// The scalar's text, or nil for a list or a mapping.
  public var string: String? {
    if case .scalar(let text) = content { return text }
    return nil
  }
}

/// Why a text is not one YAML document.
public enum YAMLDocumentError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The text holds no document.
  case empty
  /// libyaml could not be loaded (the loader's message).
  case libraryMissing(String)
  /// libyaml's message for the text, and the line it names (nil when unknown).
  case syntax(String, line: Int?)
  /// An alias names an anchor no earlier node defines.
  case undefinedAlias(String, line: Int)
  /// A second document follows the first.
  case secondDocument(line: Int)
  /// Lists and mappings nest deeper than `YAMLDocument.maximumDepth` at this line.
  case tooDeep(line: Int)

  /// The line the problem is on, when known.
  public var line: Int? {
    switch self {
    case .empty, .libraryMissing: nil
    case .syntax(_, let line): line
    case .undefinedAlias(_, let line), .secondDocument(let line), .tooDeep(let line): line
    }
  }

  /// The problem, without its line.
  public var description: String {
    switch self {
    case .empty: "the file is empty"
    case .libraryMissing(let reason): reason
    case .syntax(let problem, _): "not valid YAML: \(problem)"
    case .undefinedAlias(let name, _): "not valid YAML: found undefined alias '\(name)'"
    case .secondDocument: "not valid YAML: expected a single document in the stream, found another document"
    case .tooDeep: "lists and mappings nest deeper than \(YAMLDocument.maximumDepth) levels"
    }
  }
}

/// Reads one YAML document into nodes.
public enum YAMLDocument {
  /// The deepest nesting of lists and mappings accepted (rule files use four levels).
  public static let maximumDepth = 64

  /// The single document in `text`.
  public static func compose(_ text: String) -> Result<YAMLNode, YAMLDocumentError> {
    if let reason = clibyaml_load() { return .failure(.libraryMissing(String(cString: reason))) }
    var bytes = Array(text.utf8)
    if bytes.isEmpty { bytes = [0x0A] }  // libyaml wants a buffer; an empty stream is a newline
    return bytes.withUnsafeBufferPointer { input in
      guard let parser = clibyaml_parser_create(input.baseAddress, input.count) else {
        return .failure(.libraryMissing("libyaml could not start a parser (out of memory)"))
      }
      defer { clibyaml_parser_free(parser) }
      var composer = Composer()
      return composer.run(parser)
    }
  }
}

/// Builds nodes from parser events with an explicit stack of open lists and mappings.
private struct Composer {
  /// A list or mapping being read: its items so far, and the anchor it defines.
  private struct OpenCollection {
    var isMapping: Bool
    var line: Int
    var anchor: String?
    var items: [YAMLNode] = []
  }

  private var open: [OpenCollection] = []
  private var anchors: [String: YAMLNode] = [:]
  private var root: YAMLNode?
  private var documents = 0

  mutating func run(_ parser: OpaquePointer) -> Result<YAMLNode, YAMLDocumentError> {
    var event = clibyaml_event()
    var problem: UnsafePointer<CChar>?
    var problemLine = 0
    while true {
      guard clibyaml_next(parser, &event, &problem, &problemLine) != 0 else {
        let message = problem.map { String(cString: $0) } ?? "unknown error"
        return .failure(.syntax(message, line: problemLine > 0 ? problemLine : nil))
      }
      let line = Int(event.line)
      switch event.type {
      case YAML_STREAM_END_EVENT, YAML_NO_EVENT:
        guard let root else { return .failure(.empty) }
        return .success(root)
      case YAML_DOCUMENT_START_EVENT:
        documents += 1
        if documents > 1 { return .failure(.secondDocument(line: line)) }
      case YAML_SCALAR_EVENT:
        let value = String(decoding: UnsafeBufferPointer(start: event.text, count: event.length), as: UTF8.self)
        let node = YAMLNode(content: .scalar(value), line: line)
        if let anchor = Self.text(event.anchor) { anchors[anchor] = node }
        add(node)
      case YAML_ALIAS_EVENT:
        let name = Self.text(event.anchor) ?? ""
        guard let node = anchors[name] else { return .failure(.undefinedAlias(name, line: line)) }
        add(YAMLNode(content: node.content, line: line))
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        guard open.count < YAMLDocument.maximumDepth else { return .failure(.tooDeep(line: line)) }
        open.append(OpenCollection(isMapping: event.type == YAML_MAPPING_START_EVENT, line: line, anchor: Self.text(event.anchor)))
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        guard let finished = open.popLast() else { continue }
        let node: YAMLNode
        if finished.isMapping {
          var pairs: [(key: YAMLNode, value: YAMLNode)] = []
          pairs.reserveCapacity(finished.items.count / 2)
          var index = 0
          while index + 1 < finished.items.count {
            pairs.append((finished.items[index], finished.items[index + 1]))
            index += 2
          }
          node = YAMLNode(content: .mapping(pairs), line: finished.line)
        } else {
          node = YAMLNode(content: .sequence(finished.items), line: finished.line)
        }
        if let anchor = finished.anchor { anchors[anchor] = node }
        add(node)
      default:
        continue
      }
    }
  }

  /// Puts a finished node into the open collection, or makes it the document's root.
  private mutating func add(_ node: YAMLNode) {
    if open.isEmpty {
      root = node
    } else {
      open[open.count - 1].items.append(node)
    }
  }

  private static func text(_ pointer: UnsafePointer<UInt8>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: pointer)
  }
}
