//===--- FrameSymbol.swift - The code location a frame names ----------------===//
//
// The text a listing printed for a frame (`EMSMTA!otpmralt+0x25`,
// `advapi32!<No Symbol>`, `0x1021c7b0`, `Module(MSEIDRDA+000150B1)`), or what a
// symbol map resolved, split into its parts.
//
//===----------------------------------------------------------------------===//

// Optionals spelled `Optional<T>`: the initialiser then builds without a copy (see `StackFrame`).
/// A code location: module, function and offset, each part optional.
///
/// Most listings print a location exactly as `module!function+0xoffset` (lower-case hex, no
/// leading zeros). The decoder then records that fact instead of a second copy of the text
/// (`markPrintedTextAsLocation`), and `printedText` renders it from the parts when read;
/// changing a part afterwards first stores the text as it was, so `printedText` always says
/// what the listing printed.
public struct FrameSymbol: Sendable, Hashable, Codable {
  /// The module name as printed (`EMSMTA`, `ntdll`), or `nil` when none was given.
  public var module: Optional<String> {
    didSet { keepPrintedText(module: oldValue, function: function, offset: offset) }
  }
  /// The function name (decorated C++ names kept as printed), or `nil` when the
  /// listing had none (`<nosymbols>`, `<No Symbol>`, a bare address).
  public var function: Optional<String> {
    didSet { keepPrintedText(module: module, function: oldValue, offset: offset) }
  }
  /// Bytes from the start of `function` (the `+0x25`), when given.
  public var offset: Optional<UInt64> {
    didSet { keepPrintedText(module: module, function: function, offset: oldValue) }
  }
  /// An address printed in place of a name (`0x1021c7b0`, `store!0x0000000000439929`).
  public var address: Optional<Address>
  /// Bytes from the start of `module` (SQL Server's `Module(MSEIDRDA+000150B1)`,
  /// Windows 3.1's `1:00a3` segment form is kept in `function`).
  public var moduleOffset: Optional<UInt64>
  /// The module's load address, when the listing printed it (blue-screen `Dll Base`).
  public var moduleBase: Optional<Address>
  /// Whether the listing said explicitly that no symbol was available.
  public var isUnresolved: Bool
  /// The text as the listing printed it (normalised), when it came from a listing.
  public var printedText: String? {
    get {
      if let storedPrintedText { return storedPrintedText }
      return printedTextIsLocation ? Self.locationText(module: module, function: function, offset: offset) : nil
    }
    set {
      storedPrintedText = newValue
      printedTextIsLocation = false
    }
  }

  @usableFromInline var storedPrintedText: Optional<String>
  /// The listing printed exactly `locationText` of the parts.
  @usableFromInline var printedTextIsLocation = false

  /// Records that the listing printed exactly `module!function` or `module!function+0x…`
  /// (lower-case hex, no leading zeros), so the text need not be stored twice. For decoders
  /// of this package, which check the printed bytes before saying so.
  package mutating func markPrintedTextAsLocation() {
    storedPrintedText = nil
    printedTextIsLocation = true
  }

  /// Whether the printed text is exactly the parts' rendering (`markPrintedTextAsLocation`)
  /// and no other text is stored. For decoders of this package.
  package var printsAsLocation: Bool { printedTextIsLocation && storedPrintedText == nil }

  /// Puts in another offset, the printed text following it (it is the parts' rendering,
  /// `printsAsLocation`): for decoders of this package that reuse the parse of a text
  /// differing only in its offset digits.
  package mutating func replaceOffsetOfPrintedLocation(with newOffset: UInt64) {
    let printsAsLocation = printedTextIsLocation
    printedTextIsLocation = false
    offset = newOffset
    printedTextIsLocation = printsAsLocation
  }

  /// `module!function`, then `+0x` and the offset in lower-case hex when there is one.
  static func locationText(module: String?, function: String?, offset: UInt64?) -> String {
    var text = (module ?? "") + "!" + (function ?? "")
    if let offset { text += "+" + HexFormat.prefixed(offset) }
    return text
  }

  /// Before a part changes: a printed text that was the parts' rendering is stored as it was.
  private mutating func keepPrintedText(module: String?, function: String?, offset: UInt64?) {
    guard printedTextIsLocation else { return }
    storedPrintedText = Self.locationText(module: module, function: function, offset: offset)
    printedTextIsLocation = false
  }

  /// Equal when every part and the printed text are (however the text is held).
  public static func == (first: FrameSymbol, second: FrameSymbol) -> Bool {
    first.module == second.module && first.function == second.function && first.offset == second.offset
      && first.address == second.address && first.moduleOffset == second.moduleOffset
      && first.moduleBase == second.moduleBase && first.isUnresolved == second.isUnresolved
      && first.printedText == second.printedText
  }

  /// Hashes every part and the printed text.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(module)
    hasher.combine(function)
    hasher.combine(offset)
    hasher.combine(address)
    hasher.combine(moduleOffset)
    hasher.combine(moduleBase)
    hasher.combine(isUnresolved)
    hasher.combine(printedText)
  }

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
    self.storedPrintedText = printedText
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
