//===--- ELFSymbolFile.swift - Symbols of an ELF file through libdw ---------===//
//
// The one Swift wrapper around elfutils: every libelf and libdw handle lives in
// this module, owned by an ELFSymbolFile and released in its deinit. Addresses
// are file addresses (what `nm` prints; for a shared object or PIE, the runtime
// address minus the load address).
//
// Names are demangled (Demangling's SymbolDemangler: C++, Rust's legacy names, Swift's as its backtracer prints them). A lookup answers with the DWARF function that holds the address, the inlined
// calls down to it, and the line table's file:line:column — the answers of
// `llvm-symbolizer --inlining` and `eu-addr2line -f -i`. Where DWARF has no
// function, the ELF symbol table names it.
//
// Sendable: libdw is used while the file is opened and indexed, and afterwards
// only for call frames, under a lock; lookups read the Swift index built at
// opening (DWARFIndex, ELFSymbolTable), which never changes, so one file can
// answer many threads. The handles are released in deinit.
//
//===----------------------------------------------------------------------===//

import CLibDW
import CrashCore
import Demangling
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// An ELF file's symbol tables and DWARF, indexed for lookups.
public final class ELFSymbolFile: SymbolSource, @unchecked Sendable {
  /// Where the symbols came from (the file holding the DWARF, when it is a separate debug file).
  public let origin: SymbolSourceOrigin
  /// The file that was asked for.
  public let path: String
  /// The GNU build id, in lowercase hex, when the file has one.
  public let buildID: String?
  /// The separate debug file the DWARF was read from, when it came from one.
  public let debugFilePath: String?
  /// Whether DWARF was found (in the file or a separate debug file).
  public var hasDWARF: Bool { dwarf != nil }
  /// The address the image was linked to load at: its first loadable segment's address less
  /// its file offset. 0 for shared objects and position-independent executables; an
  /// executable's own (0x400000) otherwise. Lookups and the Breakpad file take and give
  /// addresses relative to it, as dump_syms writes them and a dump's module offsets are.
  public let loadAddress: UInt64

  private let descriptor: Int32
  /// The file asked for (ELFBreakpadWriter reads its sections and call frames).
  let elf: OpaquePointer
  private let debugDescriptor: Int32?
  /// The separate debug file, when the DWARF came from one.
  let debugElf: OpaquePointer?
  let dwarf: OpaquePointer?
  let index: DWARFIndex?
  let symbols: ELFSymbolTable
  /// The call frames walks read, found on first use and read through libdw under this lock
  /// (ELFSymbolFile+CallFrames.swift).
  let callFrameState = Mutex<CallFrameState>(.unresolved)

  /// Opens the ELF file at `path`. When it has no DWARF, a separate debug file is looked
  /// for by build id (`<root>/.build-id/xx/rest.debug`) and by `.gnu_debuglink`, under
  /// `debugRoots` and beside the file.
  public init(path: String, debugRoots: [String] = []) throws(ELFSymbolError) {
    self.path = path
    let opened = try Self.open(path)
    descriptor = opened.descriptor
    elf = opened.elf
    buildID = Self.buildID(of: elf)
    loadAddress = Self.loadAddress(of: elf)

    var dwarf = dwarf_begin_elf(elf, DWARF_C_READ, nil)
    var debugPath: String?
    var debugDescriptor: Int32?
    var debugElf: OpaquePointer?
    var symbolElf = elf
    if dwarf == nil {
      let link = Self.debugLink(of: elf)
      for candidate in DebugFileLocator.candidates(for: path, buildID: buildID, debugLink: link, roots: debugRoots) {
        guard let other = try? Self.open(candidate) else { continue }
        // A debug file found by name must carry the same build id.
        if let buildID, Self.buildID(of: other.elf) != buildID {
          elf_end(other.elf)
          Glibc.close(other.descriptor)
          continue
        }
        guard let found = dwarf_begin_elf(other.elf, DWARF_C_READ, nil) else {
          elf_end(other.elf)
          Glibc.close(other.descriptor)
          continue
        }
        dwarf = found
        debugPath = candidate
        debugDescriptor = other.descriptor
        debugElf = other.elf
        symbolElf = other.elf
        break
      }
    }
    self.dwarf = dwarf
    self.debugFilePath = debugPath
    self.debugDescriptor = debugDescriptor
    self.debugElf = debugElf
    index = dwarf.map { DWARFIndex(dwarf: $0) }
    // The debug file keeps .symtab when the stripped file has only .dynsym.
    var table = ELFSymbolTable(elf: symbolElf)
    if table.symbols.isEmpty && symbolElf != elf { table = ELFSymbolTable(elf: elf) }
    symbols = table
    origin = SymbolSourceOrigin(format: .elf, path: debugPath ?? path)
  }

