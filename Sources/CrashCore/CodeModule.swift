//===--- CodeModule.swift - An executable image loaded in the process -------===//

// Optionals spelled `Optional<T>`: the initialiser then builds without a copy (see `StackFrame`).
/// An executable image (EXE, DLL, driver) loaded in the crashed process or system.
public struct CodeModule: Sendable, Hashable, Codable {
  /// The image's file name as recorded (`EMSMTA.EXE`, `ntdll.DBG`).
  public var name: String
  /// The full path as recorded, when one was given.
  public var path: Optional<String>
  /// The load address.
  public var base: Address
  /// The image size in bytes, when known.
  public var size: Optional<UInt64>
  /// The file version (`5.5.2654.22`), when known.
  public var version: Optional<String>
  /// The link timestamp (seconds since 1970), when known.
  public var timestamp: Optional<UInt32>
  /// The PE checksum, when known.
  public var checksum: Optional<UInt32>
  /// The debug file name (`emsmta.pdb`), when known.
  public var debugFile: Optional<String>
  /// The debug identifier as Breakpad prints it, when known.
  public var debugIdentifier: Optional<String>
  /// Where the module was listed in a text input.
  public var lines: Optional<LineRange>
  /// The GNU build id of an ELF module (lower-case hex), when known: what debuginfod
  /// servers and `.build-id` directories find its files by.
  public var buildID: Optional<String>

  /// Creates a module record.
  public init(
    name: String, path: String? = nil, base: Address, size: UInt64? = nil,
    version: String? = nil, timestamp: UInt32? = nil, checksum: UInt32? = nil,
    debugFile: String? = nil, debugIdentifier: String? = nil, lines: LineRange? = nil, buildID: String? = nil
  ) {
    self.name = name
    self.path = path
    self.base = base
    self.size = size
    self.version = version
    self.timestamp = timestamp
    self.checksum = checksum
    self.debugFile = debugFile
    self.debugIdentifier = debugIdentifier
    self.lines = lines
    self.buildID = buildID
  }

  /// The name frames print it by (`ModuleName.stem`): `EMSMTA` for `EMSMTA.EXE`, `ntdll` for
  /// `dll\ntdll.DBG`, `libc.so.6` for `/lib/x86_64-linux-gnu/libc.so.6`.
  public var stem: String { ModuleName.stem(name) }

  /// The image's file name without its directory (`ntdll.dll`): the last component of the
  /// path when one was recorded, else of the name.
  public var fileName: String {
    let whole = path ?? name
    return whole.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last.map(String.init) ?? whole
  }

  /// The id Microsoft's symbol stores file a Windows image under (its "code id"): the link
  /// time stamp as eight upper-case hex digits, then the image size in lower-case hex without
  /// leading zeros (`5902C871180000`, `printf("%08X%x")`), as Microsoft's symbol server protocol
  /// and Breakpad's processor spell it; nil unless both are known and non-zero.
  public var codeIdentifier: String? {
    guard let timestamp, timestamp != 0, let size, size > 0, size <= UInt64(UInt32.max) else { return nil }
    let stamp = String(timestamp, radix: 16, uppercase: true)
    return String(repeating: "0", count: 8 - stamp.utf8.count) + stamp + String(size, radix: 16, uppercase: false)
  }

  /// The spellings stores file the image under: `codeIdentifier` as Microsoft spells it, then,
  /// when the size holds a letter, all upper case, as Mozilla's `dump_syms` writes `INFO
  /// CODE_ID` (and stores built from its output name directories). On a case-sensitive file
  /// system or server only one of them is found. Empty when there is no code id.
  public var codeIdentifierSpellings: [String] {
    guard let microsoft = codeIdentifier else { return [] }
    let upper = microsoft.uppercased()
    return upper == microsoft ? [microsoft] : [microsoft, upper]
  }

  /// The first address past the image, when the size is known and does not overflow.
  public var end: Address? { size.flatMap { base.adding($0) } }

  /// Whether `address` falls inside the image (false when the size is unknown).
  public func contains(_ address: Address) -> Bool {
    guard let end else { return false }
    return address >= base && address < end
  }
}
