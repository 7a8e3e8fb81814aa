//===--- SymbolFileDumper.swift - Any debug file → a Breakpad .sym -----------===//
//
// `analyse symbols dump` and the store's on-the-fly conversion go through here:
//   PE image (.exe/.dll)  with its PDB beside it (named by the image's CodeView
//                         record, same debug id): the PDB's records plus the image's
//                         code id; without: what the image alone says
//   PDB 7.0               its records; the image beside it (same stem, .dll/.exe,
//                         same debug id) adds INFO CODE_ID
//   NT 4 .dbg             its CodeView (NB09/NB11), COFF symbols and FPO records; when its
//                         CodeView entry names a PDB 2.00 (NB10) found beside it, that PDB
//                         read with the .dbg's sections, FPO records and code id
//   PDB 2.00              as PDB 7.0; without section headers, with those of the .dbg
//                         beside it that names it (same stem)
//   CAB (.pd_, .dl_, …)   the file inside, extracted in memory (libmspack), then as above
//   ELF                   its symbols, DWARF (in it or a separate debug file) and call
//                         frames (ELFSymbols' ELFBreakpadWriter)
// The kind is decided by the file's first bytes, never by its name.
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import ByteReading
import CabinetFiles
import Demangling
import ELFSymbols
import MapFiles
import ProgramDatabase
import WindowsImages

/// Why a file could not be turned into a Breakpad symbol file.
public enum SymbolDumpError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be opened or mapped.
  case unreadable(path: String, reason: String)
  /// The file is none of the kinds this reads.
  case unknownKind(path: String)
  /// The file is of a known kind but damaged.
  case damaged(path: String, reason: String)

  /// The one-line text a user sees.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "\(path): \(reason)"
    case .unknownKind(let path): "\(path): not a PE image, PDB file, .dbg file, ELF file or cabinet"
    case .damaged(let path, let reason): "\(path): \(reason)"
    }
  }
}

/// Turns PE images, PDB, .dbg and ELF files into Breakpad symbol files.
public enum SymbolFileDumper {
  /// Whether the file at `path` is one this reads (PE image, PDB 7.0, .dbg, cabinet), by its
  /// first bytes.
  public static func reads(_ path: String) -> Bool {
    guard let head = FileOpener.prefix(of: path, count: max(MSFFile.magic.count, 48)) else { return false }
    let isImage = head.count >= 2 && head[0] == 0x4D && head[1] == 0x5A
    return head.withUnsafeBytes {
      isImage || MSFFile.isMSF($0) || CabinetFile.isCabinet($0) || SeparateDebugFile.isSeparateDebugFile($0)
    }
  }

  /// The file at `path` converted (with inlined calls) and indexed as a Breakpad symbol file,
  /// for lookups.
  public static func symbolSource(at path: String) throws(SymbolDumpError) -> BreakpadSymbolFile {
    let text = try symbolFile(at: path, inlines: true)
    return BreakpadSymbolFile(mapped: MappedFile(copying: Array(text.utf8), name: path))
  }

  /// The largest file a cabinet may expand to.
  public static let cabinetLimit = 2 << 30

  /// The Breakpad text for the file at `path`; with `inlines`, INLINE_ORIGIN and INLINE
  /// records for inlined calls (PDB input).
  public static func symbolFile(at path: String, inlines: Bool = false) throws(SymbolDumpError) -> String {
    var text = ""
    try write(at: path, inlines: inlines) { text += $0 }
    return text
  }

  /// The same text, handed to `sink` in pieces as it is made (a PDB's in pieces of about a
  /// megabyte, so a large one's `.sym` is never held whole).
  public static func write(at path: String, inlines: Bool = false, to sink: (String) -> Void) throws(SymbolDumpError) {
    if let head = FileOpener.prefix(of: path, count: 4), head == [0x7F, 0x45, 0x4C, 0x46] {
      do {
        sink(try ELFSymbolFile(path: path).breakpadSymbolFile(inlines: inlines))
        return
      } catch {
        throw .damaged(path: path, reason: error.description)
      }
    }
    let mapped = try map(path)
    try withExtendedLifetime(mapped) { () throws(SymbolDumpError) in
      try write(
        bytes: mapped.bytes, path: path, name: baseName(path), inlines: inlines,
        releasePages: { mapped.releaseResidentPages() }, to: sink)
    }
  }

