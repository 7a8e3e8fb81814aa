//===--- PEImage.swift - A PE/COFF image's headers, sections and directories ===//
//
// Microsoft's "PE Format" specification: the MS-DOS stub's e_lfanew (0x3c)
// points at "PE\0\0", then the COFF file header (machine, section count,
// timestamp, optional header size), the optional header (PE32 0x10b or PE32+
// 0x20b: entry point, image base, SizeOfImage, the data directories), then the
// section table. Every offset, size and count comes from the file and is
// checked before use; an RVA is read through the section that holds it, and
// RVA arithmetic wraps (a wrapped RVA is just one no section holds).
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore

/// Why an image could not be read: the problem and the file offset.
public enum PEImageError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Not a PE image (no MZ or PE signature).
  case notPE(String)
  /// A header, table or record does not fit, or holds an impossible value.
  case damaged(ReadError)

  /// One sentence.
  public var description: String {
    switch self {
    case .notPE(let reason): "not a PE image: \(reason)"
    case .damaged(let error): "damaged PE image: \(error)"
    }
  }
}

/// A section of the image.
public struct PESection: Sendable, Hashable {
  /// `.text`, `.pdata`…
  public var name: String
  /// Its address, relative to the image base.
  public var virtualAddress: UInt32
  /// Its size in memory.
  public var virtualSize: UInt32
  /// Where its bytes are in the file.
  public var rawOffset: UInt32
  /// How many bytes the file holds.
  public var rawSize: UInt32
}

/// A PE/COFF image (EXE, DLL, SYS) read from memory.
public struct PEImage: Sendable {
  /// `IMAGE_FILE_MACHINE_*`: 0x14c x86, 0x8664 amd64, 0xaa64 arm64.
  public var machine: UInt16
  /// The link time stamp (seconds since 1970).
  public var timestamp: UInt32
  /// Whether the optional header is PE32+ (64-bit).
  public var isPE32Plus: Bool
  /// The preferred load address.
  public var imageBase: UInt64
  /// The image's size in memory.
  public var sizeOfImage: UInt32
  /// The entry point's RVA (0 for none).
  public var entryPoint: UInt32
  /// The sections.
  public var sections: [PESection]
  /// The data directories: (RVA, size), indexed as the specification numbers them.
  public var directories: [(rva: UInt32, size: UInt32)]

  let reader: ByteReader

  /// The data directory indexes used here.
  public enum Directory: Int, Sendable {
    /// The export table.
    case export = 0
    /// The exception table (`.pdata`).
    case exception = 3
    /// The debug directory.
    case debug = 6
  }

  /// Reads the headers of the image in `reader` (which must outlive the value).
  public init(_ reader: ByteReader) throws(PEImageError) {
    self.reader = reader
    do {
      guard reader.count >= 0x40, try reader.read(UInt16.self, at: 0, "the MZ signature") == 0x5A4D else {
        throw PEImageError.notPE("no MZ signature")
      }
      let header = UInt64(try reader.read(UInt32.self, at: 0x3C, "e_lfanew"))
      guard try reader.read(UInt32.self, at: header, "the PE signature") == 0x0000_4550 else {
        throw PEImageError.notPE("no PE signature at e_lfanew 0x\(String(header, radix: 16))")
      }
      let coff = header + 4
      machine = try reader.read(UInt16.self, at: coff, "the machine")
      let sectionCount = UInt64(try reader.read(UInt16.self, at: coff + 2, "the section count"))
      timestamp = try reader.read(UInt32.self, at: coff + 4, "the time stamp")
      let optionalSize = UInt64(try reader.read(UInt16.self, at: coff + 16, "the optional header size"))
      let optional = coff + 20
      let magic = try reader.read(UInt16.self, at: optional, "the optional header magic")
      guard magic == 0x10B || magic == 0x20B else {
        throw PEImageError.damaged(ReadError(.invalidValue, at: optional, reading: "the optional header magic 0x\(String(magic, radix: 16))"))
      }
      isPE32Plus = magic == 0x20B
      entryPoint = try reader.read(UInt32.self, at: optional + 16, "the entry point")
      imageBase =
        isPE32Plus
        ? try reader.read(UInt64.self, at: optional + 24, "the image base")
        : UInt64(try reader.read(UInt32.self, at: optional + 28, "the image base"))
      sizeOfImage = try reader.read(UInt32.self, at: optional + 56, "SizeOfImage")
      let countOffset = optional + (isPE32Plus ? 108 : 92)
      let directoryCount = min(UInt64(try reader.read(UInt32.self, at: countOffset, "the data directory count")), 16)
      guard countOffset + 4 + directoryCount * 8 <= optional + optionalSize else {
        throw PEImageError.damaged(ReadError(.outOfBounds, at: countOffset, reading: "the data directories"))
      }
      directories = []
      for index in 0..<directoryCount {
        let entry = countOffset + 4 + index * 8
        directories.append(
          (try reader.read(UInt32.self, at: entry, "a data directory"), try reader.read(UInt32.self, at: entry + 4, "a data directory")))
      }
      let table = optional + optionalSize
      try reader.checkArray(count: sectionCount, size: 40, at: table, "the section table")
      sections = []
      for index in 0..<sectionCount {
        let entry = table + index * 40
        let nameBytes = try reader.slice(at: entry, length: 8, "a section name")
        let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
        sections.append(
          PESection(
            name: name, virtualAddress: try reader.read(UInt32.self, at: entry + 12, "a section address"),
            virtualSize: try reader.read(UInt32.self, at: entry + 8, "a section size"),
            rawOffset: try reader.read(UInt32.self, at: entry + 20, "a section's file offset"),
            rawSize: try reader.read(UInt32.self, at: entry + 16, "a section's file size")))
      }
    } catch let error as PEImageError {
      throw error
    } catch let error as ReadError {
      throw .damaged(error)
    } catch {
      throw .notPE("\(error)")
    }
  }

