//===--- StoreCatalog.swift - What is under a store root --------------------===//
//
// Walks <root>/<debug_file>/<id>/<file> (exactly that depth; nothing outside
// the root is followed from input) and describes each symbol file from its
// name and, for Breakpad files, the MODULE and INFO lines at its top.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

enum StoreCatalog {
  /// Header lines read from a .sym file are limited to this many bytes.
  static let headerLimit = 4 << 20

  static func scan(root: String, limit: Int) -> [StoreEntry] {
    var entries: [StoreEntry] = []
    for debugFile in debugFiles(root) {
      scan(root: root, debugFile: debugFile, limit: limit, into: &entries)
      guard entries.count < limit else { return entries }
    }
    return entries
  }

  /// The `<debug_file>` directories of a store root, in catalog order.
  static func debugFiles(_ root: String) -> [String] {
    directoryNames(root).filter { !$0.hasPrefix(".") }
  }

  /// Appends the entries of one `<debug_file>` directory (every id under it), up to `limit` in all.
  static func scan(root: String, debugFile: String, limit: Int, into entries: inout [StoreEntry]) {
    for identifier in directoryNames("\(root)/\(debugFile)") where !identifier.hasPrefix(".") {
      for file in fileNames("\(root)/\(debugFile)/\(identifier)") {
        guard entries.count < limit else { return }
        let path = "\(root)/\(debugFile)/\(identifier)/\(file)"
        if let entry = describe(path: path, file: file, debugFile: debugFile, identifier: identifier) {
          entries.append(entry)
        }
      }
    }
  }

  /// The symbol files in one `<debug_file>/<id>` directory.
  static func scanDirectory(_ directory: String, debugFile: String, identifier: String) -> [StoreEntry] {
    fileNames(directory).compactMap {
      describe(path: "\(directory)/\($0)", file: $0, debugFile: debugFile, identifier: identifier)
    }.sorted { rank($0.format) < rank($1.format) }
  }

  private static func rank(_ format: SymbolSourceOrigin.Format) -> Int {
    switch format {
    case .breakpad: 0
    case .windows: 1
    case .linkerMap: 2
    case .elf: 3
    }
  }

  /// The entry for the file at `path` (named `file`), when it is a symbol file this reads.
  static func describe(path: String, file: String, debugFile: String, identifier: String) -> StoreEntry? {
    let lower = file.lowercased()
    if lower.hasSuffix(".sym") {
      var entry = StoreEntry(
        path: path, format: .breakpad, debugFile: debugFile, debugIdentifier: identifier,
        moduleKey: StoreEntry.moduleKey(for: debugFile))
      readBreakpadHeader(into: &entry)
      return entry
    }
    if lower.hasSuffix(".map") {
      return StoreEntry(
        path: path, format: .linkerMap, debugFile: debugFile, debugIdentifier: identifier,
        moduleKey: StoreEntry.moduleKey(for: debugFile))
    }
    // A symbol store's own files: NAME.pdb, NAME.pd_ (a cabinet), images — by content.
    if SymbolFileDumper.reads(path) {
      return StoreEntry(
        path: path, format: .windows, debugFile: debugFile, debugIdentifier: identifier,
        moduleKey: StoreEntry.moduleKey(for: debugFile))
    }
    if hasELFMagic(path) {
      return StoreEntry(
        path: path, format: .elf, debugFile: debugFile, debugIdentifier: identifier,
        moduleKey: StoreEntry.moduleKey(for: debugFile))
    }
    return nil
  }

