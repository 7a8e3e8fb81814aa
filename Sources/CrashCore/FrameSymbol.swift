//===--- FrameSymbol.swift - The code location a frame names ----------------===//
//
// The text a listing printed for a frame (`EMSMTA!otpmralt+0x25`,
// `advapi32!<No Symbol>`, `0x1021c7b0`, `Module(MSEIDRDA+000150B1)`), or what a
// symbol map resolved, split into its parts.
//
//===----------------------------------------------------------------------===//

/// A code location: module, function and offset, each part optional.
public struct FrameSymbol: Sendable, Hashable {
  /// The module name as printed (`EMSMTA`, `ntdll`), or `nil` when none was given.
  public var module: String?
  /// The function name (decorated C++ names kept as printed), or `nil` when the
  /// listing had none (`<nosymbols>`, `<No Symbol>`, a bare address).
  public var function: String?
  /// Bytes from the start of `function` (the `+0x25`), when given.
  public var offset: UInt64?
  /// An address printed in place of a name (`0x1021c7b0`, `store!0x0000000000439929`).
  public var address: Address?
  /// Bytes from the start of `module` (SQL Server's `Module(MSEIDRDA+000150B1)`,
  /// Windows 3.1's `1:00a3` segment form is kept in `function`).
  public var moduleOffset: UInt64?
  /// The module's load address, when the listing printed it (blue-screen `Dll Base`).
  public var moduleBase: Address?
  /// Whether the listing said explicitly that no symbol was available.
  public var isUnresolved: Bool
  /// The text as the listing printed it (normalised), when it came from a listing.
  public var printedText: String?

  /// Creates a code location from its parts.
  @inlinable
  public init(
    module: String? = nil, function: String? = nil, offset: UInt64? = nil,
    address: Address? = nil, moduleOffset: UInt64? = nil, moduleBase: Address? = nil,
    isUnresolved: Bool = false, printedText: String? = nil
  ) {
    self.module = module
    self.function = function
    self.offset = offset
    self.address = address
    self.moduleOffset = moduleOffset
    self.moduleBase = moduleBase
    self.isUnresolved = isUnresolved
    self.printedText = printedText
  }

  /// The location in the WinDbg form: `module!function+0xoffset`, `module!<no symbol>`,
  /// `0xADDR`, `module+0xoffset`.
  public var displayText: String {
    var text = ""
    if let module { text += module }
    if let function {
      if module != nil { text += "!" }
      text += function
      if let offset { text += "+" + HexFormat.prefixed(offset) }
    } else if let address {
      if module != nil { text += "!" }
      text += address.description
      if let offset { text += "+" + HexFormat.prefixed(offset) }
    } else if let moduleOffset {
      text += "+" + HexFormat.prefixed(moduleOffset)
    } else if isUnresolved {
      text += module != nil ? "!<no symbol>" : "<no symbol>"
    }
    return text
  }
}
