//===--- DebugFileLocator.swift - Where a separate debug file may be --------===//
//
// The GDB conventions, which Debian's -dbgsym packages and `objcopy
// --only-keep-debug` follow:
//   by build id:   <root>/.build-id/<first two hex digits>/<the rest>.debug
//   by debuglink:  <dir of file>/<link>, <dir>/.debug/<link>, <root>/<dir>/<link>
// Names read from the file (the debuglink) are single path components: a link
// with a slash, `..`, or a NUL is ignored, so a hostile file cannot point the
// search outside these places.
//
//===----------------------------------------------------------------------===//

enum DebugFileLocator {
  /// Candidate paths, most specific first.
  static func candidates(for path: String, buildID: String?, debugLink: String?, roots: [String]) -> [String] {
    var result: [String] = []
    if let buildID, buildID.count > 2, buildID.allSatisfy(\.isHexDigit) {
      let head = buildID.prefix(2)
      let rest = buildID.dropFirst(2)
      for root in roots { result.append("\(root)/.build-id/\(head)/\(rest).debug") }
    }
    if let link = debugLink, isSafeComponent(link) {
      let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
      result.append("\(directory)/\(link)")
      result.append("\(directory)/.debug/\(link)")
      for root in roots { result.append("\(root)/\(directory.hasPrefix("/") ? String(directory.dropFirst()) : directory)/\(link)") }
    }
    return result
  }

  /// Whether `name` is one harmless path component.
  static func isSafeComponent(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.count <= 255 && name != "." && name != ".." && !name.contains("/")
      && !name.utf8.contains(0)
  }
}
