//===--- SymbolFileDumper.swift - Any debug file → a Breakpad .sym -----------===//
//
// `analyse symbols dump` and the store's on-the-fly conversion go through here:
//   PE image (.exe/.dll)  with its PDB beside it (named by the image's CodeView
//                         record, same debug id): the PDB's records plus the image's
//                         code id; without: what the image alone says
//   PDB 7.0               its records; the image beside it (same stem, .dll/.exe,
//                         same debug id) adds INFO CODE_ID
// The kind is decided by the file's first bytes, never by its name.
//
//===----------------------------------------------------------------------===//

import ByteReading
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
    case .unknownKind(let path): "\(path): not a PE image or PDB 7.0 file"
    case .damaged(let path, let reason): "\(path): \(reason)"
    }
  }
}

/// Turns PE images and PDB files into Breakpad symbol files.
public enum SymbolFileDumper {
  /// The Breakpad text for the file at `path`.
  public static func symbolFile(at path: String) throws(SymbolDumpError) -> String {
    let mapped = try map(path)
    let reader = ByteReader(mapped.bytes)
    if MSFFile.isMSF(mapped.bytes) {
      return try withExtendedLifetime(mapped) { () throws(SymbolDumpError) -> String in
        try pdbSymbols(reader, path: path, image: imageBeside(pdb: path))
      }
    }
    guard mapped.bytes.count >= 2, mapped.bytes[0] == 0x4D, mapped.bytes[1] == 0x5A else {
      throw .unknownKind(path: path)
    }
    return try withExtendedLifetime(mapped) { () throws(SymbolDumpError) -> String in
      let image: PEImage
      do {
        image = try PEImage(reader)
      } catch {
        throw .damaged(path: path, reason: "\(error)")
      }
      let name = baseName(path)
      if let pdbPath = pdbBeside(image: image, path: path) {
        let pdbMapped = try map(pdbPath)
        return try withExtendedLifetime(pdbMapped) { () throws(SymbolDumpError) -> String in
          try pdbSymbols(ByteReader(pdbMapped.bytes), path: pdbPath, image: (image.codeIdentifier, name))
        }
      }
      do {
        return try PEBreakpadWriter.symbolFile(for: image, fileName: path)
      } catch {
        throw .damaged(path: path, reason: "\(error)")
      }
    }
  }

  private static func pdbSymbols(_ reader: ByteReader, path: String, image: (String, String)?) throws(SymbolDumpError)
    -> String
  {
    do {
      let pdb = try ProgramDatabase(reader)
      return try PDBBreakpadWriter.symbolFile(
        for: pdb, pdbName: baseName(path), image: image,
        undecorate: { MSVCDemangler.publicName($0) })
    } catch {
      throw .damaged(path: path, reason: error.description)
    }
  }

  /// The PDB the image's CodeView record names, when it sits beside the image with the same id.
  private static func pdbBeside(image: PEImage, path: String) -> String? {
    guard let codeView = image.codeView(), let pdb = codeView.pdb, let identifier = codeView.identifier else {
      return nil
    }
    let pdbName = baseName(pdb)
    let candidate = directory(of: path) + pdbName
    guard FileOpener.kind(of: candidate) == .regular, let mapped = try? MappedFile(path: candidate) else { return nil }
    let matches = withExtendedLifetime(mapped) {
      (try? ProgramDatabase(ByteReader(mapped.bytes)))?.debugIdentifier == identifier
    }
    return matches ? candidate : nil
  }

  /// The image (same stem, .dll or .exe) beside a PDB whose CodeView record names the PDB's id.
  private static func imageBeside(pdb path: String) -> (String, String)? {
    guard let mapped = try? MappedFile(path: path),
      let identifier = withExtendedLifetime(mapped, { (try? ProgramDatabase(ByteReader(mapped.bytes)))?.debugIdentifier })
    else { return nil }
    let name = baseName(path)
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