  /// The Breakpad text for `bytes`, the file at `path` whose own name is `name` (for a
  /// cabinet's content: the name stored in the cabinet); `releasePages` drops the pages of
  /// the mapping `bytes` lie in that have been read (a PDB's streams are copied out).
  private static func write(
    bytes: UnsafeRawBufferPointer, path: String, name: String, inlines: Bool,
    releasePages: (@Sendable () -> Void)? = nil, to sink: (String) -> Void
  ) throws(SymbolDumpError) {
    let reader = ByteReader(bytes)
    if CabinetFile.isCabinet(bytes) {
      let content: (name: String, bytes: [UInt8])
      do {
        content = try CabinetFile.extractFirst(from: bytes, limit: cabinetLimit)
      } catch {
        throw .damaged(path: path, reason: error.description)
      }
      guard !CabinetFile.isCabinet(content.bytes.withUnsafeBytes { UnsafeRawBufferPointer($0) }) else {
        throw .damaged(path: path, reason: "a cabinet inside a cabinet")
      }
      let storedName = baseName(content.name.isEmpty ? name : content.name)
      let copy = MappedFile(copying: content.bytes, name: path)
      try withExtendedLifetime(copy) { () throws(SymbolDumpError) in
        try write(bytes: copy.bytes, path: directory(of: path) + storedName, name: storedName, inlines: inlines, to: sink)
      }
      return
    }
    if MSFFile.isMSF(bytes) {
      // A PDB 2.00 without section headers takes them (and FPO and the code id) from the
      // .dbg beside it that names it.
      if let dbg = dbgBeside(pdb: reader, path: path, name: name) {
        try pdbSymbols(
          reader, path: path, name: name, image: dbg.image, inlines: inlines, sections: dbg.sections, frames: dbg.frames,
          releasePages: releasePages, to: sink)
        return
      }
      try pdbSymbols(
        reader, path: path, name: name, image: nil, findsImage: true, inlines: inlines, releasePages: releasePages,
        to: sink)
      return
    }
    if SeparateDebugFile.isSeparateDebugFile(bytes) {
      let file: SeparateDebugFile
      do {
        file = try SeparateDebugFile(reader)
      } catch {
        throw .damaged(path: path, reason: error.description)
      }
      // A .dbg whose CodeView is in a PDB 2.00 (NB10): that PDB, with this file's sections,
      // FPO records and code id.
      if let reference = file.pdbReference(reader),
        let pdb = pdbBeside(path: path, pdbName: reference.pdb, identifier: reference.identifier, sections: file.sections)
      {
        let frames = (try? file.frameRecords(reader)) ?? []
        let image = (file.identifier, file.imageName(reader) ?? name)
        try withExtendedLifetime(pdb.file) { () throws(SymbolDumpError) in
          try pdbSymbols(
            ByteReader(pdb.file.bytes), path: pdb.path, name: pdb.name, image: image, inlines: inlines,
            sections: file.sections, frames: frames, releasePages: { pdb.file.releaseResidentPages() }, to: sink)
        }
        return
      }
      do {
        sink(
          try DBGBreakpadWriter.symbolFile(for: file, reader: reader, name: name, undecorate: { MSVCDemangler.publicName($0) }))
        return
      } catch {
        throw .damaged(path: path, reason: error.description)
      }
    }
    guard bytes.count >= 2, bytes[0] == 0x4D, bytes[1] == 0x5A else { throw .unknownKind(path: path) }
    let image: PEImage
    do {
      image = try PEImage(reader)
    } catch {
      throw .damaged(path: path, reason: "\(error)")
    }
    if let pdb = pdbBeside(image: image, path: path) {
      try withExtendedLifetime(pdb.file) { () throws(SymbolDumpError) in
        try pdbSymbols(
          ByteReader(pdb.file.bytes), path: pdb.path, name: pdb.name, image: (image.codeIdentifier, name), inlines: inlines,
          releasePages: { pdb.file.releaseResidentPages() }, to: sink)
      }
      // x64 unwind data lives in the image, not the PDB.
      let frames = (try? PEBreakpadWriter.stackCFILines(for: image)) ?? []
      if !frames.isEmpty { sink(frames.joined(separator: "\n") + "\n") }
      return
    }
    do {
      sink(try PEBreakpadWriter.symbolFile(for: image, fileName: path))
    } catch {
      throw .damaged(path: path, reason: "\(error)")
    }
  }

  /// Writes the PDB's symbols; `findsImage`: the image beside it that names its id adds the
  /// code id (the PDB is opened once, for both).
  private static func pdbSymbols(
    _ reader: ByteReader, path: String, name: String, image: (String, String)?, findsImage: Bool = false,
    inlines: Bool, sections: SectionTable? = nil, frames: [FrameRecord] = [],
    releasePages: (@Sendable () -> Void)? = nil, to sink: (String) -> Void
  ) throws(SymbolDumpError) {
    do {
      let pdb = try ProgramDatabase(reader, sectionsIfMissing: sections, releasePages: releasePages)
      let image = findsImage ? imageBeside(identifier: pdb.debugIdentifier, path: path, name: name) : image
      try PDBBreakpadWriter.write(
        for: pdb, pdbName: name, image: image, inlines: inlines, frames: frames,
        undecorate: { MSVCDemangler.publicName($0) }, to: sink)
    } catch .missingStream("section header") {
      throw .damaged(
        path: path, reason: "the PDB has no section headers; put the image or the .dbg that names it beside it")
    } catch {
      throw .damaged(path: path, reason: error.description)
    }
  }