  deinit {
    // The call-frame handle reads this file's sections: ended first (stored properties are
    // released only after this body, when the ELF handles are already gone).
    callFrameState.withLock { $0 = .absent }
    if let dwarf { dwarf_end(dwarf) }
    if let debugElf { elf_end(debugElf) }
    if let debugDescriptor { Glibc.close(debugDescriptor) }
    elf_end(elf)
    Glibc.close(descriptor)
  }

  /// The tail calls between the call returning to a module-relative `returnAddress` and the
  /// function starting at `calleeStart`, from DWARF's call sites (DWARFCallSites).
  public func tailCallSites(returnAddress: UInt64, calleeStart: UInt64) -> [UInt64] {
    guard let index, !index.callSites.isEmpty else { return [] }
    return index.callSites.tailCallSites(returnAddress: returnAddress &+ loadAddress, callee: calleeStart &+ loadAddress)
      .map { $0 &- loadAddress }
  }

  /// The name of the function the call returning to a module-relative `returnAddress` reaches,
  /// when it is none of this file's (a shared library's `pthread_join`), from DWARF's call
  /// sites, as DWARF spells it (a C++ linkage name mangled).
  public func externalCallee(returnAddress: UInt64) -> String? {
    index?.externalCallee(returnAddress: returnAddress &+ loadAddress)
  }

  /// The tail calls between a call of the function named `name` (another module's call site
  /// named it) and the function starting at `calleeStart`: the function found by its DWARF
  /// names, else by the symbol table's (an alias or a versioned name: `pthread_join@@GLIBC_2.34`).
  public func tailCallSites(fromFunctionNamed name: String, calleeStart: UInt64) -> [UInt64] {
    guard let index, !index.callSites.isEmpty, !name.isEmpty else { return [] }
    var firsts = index.entries(named: name)
    if firsts.isEmpty {
      // The symbol table's names are demangled.
      firsts = symbols.addresses(named: SymbolDemangler.readable(name), limit: DWARFCallSites.maximumCandidates)
    }
    return index.callSites.tailCallSites(from: firsts, callee: calleeStart &+ loadAddress).map { $0 &- loadAddress }
  }

  /// The symbol table's names for a function starting at a module-relative address (its
  /// aliases: `clone3` and `__clone3`, `__GI___nanosleep` and `nanosleep`).
  public func names(startingAt relativeAddress: UInt64) -> [String] {
    symbols.names(at: relativeAddress &+ loadAddress)
  }

  /// The function, inlined calls and source position at a module-relative address (the file
  /// address less `loadAddress`).
  public func lookup(_ relativeAddress: UInt64) -> SymbolLookup? {
    let address = relativeAddress &+ loadAddress
    let row = index?.row(at: address)
    var frames: [SymbolizedFunction] = []
    let start: UInt64
    var size: UInt64?
    var kind = SymbolLookup.Kind.function
    var position: (file: String?, line: Int?, column: Int?) = (nil, nil, nil)
    if let row, let index {
      position = (
        row.file >= 0 ? index.strings[Int(row.file)] : nil, row.line > 0 ? Int(row.line) : nil,
        row.column > 0 ? Int(row.column) : nil
      )
    }
    if let index, let range = index.function(at: address) {
      // Innermost first: the line row's position goes to the innermost call, and each
      // enclosing entry gets the call site recorded by the call inside it.
      for call in index.inlinedCalls(in: range.function, at: address).reversed() {
        frames.append(
          SymbolizedFunction(
            name: index.strings[Int(call.name)], file: position.file, line: position.line, column: position.column))
        position = (
          call.callFile >= 0 ? index.strings[Int(call.callFile)] : nil, call.callLine > 0 ? Int(call.callLine) : nil,
          call.callColumn > 0 ? Int(call.callColumn) : nil
        )
      }
      let function = index.functions[Int(range.function)]
      frames.append(
        SymbolizedFunction(
          name: index.strings[Int(function.name)], file: position.file, line: position.line, column: position.column))
      start = function.entry.map { $0 <= address ? $0 : range.low } ?? range.low
      size = range.high - range.low
    } else if let symbol = symbols.symbol(at: address) {
      // Without DWARF for the function, the symbol table's STT_FILE names the file (as llvm-symbolizer does).
      frames.append(
        SymbolizedFunction(
          name: symbol.name, file: position.file ?? symbol.file, line: position.line, column: position.column))
      start = symbol.address
      size = symbol.size > 0 ? symbol.size : nil
      kind = symbol.size > 0 ? .function : .publicSymbol
    } else if let row, position.line != nil {
      frames.append(SymbolizedFunction(name: "", file: position.file, line: position.line, column: position.column))
      start = row.address
      kind = .lineOnly
    } else {
      return nil
    }
    return SymbolLookup(
      frames: frames, functionStart: start &- loadAddress, functionSize: size, lineStart: row.map { $0.address &- loadAddress },
      kind: kind, origin: origin)
  }

