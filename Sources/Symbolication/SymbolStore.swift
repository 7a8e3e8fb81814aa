//===--- SymbolStore.swift - Symbol files under one or more roots -----------===//
//
// Layout (Breakpad's, shared by all formats):
//   <root>/<debug_file>/<DEBUG_ID>/<debug_file minus .pdb>.sym     Breakpad
//   <root>/<debug_file>/<DEBUG_ID>/<name>.map                      MSVC linker map
//   <root>/<debug_file>/<DEBUG_ID>/<debug_file>                    ELF with DWARF
//   <root>/.build-id/xx/<rest>.debug                               ELF by build id
//   <root>/<debug_file>                  an ELF file of that build id (a build's output)
//   <system root>/<module's path>        the file a core or dump names, under a system
//                                        root (`--sysroot /`: this machine's own files),
//                                        when its build id is the module's; its separate
//                                        debug file under <system root>/usr/lib/debug
// Dumps name a debug file and id: those are looked up directly, after the
// names are checked (PathComponent). Text listings name only a module: those
// go through a catalog of every file under the roots, read once on first use.
// Roots are searched in order; the first that has a file wins.
//
// One store serves every thread of a batch: each symbol file is loaded once
// (a second thread asking for it waits for the first one's load, never loads
// it again), kept in a cache bounded by the files' bytes, least recently used
// out first. Sources in use when evicted live on until their users let go.
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import CrashCore
import ELFSymbols
import MapFiles
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A loaded symbol source with what loading it reported.
public struct LoadedSymbols: Sendable {
  /// The source, ready for lookups.
  public var source: any SymbolSource
  /// Whether the file is damaged past its error budget.
  public var isCorrupt: Bool
  /// Problems found while loading it.
  public var diagnostics: [Diagnostic]
}

/// Finds and loads symbol files for modules; safe to share between threads.
public final class SymbolStore: Sendable {
  /// The directories searched, in order.
  public let roots: [String]
  /// Directories a module's recorded path is looked up under (gdb's sysroot: `/` for this
  /// machine's own files), a file taken only when its build id is the module's.
  public let systemRoots: [String]
  /// Catalog entries are read from at most this many files per root.
  public let maximumCatalogFiles: Int
  /// Symbol files larger than this are refused (with a diagnostic naming the file).
  public let maximumFileSize: Int
  /// Loaded symbol files are kept while their sizes add up to at most this many bytes.
  public let maximumCachedBytes: Int
  /// Where symbol files no root has come from (symbol servers), asked in order.
  public let fetchers: [any SymbolFileFetcher]

  private let state = Mutex(State())

  private struct State {
    var catalog: [StoreEntry]?
    /// Each root's `<debug_file>` directories by module key (listed once), and what was found
    /// under those of a key: lookups by name read only their module's directories.
    var debugFilesByKey: [String: [(root: String, debugFile: String)]]?
    var entriesByModule: [String: [StoreEntry]] = [:]
    /// The entries found for a debug file and id (a batch asks for the same few again and
    /// again); bounded, emptied when full.
    var entriesByID: [String: [StoreEntry]] = [:]
    var cache: [String: CacheSlot] = [:]
    var cachedBytes = 0
    var clock = 0
  }

  private struct CacheSlot {
    var load: PendingLoad
    var bytes: Int
    var lastUse: Int
  }

  /// One file's load: whoever locks it first loads, the others wait for the result.
  private final class PendingLoad: Sendable {
    let result = Mutex<Result<LoadedSymbols, SymbolLoadError>?>(nil)
  }

  /// A store over `roots` (directories that do not exist are skipped), the files modules name
  /// under `systemRoots` (checked by build id) and, for debug files none of them holds,
  /// `fetchers` (whose caches are searched like roots).
  public init(
    roots: [String], systemRoots: [String] = [], fetchers: [any SymbolFileFetcher] = [],
    maximumFileSize: Int = 4 << 30, maximumCachedBytes: Int = 2 << 30, maximumCatalogFiles: Int = 100_000
  ) {
    self.roots = roots
    self.systemRoots = systemRoots
    self.fetchers = fetchers
    self.maximumFileSize = maximumFileSize
    self.maximumCachedBytes = maximumCachedBytes
    self.maximumCatalogFiles = maximumCatalogFiles
  }