  /// Reads the INFO lines (learned-map facts) after MODULE: they come first, so the first line
  /// of any other kind (FILE, INLINE_ORIGIN, FUNC, PUBLIC, STACK) ends the header. A Breakpad
  /// file of a Windows DLL opens with thousands of FILE lines: none of them is read.
  private static func readBreakpadHeader(into entry: inout StoreEntry) {
    // Opened without blocking: a FIFO planted in a store is refused, never waited on.
    guard let opened = try? FileOpener.openForReading(entry.path) else { return }
    guard let file = fdopen(opened.descriptor, "r") else {
      close(opened.descriptor)
      return
    }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 4096)
    var consumed = 0
    // Read by bytes: a learned map's header holds thousands of INFO lines, and making each a
    // String, trimming and splitting it by Character took an eighth of a text report's run.
    while consumed < headerLimit, fgets(&buffer, Int32(buffer.count), file) != nil {
      let goesOn = buffer.withUnsafeBytes { raw -> Bool in
        let bytes = raw.bindMemory(to: UInt8.self)
        var length = bytes.firstIndex(of: 0) ?? bytes.count
        while length > 0, bytes[length - 1] == 0x0A || bytes[length - 1] == 0x0D { length -= 1 }
        consumed += length + 1
        return readHeaderLine(UnsafeBufferPointer(rebasing: bytes[0..<length]), into: &entry)
      }
      if !goesOn { break }
    }
  }

  /// One line of a `.sym` file's header (`MODULE …`, `INFO …`) into `entry`; false at the first
  /// line of another kind, where the header ends.
  private static func readHeaderLine(_ line: UnsafeBufferPointer<UInt8>, into entry: inout StoreEntry) -> Bool {
    // Fields taken one at a time: an array of them cost an allocation or four a line, and a
    // learned map's header has thousands of lines.
    var fields = SpaceSeparatedFields(line)
    guard let first = fields.next() else { return true }
    let isModule = equals(first, "MODULE")
    guard isModule || equals(first, "INFO") else { return false }
    guard let second = fields.next(), let value = fields.next() else { return true }
    if isModule {
      entry.architecture = architecture(value)
      return true
    }
    if equals(second, "LOAD_ADDRESS") {
      entry.loadAddress = hex(value)
      entry.addressesAreAbsolute = fields.next().map { equals($0, "absolute") } ?? false
    } else if equals(second, "LEARNED_FROM") {
      entry.learnedFrom.append(String(decoding: value, as: UTF8.self))
      while let more = fields.next() { entry.learnedFrom.append(String(decoding: more, as: UTF8.self)) }
    } else if equals(second, "RETURN_SITE") {
      if let site = hex(value), entry.returnSites.count < 1_000_000 { entry.returnSites.insert(site) }
    } else if equals(second, "CALL_TARGET") {
      if let target = fields.next(), let site = hex(value), entry.callTargets.count < 1_000_000 {
        entry.callTargets[site] = String(decoding: target, as: UTF8.self)
      }
    } else if equals(second, "ADDRESS_RANGE") {
      if let upper = fields.next(), let low = hex(value), let high = hex(upper), low <= high { entry.addressRange = low...high }
    }
    return true
  }

  /// The fields of a line split at spaces (runs of them), one at a time.
  private struct SpaceSeparatedFields {
    let line: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ line: UnsafeBufferPointer<UInt8>) { self.line = line }

    mutating func next() -> Slice<UnsafeBufferPointer<UInt8>>? {
      while position < line.count && line[position] == 0x20 { position += 1 }
      guard position < line.count else { return nil }
      let start = position
      while position < line.count && line[position] != 0x20 { position += 1 }
      return line[start..<position]
    }
  }

  /// The processor a `MODULE` line names, as dump_syms spells it (`x86`, `x86_64`, `arm64`,
  /// `arm`, `mips`, `ppc`; `amd64`, `aarch64` and `axp` too), compared by bytes: no `String` is
  /// made (lowercasing one pulls the Unicode tables into every run that reads a store).
  private static func architecture(_ field: Slice<UnsafeBufferPointer<UInt8>>) -> Architecture? {
    if equals(field, "x86") { return .x86 }
    if equals(field, "x86_64") || equals(field, "amd64") { return .amd64 }
    if equals(field, "arm64") || equals(field, "aarch64") || equals(field, "arm64e") { return .arm64 }
    if equals(field, "arm") { return .arm }
    if equals(field, "alpha") || equals(field, "axp") { return .alpha }
    if equals(field, "mips") || equals(field, "mips64") { return .mips }
    if equals(field, "ppc") || equals(field, "ppc64") { return .ppc }
    return nil
  }

  /// Whether `field` is exactly `word`.
  private static func equals(_ field: Slice<UnsafeBufferPointer<UInt8>>, _ word: StaticString) -> Bool {
    field.count == word.utf8CodeUnitCount
      && field.elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
  }

  /// A hexadecimal number of at most 16 digits, either case, no prefix; nil for anything else.
  private static func hex(_ field: Slice<UnsafeBufferPointer<UInt8>>) -> UInt64? { HexField.value(field) }

  private static func hasELFMagic(_ path: String) -> Bool {
    FileOpener.prefix(of: path, count: 4) == [0x7F, 0x45, 0x4C, 0x46]
  }

  static func directoryNames(_ path: String) -> [String] { names(in: path, wantDirectories: true) }
  private static func fileNames(_ path: String) -> [String] { names(in: path, wantDirectories: false) }

  private static func names(in path: String, wantDirectories: Bool) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var result: [String] = []
    while let entry = readdir(directory) {
      let name = DirectoryEntry.name(of: entry)
      guard name != "." && name != ".." else { continue }
      var status = stat()
      guard stat("\(path)/\(name)", &status) == 0 else { continue }
      let isDirectory = (status.st_mode & S_IFMT) == S_IFDIR
      let isFile = (status.st_mode & S_IFMT) == S_IFREG
      if wantDirectories ? isDirectory : isFile { result.append(name) }
    }
    return result.sorted()
  }
}
