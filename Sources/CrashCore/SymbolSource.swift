//===--- SymbolSource.swift - What a symbol map says about an address -------===//
//
// A symbol source answers, for an address inside one module, which function
// holds it, where in the source it is, and which inlined calls lead there.
// Addresses given to a source are relative to the module's load address
// (Breakpad's and Windows' RVA; for ELF, the file address `nm` prints).
//
// Readers (Breakpad `.sym`, MSVC `.map`, ELF/DWARF) conform; the symbol store
// combines several for one module, and the first that answers wins.
//
//===----------------------------------------------------------------------===//

/// A map from module-relative addresses to functions, source lines and inlined calls.
/// Sources are shared between threads (one symbol store serves a whole batch), so a
/// source answers lookups without changing state.
public protocol SymbolSource: AnyObject, Sendable {
  /// Which file and format this source was read from.
  var origin: SymbolSourceOrigin { get }
  /// What is known about `relativeAddress`, or `nil` when the source has nothing for it.
  func lookup(_ relativeAddress: UInt64) -> SymbolLookup?
  /// Whether `lookup(relativeAddress)` would answer, decided without building the answer: a
  /// stack scan asks it of every word it considers. The default asks `lookup`.
  func covers(_ relativeAddress: UInt64) -> Bool
  /// This source's unwind records, when it has any: itself if it is an `UnwindInfoSource`
  /// (the default implementations below), so that no dynamic cast is needed, whose first use
  /// for each type costs a scan of every protocol conformance in the program.
  var unwindInfoSource: (any UnwindInfoSource)? { get }
  /// Every name the source has for a function starting at `relativeAddress` (an ELF file's
  /// aliases: glibc's `clone3` and `__clone3`), so a listing that printed another of them
  /// agrees with it. The default: none beyond what `lookup` answers.
  func names(startingAt relativeAddress: UInt64) -> [String]
  /// The tail calls between a call and the function it reached, from DWARF's call sites: when
  /// the call returning to `returnAddress` entered another function than the one starting at
  /// `calleeStart`, and chains of tail calls lead from that function to it, the addresses after
  /// the jumps they share, innermost first (all module-relative; gdb's tail-call frames). The
  /// default: none (the source records no call sites).
  func tailCallSites(returnAddress: UInt64, calleeStart: UInt64) -> [UInt64]
  /// The name of the function the call returning to `returnAddress` reaches, when it is none of
  /// this module's (a shared library's), from DWARF's call sites, as DWARF spells it (a C++
  /// linkage name mangled). The default: none.
  func externalCallee(returnAddress: UInt64) -> String?
  /// As `tailCallSites(returnAddress:calleeStart:)` for a call another module made of the
  /// function `name` (its `externalCallee`), which is this module's. The default: none.
  func tailCallSites(fromFunctionNamed name: String, calleeStart: UInt64) -> [UInt64]
}

extension SymbolSource {
  /// None: a source without aliases.
  public func names(startingAt relativeAddress: UInt64) -> [String] { [] }
  /// None: a source without call sites.
  public func tailCallSites(returnAddress: UInt64, calleeStart: UInt64) -> [UInt64] { [] }
  /// None: a source without call sites.
  public func externalCallee(returnAddress: UInt64) -> String? { nil }
  /// None: a source without call sites.
  public func tailCallSites(fromFunctionNamed name: String, calleeStart: UInt64) -> [UInt64] { [] }

  /// Whether `lookup(relativeAddress)` answers.
  public func covers(_ relativeAddress: UInt64) -> Bool { lookup(relativeAddress) != nil }

  /// None: a source that is not an `UnwindInfoSource`.
  public var unwindInfoSource: (any UnwindInfoSource)? { nil }
}

/// A symbol source that also knows how to unwind frames (Breakpad `STACK WIN`, `STACK CFI`).
public protocol UnwindInfoSource: SymbolSource {
  /// The Windows frame data or FPO record covering a module-relative address.
  func windowsFrameInfo(at relativeAddress: UInt64) -> WindowsFrameInfo?
  /// The CFI rules in force at a module-relative address.
  func cfiRules(at relativeAddress: UInt64) -> CFIRules?
}