  // MARK: - Finding

  /// The Breakpad file for a debug file and identifier (as a minidump names them).
  public func entry(debugFile: String, debugIdentifier: String) throws(PathComponentError)
    -> StoreEntry?
  {
    try entries(debugFile: debugFile, debugIdentifier: debugIdentifier).first
  }

  /// Every symbol file for a debug file and identifier, across roots, in search order:
  /// per root the Breakpad file, then linker maps, then ELF files in that directory; then,
  /// for an ELF module whose GNU `buildID` is given, `.build-id/xx/rest.debug` under the
  /// roots; then the file at the module's recorded `modulePath` under the system roots, when
  /// its build id is `buildID`; then what the fetchers bring.
  /// Each directory is looked at once per store: a store is not expected to change while it
  /// serves (a batch).
  public func entries(debugFile: String, debugIdentifier: String, buildID: String? = nil, modulePath: String? = nil)
    throws(PathComponentError)
    -> [StoreEntry]
  {
    let file = try PathComponent.validated(debugFile)
    let identifier = try PathComponent.validated(debugIdentifier)
    let buildID = buildID.flatMap(Self.validatedBuildID)
    let key = file + "/" + identifier
    if let known = state.withLock({ $0.entriesByID[key] }) { return known }
    let found = findEntries(file: file, identifier: identifier, buildID: buildID, modulePath: modulePath)
    state.withLock { state in
      if state.entriesByID.count >= Self.maximumRememberedIDs {
        state.entriesByID.removeAll(keepingCapacity: true)
      }
      state.entriesByID[key] = found
    }
    return found
  }