  /// Whether `lookup(address)` answers, decided without building the answer (no names, no
  /// inlined calls): a function's range, a symbol, or a line row with a line.
  public func covers(_ relativeAddress: UInt64) -> Bool {
    let address = relativeAddress &+ loadAddress
    if let index, index.function(at: address) != nil { return true }
    if symbols.symbol(at: address) != nil { return true }
    if let row = index?.row(at: address), row.line > 0 { return true }
    return false
  }

  // MARK: - Opening

  /// Why elfutils cannot be used (it is opened on first use: CLibDW), or nil when it can;
  /// elf_version is called once it is open.
  private static let libraryProblem: (function: String, message: String)? = {
    if let failure = clibdw_load() { return ("dlopen", String(cString: failure)) }
    if elf_version(UInt32(EV_CURRENT)) == UInt32(EV_NONE) { return ("elf_version", libraryMessage()) }
    return nil
  }()

  private static func open(_ path: String) throws(ELFSymbolError) -> (descriptor: Int32, elf: OpaquePointer) {
    if let problem = libraryProblem {
      throw .library(path: path, function: problem.function, message: problem.message)
    }
    // O_NONBLOCK: a FIFO planted where a file was expected must not block the open.
    let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      Glibc.close(descriptor)
      throw .cannotOpen(path: path, reason: "not a regular file")
    }
    guard let elf = elf_begin(descriptor, ELF_C_READ_MMAP, nil) else {
      let message = libraryMessage()
      Glibc.close(descriptor)
      throw .library(path: path, function: "elf_begin", message: message)
    }
    guard elf_kind(elf) == ELF_K_ELF else {
      elf_end(elf)
      Glibc.close(descriptor)
      throw .notELF(path: path)
    }
    return (descriptor, elf)
  }

  private static func libraryMessage() -> String {
    elf_errmsg(-1).map { String(cString: $0) } ?? "unknown error"
  }

  /// The GNU build id (lower-case hex) of the ELF file at `path`; nil when it has none.
  public static func buildID(atPath path: String) throws(ELFSymbolError) -> String? {
    let (descriptor, elf) = try open(path)
    defer {
      elf_end(elf)
      Glibc.close(descriptor)
    }
    return buildID(of: elf)
  }

  /// The first loadable segment's address less its file offset (dump_syms' "loading
  /// address"): the segment that maps the file's start when there is one, else the lowest.
  static func loadAddress(of elf: OpaquePointer) -> UInt64 {
    var count = 0
    guard elf_getphdrnum(elf, &count) == 0, count > 0 else { return 0 }
    var lowest: UInt64?
    for index in 0..<min(count, 4096) {
      var header = GElf_Phdr()
      guard gelf_getphdr(elf, Int32(index), &header) != nil, header.p_type == UInt32(PT_LOAD) else { continue }
      if header.p_offset == 0 { return header.p_vaddr }
      let start = header.p_vaddr &- header.p_offset
      lowest = min(lowest ?? start, start)
    }
    return lowest ?? 0
  }

  private static func buildID(of elf: OpaquePointer) -> String? {
    var bytes: UnsafeRawPointer? = nil
    let count = dwelf_elf_gnu_build_id(elf, &bytes)
    guard count > 0, count <= 64, let bytes else { return nil }
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for index in 0..<count {
      let byte = bytes.load(fromByteOffset: index, as: UInt8.self)
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  private static func debugLink(of elf: OpaquePointer) -> String? {
    var crc: GElf_Word = 0
    return dwelf_elf_gnu_debuglink(elf, &crc).map { String(cString: $0) }
  }
}
