//===--- PathComponent.swift - Names from input, made safe for the store ----===//
//
// Module names and debug identifiers come from dumps and logs written by
// crashed machines and strangers. Before one becomes part of a path under a
// store root it must be a single, ordinary path component: no separators, no
// `.` or `..`, no NUL or control bytes, at most 255 bytes. A Windows path
// (`c:\winnt\system32\kernel32.dll`) is reduced to its last component first.
//
//===----------------------------------------------------------------------===//

/// Why a name from input was refused as a path component.
public enum PathComponentError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The name is empty after taking its last component.
  case empty
  /// `.` or `..`.
  case relativeReference(String)
  /// A NUL, a control byte or a separator left in the name.
  case forbiddenByte(name: String, byte: UInt8)
  /// Longer than 255 bytes.
  case tooLong(length: Int)

  /// One sentence with the offending value.
  public var description: String {
    switch self {
    case .empty: "empty module or file name"
    case .relativeReference(let name): "refused path component \"\(name)\""
    case .forbiddenByte(let name, let byte): "refused name \"\(name)\": byte 0x\(String(byte, radix: 16))"
    case .tooLong(let length): "refused name of \(length) bytes (limit 255)"
    }
  }
}

/// Validates names read from input before they are used under a store root.
public enum PathComponent {
  /// The last component of `name` (after `/` or `\`), checked.
  public static func validated(_ name: String) throws(PathComponentError) -> String {
    let bytes = Array(name.utf8)
    let start = bytes.lastIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }.map { $0 + 1 } ?? 0
    let component = Array(bytes[start...])
    guard !component.isEmpty else { throw .empty }
    guard component.count <= 255 else { throw .tooLong(length: component.count) }
    let text = String(decoding: component, as: UTF8.self)
    guard text != "." && text != ".." else { throw .relativeReference(text) }
    if let bad = component.first(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: ":") }) {
      throw .forbiddenByte(name: text, byte: bad)
    }
    return text
  }
}