  /// A GNU build id as sources index it: lower-case hex, 2 to 128 digits; nil otherwise.
  public static func validatedBuildID(_ text: String) -> String? {
    let digits = text.lowercased()
    let isHexDigit = { (byte: UInt8) in (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }
    guard digits.utf8.count > 2, digits.utf8.count <= 128, digits.utf8.allSatisfy(isHexDigit) else {
      return nil
    }
    return digits
  }

  /// Debug ids whose entries are remembered at once.
  static let maximumRememberedIDs = 4_096

  private func findEntries(file: String, identifier: String, buildID: String?, modulePath: String?) -> [StoreEntry] {
    var found = findLocalEntries(
      file: file, identifier: identifier, in: roots + fetchers.map(\.cacheRoot))
    if found.isEmpty, let buildID, let beside = entry(file: file, identifier: identifier, buildID: buildID) {
      found = [beside]
    }
    // The module's own file under a system root before its debug file alone: the image holds
    // the call frames (`.eh_frame`) a debug file keeps only as NOBITS, and finds that debug
    // file itself.
    if found.isEmpty, !systemRoots.isEmpty, let buildID, let modulePath,
      let system = SystemRootLookup.file(at: modulePath, under: systemRoots, buildID: buildID)
    {
      found = [
        StoreEntry(path: system, format: .elf, debugFile: file, debugIdentifier: identifier, moduleKey: StoreEntry.moduleKey(for: file))
      ]
    }
    if found.isEmpty, let buildID, let byBuildID = entry(buildID: buildID) {
      found = [
        StoreEntry(
          path: byBuildID.path, format: .elf, debugFile: file, debugIdentifier: identifier,
          moduleKey: StoreEntry.moduleKey(for: file))
      ]
    }
    // Nothing here: each fetcher in turn, until one brings something into its cache.
    for fetcher in fetchers where found.isEmpty {
      guard fetcher.fetch(debugFile: file, identifier: identifier, buildID: buildID) else {
        continue
      }
      found = findLocalEntries(file: file, identifier: identifier, in: [fetcher.cacheRoot])
    }
    return found
  }

  private func findLocalEntries(file: String, identifier: String, in roots: [String])
    -> [StoreEntry]
  {
    let stem = file.lowercased().hasSuffix(".pdb") ? String(file.dropLast(4)) : file
    var found: [StoreEntry] = []
    for root in roots {
      // A two-tier symstore (index2.txt at its root) puts NAME under its first two letters.
      let tier = Self.isRegularFile(root + "/index2.txt") ? "/" + String(file.prefix(2)) : ""
      let directory = "\(root)\(tier)/\(file)/\(identifier)"
      let breakpad = "\(directory)/\(stem).sym"
      if Self.isRegularFile(breakpad) {
        found.append(
          StoreEntry(
            path: breakpad, format: .breakpad, debugFile: file, debugIdentifier: identifier,
            moduleKey: StoreEntry.moduleKey(for: file)))
      }
      for other in StoreCatalog.scanDirectory(directory, debugFile: file, identifier: identifier)
      where other.path != breakpad {
        found.append(other)
      }
      if let pointed = pointedEntry(
        directory: directory, root: root, file: file, identifier: identifier)
      {
        found.append(pointed)
      }
    }
    return found
  }

  /// The file a symstore `file.ptr` in `directory` points at (`PATH:/abs/path`, or a path
  /// relative to the store's root without `..`), when it is a symbol file this reads.
  /// Pointers to shares (`\\server\share\…`) and `MSG:` lines name nothing here.
  private func pointedEntry(directory: String, root: String, file: String, identifier: String)
    -> StoreEntry?
  {
    let pointer = directory + "/file.ptr"
    guard Self.isRegularFile(pointer), let text = Self.firstLine(of: pointer, maximumBytes: 4096),
      text.uppercased().hasPrefix("PATH:")
    else { return nil }
    let target = String(
      text.dropFirst(5).drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }
        .reversed())
    guard !target.isEmpty, !target.hasPrefix("\\\\"), !target.contains("\0") else { return nil }
    let path: String
    if target.hasPrefix("/") {
      path = target
    } else {
      let parts = target.split(whereSeparator: { $0 == "/" || $0 == "\\" })
      guard !parts.contains(where: { $0 == ".." }) else { return nil }
      path = root + "/" + parts.joined(separator: "/")
    }
    guard Self.isRegularFile(path), let name = path.split(separator: "/").last else { return nil }
    return StoreCatalog.describe(
      path: path, file: String(name), debugFile: file, identifier: identifier)
  }

