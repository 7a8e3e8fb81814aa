//===--- ScriptPath.swift - The path a stack trace names a script by ---------===//
//
// A frame names its script as Node or a browser loaded it:
// `/srv/app/dist/app.min.js`, `file:///C:/app/dist/app.min.js`,
// `https://cdn.example/js/app.min.js?v=3`, `webpack://app/./src/x.js`. What
// a map is looked up by is the path's last components (no scheme, host, query
// or fragment), taken only while each is an ordinary name: a `.` or `..`, or
// anything with a NUL, ends the path there, so no name from the input leads
// outside the directories searched.
//
//===----------------------------------------------------------------------===//

/// The components of a script's path a map is looked up by.
struct ScriptPath: Equatable {
  /// Ordinary path components, outermost first (at most `maximumDepth`).
  let components: [String]

  /// How many trailing components are tried.
  static let maximumDepth = 8

  init?(_ file: String) {
    var text = Substring(file)
    if let query = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<query] }
    if let scheme = text.firstRange(of: "://") {
      // The host (or empty host of file:///) is no directory of the script.
      let afterScheme = text[scheme.upperBound...]
      text = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? ""
    }
    var kept: [String] = []
    for part in text.split(whereSeparator: { $0 == "/" || $0 == "\\" }).reversed() {
      guard part != ".", part != "..", !part.contains("\0"), part.utf8.count <= 255 else { break }
      kept.append(String(part))
      if kept.count == Self.maximumDepth { break }
    }
    guard !kept.isEmpty else { return nil }
    components = kept.reversed()
  }

  /// The relative paths to try, the longest first: `dist/js/app.min.js`, `js/app.min.js`, `app.min.js`.
  var suffixes: [String] {
    (0..<components.count).map { components[$0...].joined(separator: "/") }
  }

  /// The script's file name.
  var fileName: String { components[components.count - 1] }
}
