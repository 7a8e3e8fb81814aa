//===--- JoinedText.swift - [String].joined without generic metadata ---------===//
//
// The standard library's `joined(separator:)` on `[String]` is reached through a
// generic entry point (specialised inside, behind a check that asks the runtime
// for an associated type), and its first call in a process instantiates generic
// metadata by mangled name, which scans every protocol conformance in the
// program: 0.2 M instructions and a few hundred KiB of pages touched, in a run
// that otherwise needs no scan (docs/performance.md, "Without Foundation"). This
// concrete overload, seen by this package's modules only, is the one overload
// resolution picks for an Array of Strings there.
//
//===----------------------------------------------------------------------===//

extension Array where Element == String {
  /// The elements in order with `separator` between them, as the standard library joins them.
  package func joined(separator: String = "") -> String {
    var result = ""
    var first = true
    for element in self {
      if !first { result += separator }
      result += element
      first = false
    }
    return result
  }
}

extension ArraySlice where Element == String {
  /// The elements in order with `separator` between them (a slice such as `prefix(3)`).
  package func joined(separator: String = "") -> String { Array(self).joined(separator: separator) }
}