  private static func firstLine(of path: String, maximumBytes: Int) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: maximumBytes)
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, maximumBytes) }
    guard count > 0 else { return nil }
    let bytes = buffer.prefix(count).prefix { $0 != 0x0A && $0 != 0x0D }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// An ELF file named as the module in a root itself (`--symbols ./build` over a build's
  /// output, whose programs a core or dump names), taken only when its own build id is the
  /// one asked for. The name is a validated path component: it names a file in the root.
  private func entry(file: String, identifier: String, buildID: String) -> StoreEntry? {
    for root in roots {
      let path = root + "/" + file
      guard Self.isRegularFile(path), (try? ELFSymbolFile.buildID(atPath: path)) == buildID else { continue }
      return StoreEntry(
        path: path, format: .elf, debugFile: file, debugIdentifier: identifier, moduleKey: StoreEntry.moduleKey(for: file))
    }
    return nil
  }

  /// The ELF files for a module that records no build id (a program linked without
  /// `--build-id`, as upstream clang and rustc link by default): an ELF file without one named
  /// as the module in a root, then the module's recorded `modulePath` under the system roots.
  /// Nothing can check that such a file is the build that ran: callers say so.
  public func entries(unidentifiedModule name: String, modulePath: String? = nil) -> [StoreEntry] {
    guard let file = try? PathComponent.validated(name) else { return [] }
    let key = StoreEntry.moduleKey(for: file)
    for root in roots {
      let path = root + "/" + file
      guard Self.isRegularFile(path), SystemRootLookup.hasBuildID(path, nil) else { continue }
      return [StoreEntry(path: path, format: .elf, debugFile: file, debugIdentifier: "", moduleKey: key)]
    }
    if !systemRoots.isEmpty, let modulePath, let path = SystemRootLookup.file(at: modulePath, under: systemRoots, buildID: nil) {
      return [StoreEntry(path: path, format: .elf, debugFile: file, debugIdentifier: "", moduleKey: key)]
    }
    return []
  }

  /// The ELF file a process loaded from `processPath`, whatever its build (the path comes from
  /// a core that recorded no build id for it): under the system roots at that path, else the
  /// file of its name in a root (a build's output directory), else in a root's store layout
  /// (`NAME/ID/NAME`) when it holds one build of it: with several, nothing says which ran.
  /// Nothing outside the roots.
  public func imageFile(forProcessPath processPath: String) -> String? {
    if processPath.hasPrefix("/"), !systemRoots.isEmpty,
      let path = SystemRootLookup.file(at: processPath, under: systemRoots, buildID: nil, checkingBuildID: false)
    {
      return path
    }
    guard let name = processPath.split(separator: "/").last, let file = try? PathComponent.validated(String(name)) else {
      return nil
    }
    for root in roots where Self.isRegularFile(root + "/" + file) { return root + "/" + file }
    for root in roots {
      let builds = StoreCatalog.directoryNames(root + "/" + file).filter { Self.isRegularFile("\(root)/\(file)/\($0)/\(file)") }
      if builds.count == 1 { return "\(root)/\(file)/\(builds[0])/\(file)" }
    }
    return nil
  }

  /// The separate ELF debug file for a GNU build id: `<root>/.build-id/xx/rest.debug`, under
  /// the roots and the system roots' `usr/lib/debug`.
  public func entry(buildID: String) -> StoreEntry? {
    guard let digits = Self.validatedBuildID(buildID) else { return nil }
    for root in debugRoots {
      let path = "\(root)/.build-id/\(digits.prefix(2))/\(digits.dropFirst(2)).debug"
      if Self.isRegularFile(path) {
        return StoreEntry(
          path: path, format: .elf, debugFile: ".build-id", debugIdentifier: digits,
          moduleKey: digits)
      }
    }
    return nil
  }

  /// Every catalogued file for a module name as listings print it (`EMSMTA`, `kernel32.dll`).
  /// Only that module's `<debug_file>` directories are read (the roots' listings once), not
  /// every file of every store: a dump's module without symbols by id no longer opens them all.
  public func entries(forModule name: String) -> [StoreEntry] {
    let key = StoreEntry.moduleKey(for: name)
    return state.withLock { state in
      if let catalog = state.catalog { return catalog.filter { $0.moduleKey == key } }
      if let found = state.entriesByModule[key] { return found }
      if state.debugFilesByKey == nil {
        var byKey: [String: [(root: String, debugFile: String)]] = [:]
        for root in roots + fetchers.map(\.cacheRoot) {
          for debugFile in StoreCatalog.debugFiles(root) {
            byKey[StoreEntry.moduleKey(for: debugFile), default: []].append((root, debugFile))
          }
        }
        state.debugFilesByKey = byKey
      }
      // The same entries, in the same order, as the whole catalog filtered by key.
      var found: [StoreEntry] = []
      for (root, debugFile) in state.debugFilesByKey?[key] ?? [] where found.count < maximumCatalogFiles {
        StoreCatalog.scan(root: root, debugFile: debugFile, limit: maximumCatalogFiles, into: &found)
      }
      if state.entriesByModule.count >= 4_096 { state.entriesByModule.removeAll() }
      state.entriesByModule[key] = found
      return found
    }
  }

  /// Learned maps whose recorded image holds `address` (for frames printed without a module).
  public func learnedEntries(containing address: UInt64) -> [StoreEntry] {
    allEntries().filter { entry in
      guard let base = entry.loadAddress, let range = entry.addressRange, address >= base else {
        return false
      }
      return range.contains(address - base)
    }
  }

  /// The whole catalog, read on first use: the roots, then the fetchers' caches (what earlier
  /// runs fetched serves lookups by module name too).
  public func allEntries() -> [StoreEntry] {
    state.withLock { state in
      if let catalog = state.catalog { return catalog }
      var entries: [StoreEntry] = []
      for root in roots + fetchers.map(\.cacheRoot) {
        entries += StoreCatalog.scan(root: root, limit: maximumCatalogFiles)
      }
      state.catalog = entries
      return entries
    }
  }

  // MARK: - Loading

  /// Loads (once) the symbol file an entry describes.
  public func load(_ entry: StoreEntry) -> Result<LoadedSymbols, SymbolLoadError> {
    let pending = state.withLock { state in
      state.clock += 1
      if state.cache[entry.path] != nil {
        state.cache[entry.path]!.lastUse = state.clock
        return state.cache[entry.path]!.load
      }
      let load = PendingLoad()
      state.cache[entry.path] = CacheSlot(load: load, bytes: 0, lastUse: state.clock)
      return load
    }
    let (result, loadedHere) = pending.result.withLock { slot in
      if let done = slot { return (done, false) }
      let result = loadUncached(entry)
      slot = result
      return (result, true)
    }
    if loadedHere, case .success = result { account(entry.path, bytes: Self.fileSize(entry.path)) }
    return result
  }

  /// Records a loaded file's size and evicts the least recently used files past the budget.
  private func account(_ path: String, bytes: Int) {
    state.withLock { state in
      guard state.cache[path] != nil else { return }
      state.cache[path]!.bytes = bytes
      state.cachedBytes += bytes
      while state.cachedBytes > maximumCachedBytes, state.cache.count > 1 {
        guard
          let oldest = state.cache.filter({ $0.value.bytes > 0 && $0.key != path }).min(by: {
            $0.value.lastUse < $1.value.lastUse
          })
        else { break }
        state.cachedBytes -= oldest.value.bytes
        state.cache[oldest.key] = nil
      }
    }
  }

  private func loadUncached(_ entry: StoreEntry) -> Result<LoadedSymbols, SymbolLoadError> {
    switch entry.format {
    case .breakpad:
      do {
        var options = BreakpadLoadOptions()
        options.maximumFileSize = maximumFileSize
        let file = try BreakpadSymbolFile(path: entry.path, options: options)
        return .success(
          LoadedSymbols(source: file, isCorrupt: file.isCorrupt, diagnostics: file.diagnostics))
      } catch {
        return .failure(SymbolLoadError(path: entry.path, message: error.description))
      }
    case .linkerMap:
      do {
        let map = try LinkerMapFile(
          path: entry.path, maximumFileSize: min(maximumFileSize, 1 << 30))
        return .success(LoadedSymbols(source: map, isCorrupt: false, diagnostics: map.diagnostics))
      } catch {
        return .failure(SymbolLoadError(path: entry.path, message: error.description))
      }
    case .windows:
      do {
        let file = try SymbolFileDumper.symbolSource(at: entry.path)
        return .success(
          LoadedSymbols(source: file, isCorrupt: file.isCorrupt, diagnostics: file.diagnostics))
      } catch {
        return .failure(SymbolLoadError(path: entry.path, message: error.description))
      }
    case .elf:
      do {
        let elf = try ELFSymbolFile(path: entry.path, debugRoots: debugRoots)
        return .success(LoadedSymbols(source: elf, isCorrupt: false, diagnostics: []))
      } catch {
        return .failure(SymbolLoadError(path: entry.path, message: error.description))
      }
    }
  }

  /// Where separate ELF debug files are looked for by build id: the roots, then each system
  /// root's `usr/lib/debug` (where distributions install them: Debian's `-dbg` and `-dbgsym`).
  public var debugRoots: [String] {
    roots + systemRoots.map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/usr/lib/debug" }
  }

  private static func fileSize(_ path: String) -> Int {
    var status = stat()
    return stat(path, &status) == 0 ? max(1, Int(status.st_size)) : 1
  }

  static func isRegularFile(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
  }
}

/// A symbol file that could not be loaded.
public struct SymbolLoadError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file.
  public var path: String
  /// What went wrong (names the file).
  public var message: String
  /// The message.
  public var description: String { message }
}