  /// `x86`, `x86_64`, `arm64` as Breakpad names them, or the machine number.
  public var cpuName: String {
    switch machine {
    case 0x14C: "x86"
    case 0x8664: "x86_64"
    case 0xAA64: "arm64"
    default: "machine-0x" + String(machine, radix: 16)
    }
  }

  /// The code id Breakpad and symbol servers use: the time stamp (8 hex digits) then
  /// SizeOfImage (hex), upper-case digits as Breakpad prints them.
  public var codeIdentifier: String {
    HexFormat.digits(UInt64(timestamp), width: 8).uppercased() + String(sizeOfImage, radix: 16).uppercased()
  }

  /// The data directory `directory`, when present and not empty.
  public func directory(_ directory: Directory) -> (rva: UInt32, size: UInt32)? {
    guard directory.rawValue < directories.count else { return nil }
    let entry = directories[directory.rawValue]
    return entry.rva == 0 || entry.size == 0 ? nil : entry
  }

  /// The file offset of `length` bytes at `rva`, when one section's file bytes hold them all.
  public func fileOffset(ofRVA rva: UInt32, length: UInt32) -> UInt64? {
    for section in sections where rva >= section.virtualAddress {
      let delta = UInt64(rva - section.virtualAddress)
      guard delta + UInt64(length) <= UInt64(section.rawSize) else { continue }
      let offset = UInt64(section.rawOffset) + delta
      return reader.contains(offset: offset, length: UInt64(length)) ? offset : nil
    }
    return nil
  }

  /// A little-endian value at `rva`.
  func read<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, rva: UInt32, _ what: @autoclosure () -> String)
    throws(ReadError) -> T
  {
    guard let offset = fileOffset(ofRVA: rva, length: UInt32(MemoryLayout<T>.size)) else {
      throw ReadError(.outOfBounds, at: UInt64(rva), reading: what() + " (RVA outside the sections)")
    }
    return try reader.read(T.self, at: offset, what())
  }

  /// A NUL-terminated string at `rva` (at most `limit` bytes).
  func string(rva: UInt32, limit: Int = 4096) -> String? {
    guard let offset = fileOffset(ofRVA: rva, length: 1) else { return nil }
    var end = Int(offset)
    let stop = min(reader.count, Int(offset) + limit)
    while end < stop && reader.bytes[end] != 0 { end += 1 }
    return String(decoding: UnsafeRawBufferPointer(rebasing: reader.bytes[Int(offset)..<end]), as: UTF8.self)
  }

  /// The CodeView record of the debug directory: (PDB file name as recorded, debug id).
  public func codeView() -> (pdb: String?, identifier: String?)? {
    guard let debug = directory(.debug) else { return nil }
    let count = min(UInt32(debug.size) / 28, 64)
    for index in 0..<count {
      let entry = debug.rva &+ index &* 28
      guard let type = try? read(UInt32.self, rva: entry &+ 12, "a debug entry's type"), type == 2,  // CODEVIEW
        let size = try? read(UInt32.self, rva: entry &+ 16, "a debug entry's size"),
        let pointer = try? read(UInt32.self, rva: entry &+ 24, "a debug entry's file offset"),
        let record = try? CodeViewRecord.read(reader, at: UInt64(pointer), length: UInt64(size))
      else { continue }
      return record
    }
    return nil
  }
}
