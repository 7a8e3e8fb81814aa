//===--- SymbolFileDumper.swift - Any debug file → a Breakpad .sym -----------===//
//
// `analyse symbols dump` and the store's on-the-fly conversion go through here:
//   PE image (.exe/.dll)  with its PDB beside it (named by the image's CodeView
//                         record, same debug id): the PDB's records plus the image's
//                         code id; without: what the image alone says
//   PDB 7.0               its records; the image beside it (same stem, .dll/.exe,
//                         same debug id) adds INFO CODE_ID
//   NT 4 .dbg             its CodeView (NB09/NB11), COFF symbols and FPO records
//   CAB (.pd_, .dl_, …)   the file inside, extracted in memory (libmspack), then as above
// The kind is decided by the file's first bytes, never by its name.
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import ByteReading
import CabinetFiles
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
    case .unknownKind(let path): "\(path): not a PE image, PDB 7.0 file, .dbg file or cabinet"
    case .damaged(let path, let reason): "\(path): \(reason)"
    }
  }
}

/// Turns PE images and PDB files into Breakpad symbol files.
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
    let mapped = try map(path)
    return try withExtendedLifetime(mapped) { () throws(SymbolDumpError) -> String in
      try symbolFile(bytes: mapped.bytes, path: path, name: baseName(path), inlines: inlines)
    }
  }

  /// The Breakpad text for `bytes`, the file at `path` whose own name is `name` (for a
  /// cabinet's content: the name stored in the cabinet).
  private static func symbolFile(bytes: UnsafeRawBufferPointer, path: String, name: String, inlines: Bool)
    throws(SymbolDumpError) -> String
  {
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
      return try withExtendedLifetime(copy) { () throws(SymbolDumpError) -> String in
        try symbolFile(bytes: copy.bytes, path: directory(of: path) + storedName, name: storedName, inlines: inlines)
      }
    }
    if MSFFile.isMSF(bytes) {
      return try pdbSymbols(
        reader, path: path, name: name, image: imageBeside(pdb: reader, path: path, name: name), inlines: inlines)
    }
    if SeparateDebugFile.isSeparateDebugFile(bytes) {
      do {
        let file = try SeparateDebugFile(reader)
        return try DBGBreakpadWriter.symbolFile(
          for: file, reader: reader, name: name, undecorate: { MSVCDemangler.publicName($0) })
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
      return try withExtendedLifetime(pdb.file) { () throws(SymbolDumpError) -> String in
        try pdbSymbols(
          ByteReader(pdb.file.bytes), path: pdb.path, name: pdb.name, image: (image.codeIdentifier, name), inlines: inlines)
      }
    }
    do {
      return try PEBreakpadWriter.symbolFile(for: image, fileName: path)
    } catch {
      throw .damaged(path: path, reason: "\(error)")
    }
  }

  private static func pdbSymbols(
    _ reader: ByteReader, path: String, name: String, image: (String, String)?, inlines: Bool
  ) throws(SymbolDumpError) -> String {
    do {
      let pdb = try ProgramDatabase(reader)
      return try PDBBreakpadWriter.symbolFile(
        for: pdb, pdbName: name, image: image, inlines: inlines, undecorate: { MSVCDemangler.publicName($0) })
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
        (try? ProgramDatabase(ByteReader(mapped.bytes)))?.debugIdentifier == identifier
      }
      if matches { return (mapped, directory(of: path) + pdbName, pdbName) }
    }
    return nil
  }

  /// The image (same stem, .dll or .exe) beside a PDB whose CodeView record names the PDB's id.
  private static func imageBeside(pdb reader: ByteReader, path: String, name: String) -> (String, String)? {
    guard let identifier = (try? ProgramDatabase(reader))?.debugIdentifier else { return nil }
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
