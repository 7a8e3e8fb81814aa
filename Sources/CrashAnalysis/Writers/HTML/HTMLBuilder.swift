//===--- HTMLBuilder.swift - The one way markup is written -------------------===//
//
// Every element and attribute of the triage page is written through this
// builder. Element and attribute names are enum cases, so none can come from
// an input; every attribute value and every text node goes through
// `HTMLText.escape`, so nothing taken from an input (a path, a signature, a
// plugin id read by `analyse merge` from another machine) can close a quote or
// open a tag. The only text written unescaped is the page's own style sheet, a
// constant. There is no other way to put markup on the page.
//
//===----------------------------------------------------------------------===//

/// The elements the page is made of.
enum HTMLElement: String, CaseIterable {
  case html, head, meta, title, style, body, header, footer, nav, section
  case h1, h2, p, strong, span, a, br, pre, details, summary
  case table, thead, tbody, tr, th, td
  case svg, text, rect

  /// Elements without content or end tag (`<br>`); SVG's `<rect/>` closes itself.
  var isVoid: Bool { self == .meta || self == .br }
  /// SVG elements without content, written `<rect …/>`.
  var selfCloses: Bool { self == .rect }
}

/// The attributes the page uses.
enum HTMLAttribute: String, CaseIterable {
  case lang, charset, name, content, id, `class`, href, colspan
  case xmlns, viewBox, width, height, role, x, y
  case ariaLabelledBy = "aria-labelledby"
  case textAnchor = "text-anchor"
}

/// Builds an HTML document: names from the enums above, values escaped.
struct HTMLBuilder {
  /// The markup written so far.
  private(set) var markup = ""

  /// An empty document.
  init() {}

  /// `<!DOCTYPE html>` and a line break.
  mutating func doctype() { markup += "<!DOCTYPE html>\n" }

  /// A start tag with its attributes (values escaped); attributes with a nil value are left out.
  mutating func start(_ element: HTMLElement, _ attributes: [(HTMLAttribute, String?)] = []) {
    markup += "<"
    markup += element.rawValue
    for (attribute, value) in attributes {
      guard let value else { continue }
      markup += " "
      markup += attribute.rawValue
      markup += "=\""
      markup += HTMLText.escape(value)
      markup += "\""
    }
    markup += element.selfCloses ? "/>" : ">"
  }

  /// The end tag of `element`.
  mutating func end(_ element: HTMLElement) {
    precondition(!element.isVoid && !element.selfCloses, "<\(element.rawValue)> has no end tag")
    markup += "</"
    markup += element.rawValue
    markup += ">"
  }

  /// A text node, escaped.
  mutating func text(_ text: String) { markup += HTMLText.escape(text) }

  /// A line break in the source (not on the page).
  mutating func newline() { markup += "\n" }

  /// `<element …>text</element>`.
  mutating func element(_ element: HTMLElement, _ attributes: [(HTMLAttribute, String?)] = [], text: String) {
    start(element, attributes)
    self.text(text)
    end(element)
  }

  /// `<element …>`, the content `body` writes, `</element>`.
  mutating func element(
    _ element: HTMLElement, _ attributes: [(HTMLAttribute, String?)] = [], _ body: (inout HTMLBuilder) -> Void
  ) {
    start(element, attributes)
    body(&self)
    end(element)
  }

  /// A void element (`<meta …>`, `<br>`) or a self-closing SVG one (`<rect …/>`).
  mutating func empty(_ element: HTMLElement, _ attributes: [(HTMLAttribute, String?)] = []) {
    precondition(element.isVoid || element.selfCloses, "<\(element.rawValue)> needs content")
    start(element, attributes)
  }

  /// The page's style sheet: a constant of this module, the one text written unescaped.
  mutating func styleSheet(_ css: StaticString) {
    start(.style)
    newline()
    markup += css.description
    end(.style)
    newline()
  }

  /// Takes the markup out, leaving the builder empty (for writing a page in pieces).
  mutating func take() -> String {
    defer { markup = "" }
    return markup
  }
}
