//===--- FrameResolution.swift - What the symbol maps say about a frame -----===//
//
// A frame keeps what the listing printed (`StackFrame.symbol`) apart from what
// symbolication found (`StackFrame.resolution`), so a disagreement between the
// two stays visible: it means the wrong map or a different build.
//
//===----------------------------------------------------------------------===//

/// The symbol-map answer for one frame.
public struct FrameResolution: Sendable, Hashable, Codable {
  /// How the answer relates to what the listing printed.
  public enum Agreement: String, Sendable, Hashable, Codable {
    /// The listing printed no function; the map supplied it.
    case supplied
    /// The listing printed the same function and offset.
    case confirmed
    /// The listing printed a different function or offset: wrong map or wrong build.
    case mismatch
  }

  /// The module the answer is for (as the report names it).
  public var module: String
  /// The function that holds the address, then inlined calls, innermost first.
  public var lookup: SymbolLookup
  /// Absolute start of the function (module base + the map's start).
  public var functionAddress: Address
  /// Bytes from the function start to the address the frame displays (the instruction
  /// pointer for frame 0, the return address for callers: what debuggers print as `+0x…`).
  public var offset: UInt64
  /// How the answer relates to the printed symbol.
  public var agreement: Agreement
  /// The functions that reached this frame's function by tail calls, innermost first: they
  /// sit between this frame and its caller, as gdb's tail-call frames do (DWARF call sites).
  public var tailCallers: [TailCallFrame] = []

  /// Creates a resolution.
  public init(module: String, lookup: SymbolLookup, functionAddress: Address, offset: UInt64, agreement: Agreement) {
    self.module = module
    self.lookup = lookup
    self.functionAddress = functionAddress
    self.offset = offset
    self.agreement = agreement
  }

  private enum CodingKeys: String, CodingKey {
    case module, lookup, functionAddress, offset, agreement, tailCallers
  }

  /// Decodes a resolution; one encoded before tail calls were kept has none.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    module = try container.decode(String.self, forKey: .module)
    lookup = try container.decode(SymbolLookup.self, forKey: .lookup)
    functionAddress = try container.decode(Address.self, forKey: .functionAddress)
    offset = try container.decode(UInt64.self, forKey: .offset)
    agreement = try container.decode(Agreement.self, forKey: .agreement)
    tailCallers = try container.decodeIfPresent([TailCallFrame].self, forKey: .tailCallers) ?? []
  }

  /// `module!function+0xoffset`, the way WinDbg prints it.
  public var displayText: String {
    let name = lookup.function.name.isEmpty ? "<unknown>" : lookup.function.name
    return "\(module)!\(name)+\(HexFormat.prefixed(offset))"
  }
}

/// Whether symbols were found for a module, and where.
public struct ModuleSymbols: Sendable, Hashable, Codable {
  /// The outcome for one module.
  public enum Status: String, Sendable, Hashable, Codable {
    /// A symbol file was found and used.
    case loaded
    /// No symbol file for this module in any store root.
    case missing
    /// A symbol file was found but is damaged past its error budget (still used).
    case corrupt
    /// Maps exist for this module, but none matches the build the input shows.
    case unknownBuild = "unknown-build"
  }

  /// The module name as the report uses it.
  public var module: String
  /// The outcome.
  public var status: Status
  /// The symbol file used, when one was.
  public var origin: SymbolSourceOrigin?
  /// Why, in one sentence (which evidence chose or ruled out the builds).
  public var detail: String?

  /// Creates a status.
  public init(module: String, status: Status, origin: SymbolSourceOrigin? = nil, detail: String? = nil) {
    self.module = module
    self.status = status
    self.origin = origin
    self.detail = detail
  }
}
