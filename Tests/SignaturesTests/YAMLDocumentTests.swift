//===--- YAMLDocumentTests.swift - Rule-file YAML through libyaml -------------===//

import SignatureRules
import Testing

@Suite("YAML documents (libyaml)")
struct YAMLDocumentTests {
  static func compose(_ text: String) -> Result<YAMLNode, YAMLDocumentError> { YAMLDocument.compose(text) }

  static func mapping(_ node: YAMLNode) -> [(key: YAMLNode, value: YAMLNode)] {
    if case .mapping(let pairs) = node.content { return pairs }
    Issue.record("not a mapping: \(node.content)")
    return []
  }

  @Test("mappings, lists and text with the lines they start on; every scalar stays text")
  func shapes() throws {
    let text = """
      id: Q1
      match:
        top: "EMSMTA!otpmralt"
        exception: 0xc0000005
        sequence:
          - 'it''s'
          - |
            two
            lines
      empty:
      yes: no

      """
    let root = try Self.compose(text).get()
    let pairs = Self.mapping(root)
    #expect(pairs.map { $0.key.string } == ["id", "match", "empty", "yes"])
    #expect(pairs.map(\.key.line) == [1, 2, 10, 11])
    #expect(pairs[2].value.string == "", "an empty value is empty text, not null")
    #expect(pairs[3].value.string == "no", "YAML 1.1's booleans stay text: the parsers read values themselves")
    let match = Self.mapping(pairs[1].value)
    #expect(match.map { $0.value.string } == ["EMSMTA!otpmralt", "0xc0000005", nil])
    guard case .sequence(let items) = match[2].value.content else {
      Issue.record("sequence is not a list")
      return
    }
    #expect(items.map(\.string) == ["it's", "two\nlines\n"])
    #expect(items.map(\.line) == [6, 7])
  }

  @Test("flow style and anchors: an alias is the node it names, at the alias's line")
  func aliases() throws {
    let root = try Self.compose("a: &frames [x, y]\nb: *frames\n").get()
    let pairs = Self.mapping(root)
    guard case .sequence(let named) = pairs[1].value.content else {
      Issue.record("the alias is not the list")
      return
    }
    #expect(named.map(\.string) == ["x", "y"])
    #expect(pairs[1].value.line == 2)
  }

  @Test("a billion laughs: aliases are shared, never copied")
  func billionLaughs() throws {
    var text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    var previous = "a"
    for level in 1...9 {
      let name = "l\(level)"
      text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
      previous = name
    }
    let root = try Self.compose(text).get()
    #expect(Self.mapping(root).count == 10)
  }

  @Test("mistakes name their line: syntax, an undefined alias, a second document, too deep, empty")
  func mistakes() {
    #expect(throws: YAMLDocumentError.self) { try Self.compose("id: [unclosed\n").get() }
    if case .failure(let error) = Self.compose("a: 1\nb: [unclosed\n") {
      #expect(error.line == 3, "libyaml reports the end of the stream, where the list should have closed")
      #expect(error.description.hasPrefix("not valid YAML: "))
    }
    #expect(throws: YAMLDocumentError.undefinedAlias("nowhere", line: 2)) { try Self.compose("a: 1\nb: *nowhere\n").get() }
    #expect(throws: YAMLDocumentError.secondDocument(line: 2)) { try Self.compose("a: 1\n---\nb: 2\n").get() }
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: YAMLDocumentError.tooDeep(line: 1)) { try Self.compose(deep).get() }
    #expect(throws: YAMLDocumentError.empty) { try Self.compose("").get() }
    #expect(throws: YAMLDocumentError.empty) { try Self.compose("# only a comment\n").get() }
  }

  @Test("nesting up to the limit is read")
  func nestingLimit() throws {
    let depth = YAMLDocument.maximumDepth
    let text = String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth)
    var node = try Self.compose(text).get()
    var levels = 0
    while case .sequence(let items) = node.content, let first = items.first {
      node = first
      levels += 1
    }
    #expect(levels == depth)
    #expect(node.string == "x")
  }
}