extension UnwindInfoSource {
  /// The source itself.
  public var unwindInfoSource: (any UnwindInfoSource)? { self }
}

/// Where a symbol source came from.
public struct SymbolSourceOrigin: Sendable, Hashable, CustomStringConvertible, Codable {
  /// The symbol file's format.
  public enum Format: String, Sendable, Hashable, Codable {
    /// A Breakpad text symbol file (`.sym`).
    case breakpad
    /// An MSVC linker map (`.map`).
    case linkerMap = "map"
    /// An ELF file's symbol tables and DWARF, read through libdw.
    case elf
    /// A PE image, PDB 7.0 file or a cabinet of either, turned into Breakpad records when loaded.
    case windows
  }

  /// The format.
  public var format: Format
  /// The file's path.
  public var path: String

  /// Creates an origin.
  public init(format: Format, path: String) {
    self.format = format
    self.path = path
  }

  /// `breakpad:/path/to/file.sym`.
  public var description: String { "\(format.rawValue):\(path)" }
}

/// One function in the answer: the function that holds the address, or one of the
/// calls inlined into it.
public struct SymbolizedFunction: Sendable, Hashable, Codable {
  /// The function's name as the symbol data gives it (decorated names kept); empty only
  /// in a `lineOnly` answer.
  public var name: String
  /// The source file of the position in this function, when known.
  public var file: String?
  /// The line: the address's own line for the innermost entry, the call site of the
  /// next-inner entry for the others. `nil` when unknown.
  public var line: Int?
  /// The column, when the symbol data has one (DWARF).
  public var column: Int?

  /// Creates one entry of an answer.
  public init(name: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
    self.name = name
    self.file = file
    self.line = line
    self.column = column
  }

  /// `file:line[:column]` when both file and line are known.
  public var sourceLine: SourceLine? {
    guard let file, let line else { return nil }
    return SourceLine(file: file, line: line, column: column)
  }
}

/// What a symbol source knows about one address.
public struct SymbolLookup: Sendable, Hashable, Codable {
  /// How precise the answer is.
  public enum Kind: String, Sendable, Hashable, Codable {
    /// A function record with a start and a size (Breakpad `FUNC`, DWARF subprogram,
    /// ELF `STT_FUNC` with a size).
    case function
    /// The nearest public or exported symbol at or below the address; its extent is
    /// not known (Breakpad `PUBLIC`, a linker-map public, an ELF symbol without size).
    case publicSymbol = "public"
    /// Only a line-table row covers the address (alignment padding between functions):
    /// the single entry has an empty name and the row's position.
    case lineOnly = "line"
  }

  /// Innermost first: inlined calls, then the function that holds the address.
  public var frames: [SymbolizedFunction]
  /// Start of the outermost function, module-relative.
  public var functionStart: UInt64
  /// Size of the outermost function in bytes, when the source records it.
  public var functionSize: UInt64?
  /// Bytes of stack parameters the function pops (`FUNC`/`PUBLIC` parameter size).
  public var parameterSize: UInt64?
  /// Start of the line-table entry that holds the address, module-relative, when known
  /// (Breakpad prints offsets from it: `[test_app.cc : 58 + 0x3]`).
  public var lineStart: UInt64?
  /// How precise the answer is.
  public var kind: Kind
  /// Which source answered.
  public var origin: SymbolSourceOrigin

  /// Creates an answer.
  public init(
    frames: [SymbolizedFunction], functionStart: UInt64, functionSize: UInt64? = nil,
    parameterSize: UInt64? = nil, lineStart: UInt64? = nil, kind: Kind, origin: SymbolSourceOrigin
  ) {
    self.frames = frames
    self.functionStart = functionStart
    self.functionSize = functionSize
    self.parameterSize = parameterSize
    self.lineStart = lineStart
    self.kind = kind
    self.origin = origin
  }

  /// The function that holds the address (the outermost entry).
  public var function: SymbolizedFunction { frames[frames.count - 1] }

  /// The innermost source position, when known.
  public var sourceLine: SourceLine? { frames.first?.sourceLine }

  /// Calls inlined at the address, innermost first (empty when none).
  public var inlinedFrames: ArraySlice<SymbolizedFunction> { frames.dropLast() }
}
