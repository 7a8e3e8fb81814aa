//===--- JoinedTextTests.swift - The package's [String].joined ----------------===//

import CrashCore
import Testing

@Suite("[String].joined within the package")
struct JoinedTextTests {
  /// The standard library's joining, reached through a generic context.
  static func standard<C: BidirectionalCollection>(_ strings: C, _ separator: String) -> String where C.Element == String {
    strings.joined(separator: separator)
  }

  @Test("the same text as the standard library's, separator or none, empty or not, any script")
  func sameText() {
    let cases: [[String]] = [[], [""], ["a"], ["a", "b"], ["", "", ""], ["EMSMTA!otpmralt", "otpurert", "é", "🧵"]]
    for strings in cases {
      for separator in ["", " | ", "\n", "→"] {
        #expect(strings.joined(separator: separator) == Self.standard(strings, separator))
      }
      #expect(strings.joined() == Self.standard(strings, ""))
      #expect(strings.dropFirst().joined(separator: ", ") == Self.standard(strings.dropFirst(), ", "))
    }
  }
}
