//===--- HTMLStructure.swift - A strict structural reader for the triage page -===//
//
// Reads the page as the writer promises to write it: every element closed in
// order (void elements and SVG's `/>` excepted), attribute values quoted,
// every `&` an entity, no `<` in text. Collects the elements, ids, links and
// resource references so tests can check what a browser would load and where
// each link lands.
//
//===----------------------------------------------------------------------===//

/// What the reader found in a page.
public struct HTMLStructure {
  /// Elements by name, counted.
  public var elements: [String: Int] = [:]
  /// Attribute names, counted.
  public var attributes: [String: Int] = [:]
  /// Every token of every `class` attribute.
  public var classes: Set<String> = []
  /// Every `id` in document order.
  public var ids: [String] = []
  /// Every `href` value.
  public var links: [String] = []
  /// Every `src` attribute value (none are expected).
  public var sources: [String] = []
  /// Attributes of each `<details>` element, in order.
  public var details: [[String: String]] = []
  /// Problems, with the byte offset where each was found.
  public var errors: [String] = []

  /// The elements the triage page is written with (TriageHTMLWriter's HTMLElement).
  public static let pageElements: Set<String> = [
    "html", "head", "meta", "title", "style", "body", "header", "footer", "nav", "section", "h1", "h2", "p", "strong",
    "span", "a", "br", "pre", "details", "summary", "table", "thead", "tbody", "tr", "th", "td", "svg", "text", "rect",
  ]
  /// The attributes the triage page is written with.
  public static let pageAttributes: Set<String> = [
    "lang", "charset", "name", "content", "id", "class", "href", "colspan", "xmlns", "viewBox", "width", "height",
    "role", "x", "y", "aria-labelledby", "text-anchor",
  ]
  /// The class tokens the triage page uses.
  public static let pageClasses: Set<String> = [
    "empty", "chart", "label", "bar", "count", "legend", "tag", "confirmed", "likely", "possible", "ruled-out", "unknown",
    "failed", "crash", "path", "sig", "num", "date", "totals",
  ]

  /// What the page holds that the writer never writes: unknown elements, attributes or
  /// classes, links that leave the page. Empty for a page written as promised.
  public var foreignMarkup: [String] {
    var found: [String] = []
    found += elements.keys.filter { !Self.pageElements.contains($0) }.sorted().map { "element <\($0)>" }
    found += attributes.keys.filter { !Self.pageAttributes.contains($0) }.sorted().map { "attribute \($0)" }
    found += classes.filter { !Self.pageClasses.contains($0) }.sorted().map { "class \($0)" }
    found += links.filter { !$0.hasPrefix("#") }.map { "link \($0)" }
    return found
  }

  private static let voidElements: Set<String> = ["meta", "br", "link", "img", "input", "hr", "source", "wbr"]

  /// Reads `page`.
  public init(_ page: String) {
    let bytes = Array(page.utf8)
    var stack: [String] = []
    var index = 0
    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "&") {
        var end = index + 1
        while end < bytes.count, end - index < 12, bytes[end] != UInt8(ascii: ";") { end += 1 }
        let entity = end < bytes.count ? text(index + 1..<end) : ""
        let named = !entity.isEmpty && entity.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }
        let numeric = entity.hasPrefix("#") && entity.count > 1 && entity.dropFirst().allSatisfy(\.isNumber)
        if !(named || numeric) { errors.append("bare & at byte \(index)") }
        index += 1
        continue
      }
      guard byte == UInt8(ascii: "<") else {
        if byte == UInt8(ascii: ">") { errors.append("bare > at byte \(index)") }
        index += 1
        continue
      }
      guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else {
        errors.append("unterminated tag at byte \(index)")
        break
      }
      let tag = text(index + 1..<close)
      let start = index
      index = close + 1
      if tag.hasPrefix("!") {
        if !tag.uppercased().hasPrefix("!DOCTYPE HTML") { errors.append("unexpected declaration at byte \(start)") }
        continue
      }
      if tag.hasPrefix("/") {
        let name = String(tag.dropFirst()).lowercased()
        if stack.last == name { stack.removeLast() } else { errors.append("</\(name)> at byte \(start) closes <\(stack.last ?? "nothing")>") }
        continue
      }
      let selfClosing = tag.hasSuffix("/")
      let body = selfClosing ? String(tag.dropLast()) : tag
      let name = String(body.prefix { !$0.isWhitespace }).lowercased()
      guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber }) else {
        errors.append("bad tag name at byte \(start)")
        continue
      }
      elements[name, default: 0] += 1
      guard let attributes = Self.attributes(String(body.dropFirst(name.count))) else {
        errors.append("bad attributes in <\(name)> at byte \(start)")
        continue
      }
      for attribute in attributes.keys { self.attributes[attribute, default: 0] += 1 }
      if let classes = attributes["class"] { self.classes.formUnion(classes.split(separator: " ").map(String.init)) }
      if let id = attributes["id"] { ids.append(id) }
      if let href = attributes["href"] { links.append(href) }
      if let src = attributes["src"] { sources.append(src) }
      if name == "details" { details.append(attributes) }
      if name == "style" || name == "script" {
        let closing = Array("</\(name)>".utf8)
        var end = index
        while end + closing.count <= bytes.count, !bytes[end..<end + closing.count].elementsEqual(closing) { end += 1 }
        guard end + closing.count <= bytes.count else {
          errors.append("unterminated <\(name)> at byte \(start)")
          break
        }
        index = end + closing.count
        continue
      }
      if !selfClosing && !Self.voidElements.contains(name) { stack.append(name) }
    }
    if !stack.isEmpty { errors.append("unclosed at the end: \(stack.joined(separator: " > "))") }
  }

  /// `name="value"` pairs (values double-quoted), or nil when malformed.
  private static func attributes(_ text: String) -> [String: String]? {
    var result: [String: String] = [:]
    var rest = Substring(text)
    while true {
      rest = rest.drop { $0.isWhitespace }
      if rest.isEmpty { return result }
      let name = rest.prefix { $0 != "=" && !$0.isWhitespace }
      rest = rest.dropFirst(name.count)
      guard rest.first == "=" else {
        result[String(name)] = ""
        continue
      }
      rest = rest.dropFirst()
      guard rest.first == "\"" else { return nil }
      rest = rest.dropFirst()
      guard let end = rest.firstIndex(of: "\"") else { return nil }
      result[String(name)] = String(rest[..<end])
      rest = rest[rest.index(after: end)...]
    }
  }
}
