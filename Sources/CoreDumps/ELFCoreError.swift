//===--- ELFCoreError.swift - Why a core file could not be read --------------===//

import ByteReading

/// Why a Linux core file could not be read.
public enum ELFCoreError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file is no ELF file, or not a 64-bit little-endian one.
  case notELF(path: String)
  /// The ELF file is no core file (`e_type` is given: 2 an executable, 3 a shared object).
  case notACore(path: String, type: UInt16)
  /// A core of a processor this does not read (`e_machine`).
  case unsupportedMachine(path: String, machine: UInt16)
  /// A structure runs past the file or is implausible.
  case damaged(path: String, ReadError)
  /// The file could not be opened or mapped.
  case unreadable(path: String, reason: String)

  /// One sentence naming the file and what is wrong.
  public var description: String {
    switch self {
    case .notELF(let path): "\(path): not a little-endian ELF file"
    case .notACore(let path, let type):
      "\(path): an ELF file but no core (e_type \(type)\(type == 2 ? ", an executable" : type == 3 ? ", a shared object" : ""))"
    case .unsupportedMachine(let path, let machine):
      "\(path): a core of machine \(machine); cores of x86-64 (62), AArch64 (183), RISC-V 64 (243), x86 (3) and 32-bit ARM (40) are read"
    case .damaged(let path, let error): "\(path): damaged core: \(error)"
    case .unreadable(let path, let reason): "\(path): \(reason)"
    }
  }
}
