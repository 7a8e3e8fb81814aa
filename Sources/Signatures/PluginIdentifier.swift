//===--- PluginIdentifier.swift - What a plugin id may be --------------------===//
//
// A plugin's id names its known issue everywhere a finding goes: reports, JSON
// Lines that other machines read back (`analyse merge`), CSS classes and
// anchors of the triage page. One grammar for all of them: 1 to 64 ASCII
// letters, digits, `-` and `_`. Rule files are checked against it when loaded,
// `analyse merge` when it reads a line from another machine.
//
//===----------------------------------------------------------------------===//

/// The grammar of plugin ids (`Q276222`, `exchange-mta-Q154854`).
public enum PluginIdentifier {
  /// The longest id accepted.
  public static let maximumLength = 64

  /// Whether `id` is 1…64 ASCII letters, digits, `-` or `_`.
  public static func isValid(_ id: String) -> Bool {
    let bytes = id.utf8
    guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
    return bytes.allSatisfy { byte in
      (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2D || byte == 0x5F
    }
  }
}