  /// The PDB the image's CodeView record names, beside the image as NAME.pdb or NAME.pd_,
  /// with the image's debug id; its bytes (extracted when compressed) and name.
  private static func pdbBeside(image: PEImage, path: String) -> (file: MappedFile, path: String, name: String)? {
    guard let codeView = image.codeView(), let pdb = codeView.pdb, let identifier = codeView.identifier else {
      return nil
    }
    return pdbBeside(path: path, pdbName: pdb, identifier: identifier, sections: nil)
  }

  /// The .dbg beside a PDB (same stem, `.dbg` or `.db_`) whose CodeView entry names this PDB
  /// and its id: its sections, FPO records and code id, for a PDB that lacks them.
  private static func dbgBeside(pdb reader: ByteReader, path: String, name: String)
    -> (sections: SectionTable, frames: [FrameRecord], image: (String, String))?
  {
    guard let file = try? MSFFile(reader), file.isSmall else { return nil }
    let stem = name.lowercased().hasSuffix(".pdb") ? String(name.dropLast(4)) : name
    for suffix in [".dbg", ".DBG", ".db_", ".DB_"] {
      let candidate = directory(of: path) + stem + suffix
      guard FileOpener.kind(of: candidate) == .regular, var mapped = try? MappedFile(path: candidate) else { continue }
      if CabinetFile.isCabinet(mapped.bytes) {
        guard let content = try? CabinetFile.extractFirst(from: mapped.bytes, limit: cabinetLimit) else { continue }
        mapped = MappedFile(copying: content.bytes, name: candidate)
      }
      let found: (SectionTable, [FrameRecord], (String, String))? = withExtendedLifetime(mapped) {
        let dbgReader = ByteReader(mapped.bytes)
        guard SeparateDebugFile.isSeparateDebugFile(mapped.bytes), let dbg = try? SeparateDebugFile(dbgReader),
          let reference = dbg.pdbReference(dbgReader), reference.pdb.lowercased() == name.lowercased(),
          (try? ProgramDatabase(reader, sectionsIfMissing: dbg.sections))?.debugIdentifier == reference.identifier
        else { return nil }
        return (dbg.sections, (try? dbg.frameRecords(dbgReader)) ?? [], (dbg.identifier, dbg.imageName(dbgReader) ?? stem))
      }
      if let found { return found }
    }
    return nil
  }

  /// The PDB named `pdb` (a path; its last component counts) beside `path`, as NAME.pdb or
  /// NAME.pd_, whose debug id is `identifier`; `sections` stand in for section headers it
  /// lacks.
  private static func pdbBeside(path: String, pdbName pdb: String, identifier: String, sections: SectionTable?)
    -> (file: MappedFile, path: String, name: String)?
  {
    let pdbName = baseName(pdb)
    let compressedName = String(pdbName.dropLast()) + "_"
    for candidate in [pdbName, compressedName] where !candidate.isEmpty {
      let candidatePath = directory(of: path) + candidate
      guard FileOpener.kind(of: candidatePath) == .regular, var mapped = try? MappedFile(path: candidatePath) else {
        continue
      }
      if CabinetFile.isCabinet(mapped.bytes) {
        guard let content = try? CabinetFile.extractFirst(from: mapped.bytes, limit: cabinetLimit) else { continue }
        mapped = MappedFile(copying: content.bytes, name: candidatePath)
      }
      let matches = withExtendedLifetime(mapped) {
        (try? ProgramDatabase(ByteReader(mapped.bytes), sectionsIfMissing: sections))?.debugIdentifier == identifier
      }
      if matches { return (mapped, directory(of: path) + pdbName, pdbName) }
    }
    return nil
  }

  /// The image (same stem, .dll or .exe) beside a PDB whose CodeView record names the PDB's id.
  private static func imageBeside(identifier: String, path: String, name: String) -> (String, String)? {
    let stem = name.lowercased().hasSuffix(".pdb") ? String(name.dropLast(4)) : name
    for suffix in [".dll", ".exe", ".DLL", ".EXE", ".sys", ".ocx"] {
      let candidate = directory(of: path) + stem + suffix
      guard FileOpener.kind(of: candidate) == .regular, let image = try? MappedFile(path: candidate) else { continue }
      let found: (String, String)? = withExtendedLifetime(image) {
        guard let pe = try? PEImage(ByteReader(image.bytes)), pe.codeView()?.identifier == identifier else { return nil }
        return (pe.codeIdentifier, stem + suffix)
      }
      if let found { return found }
    }
    return nil
  }

  private static func map(_ path: String) throws(SymbolDumpError) -> MappedFile {
    do {
      return try MappedFile(path: path, limit: 4 << 30)
    } catch {
      throw .unreadable(path: path, reason: error.description)
    }
  }

  private static func baseName(_ path: String) -> String {
    path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? path
  }

  private static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return String(path[...slash])
  }
}
