//===--- TextColumns.swift - Left-aligned columns in listings ----------------===//

extension String {
  /// The text followed by spaces up to `width` characters; longer text is kept whole (a plugin
  /// id of 20 characters is printed in full, pushing its title along, never cut).
  func padded(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
