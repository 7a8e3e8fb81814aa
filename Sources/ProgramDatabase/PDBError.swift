//===--- PDBError.swift - Why a PDB could not be read -------------------------===//

import ByteReading

/// Why a PDB (or one of its streams) could not be read; each case names where.
public enum PDBError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file starts with neither the MSF 7.00 nor the PDB 2.00 magic.
  case notAPDB(offset: UInt64)
  /// A field holds a value the format does not allow.
  case badValue(offset: UInt64, what: String, value: UInt64)
  /// A stream the file needs is absent.
  case missingStream(String)
  /// A bounds-checked read failed.
  case read(ReadError)

  /// `error` as a PDBError: a read error wrapped, a PDBError as it is, anything else as a
  /// file that is not a PDB (the readers throw nothing else).
  init(_ error: any Error) {
    switch error {
    case let error as ReadError: self = .read(error)
    case let error as PDBError: self = error
    default: self = .notAPDB(offset: 0)
    }
  }

  /// The one-line text a user sees.
  public var description: String {
    switch self {
    case .notAPDB(let offset): "offset 0x\(String(offset, radix: 16)): not a PDB file (no MSF 7.00 or PDB 2.00 magic)"
    case .badValue(let offset, let what, let value):
      "offset 0x\(String(offset, radix: 16)): invalid \(what): \(value)"
    case .missingStream(let name): "the PDB has no \(name) stream"
    case .read(let error): error.description
    }
  }
}
