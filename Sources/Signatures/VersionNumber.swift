//===--- VersionNumber.swift - Dotted file versions, compared --------------===//

/// Dotted version numbers (`5.5.2654.22`) as plugins compare them.
public enum VersionNumber {
  /// `5.5.2654.22` → [5, 5, 2654, 22]; nil unless one to four dot-separated numbers.
  public static func parse(_ text: String) -> [Int]? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { Int($0.filter { $0 != " " }) }
    guard !parts.isEmpty, parts.count <= 4, parts.allSatisfy({ $0 != nil }) else { return nil }
    return parts.compactMap { $0 }
  }

  /// Whether `version` comes before `other` (missing parts count as 0).
  public static func isBefore(_ version: [Int], _ other: [Int]) -> Bool {
    for index in 0..<max(version.count, other.count) {
      let left = index < version.count ? version[index] : 0
      let right = index < other.count ? other[index] : 0
      if left != right { return left < right }
    }
    return false
  }
}
