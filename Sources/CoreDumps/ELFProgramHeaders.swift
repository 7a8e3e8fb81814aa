//===--- ELFProgramHeaders.swift - An ELF image's program headers, wherever its bytes are ---===//
//
// Cores need an image's program headers in two places: in the core's memory at
// an image's load address (the header the kernel kept, CoreModules) and in an
// image's file (a core without NT_FILE, whose libraries come from the dynamic
// linker's list, CoreLinkMap). One reader serves both: it asks its source for
// each range it needs, so a range the source does not hold (memory the core left
// out, bytes past a file's end) ends the reading, and it bounds the count and the
// offset of the table before it asks.
//
//===----------------------------------------------------------------------===//

/// One program header: its kind and where its bytes are in the file and in memory.
struct ELFProgramHeader {
  /// `p_type`: PT_LOAD 1, PT_DYNAMIC 2, PT_INTERP 3, PT_NOTE 4, …
  var kind: UInt32
  /// `p_offset`: where the segment's bytes start in the file.
  var fileOffset: UInt64
  /// `p_vaddr`: where they load, in the image's own addresses.
  var address: UInt64
  /// `p_filesz`: how many of them the file holds.
  var fileSize: UInt64
  /// `p_memsz`: how many the segment takes in memory.
  var memorySize: UInt64
}

/// A little-endian ELF image's type, entry and program headers.
struct ELFProgramHeaders {
  /// The kinds of program header this reader's users look at.
  static let loadable: UInt32 = 1
  static let dynamicSection: UInt32 = 2
  static let notes: UInt32 = 4

  /// The most program headers read (real images have about a dozen).
  static let maximumCount = 256

  /// Whether the image is ELF64.
  var is64Bit: Bool
  /// Whether it is ET_DYN: a shared object or a position-independent program.
  var isShared: Bool
  /// `e_entry`, in the image's own addresses.
  var entry: UInt64
  /// Every program header, in the table's order.
  var headers: [ELFProgramHeader]

  /// Reads the image whose bytes `read(offset, length)` gives, from its start; nil when the
  /// bytes are not an ELF header, the table is implausible or any of it cannot be read.
  init?(read: (_ offset: UInt64, _ length: Int) -> UnsafeRawBufferPointer?) {
    guard let identification = read(0, 52), ELFCoreFile.isLittleEndianELF(identification) else { return nil }
    let wide = identification[4] == 2
    let layout = ELFCoreLayout(is64Bit: wide)
    guard let header = read(0, wide ? 64 : 52) else { return nil }
    let tableOffset = layout.word(header, at: wide ? 32 : 28)
    let entrySize = UInt64(header.loadUnaligned(fromByteOffset: wide ? 54 : 42, as: UInt16.self))
    let count = UInt64(header.loadUnaligned(fromByteOffset: wide ? 56 : 44, as: UInt16.self))
    let fieldsLength = wide ? 56 : 32
    guard entrySize >= UInt64(fieldsLength), count <= UInt64(Self.maximumCount), tableOffset < 1 << 20 else { return nil }
    is64Bit = wide
    isShared = header.loadUnaligned(fromByteOffset: 16, as: UInt16.self) == 3
    entry = layout.word(header, at: 24)
    headers = []
    headers.reserveCapacity(Int(count))
    for index in 0..<count {
      guard let fields = read(tableOffset + index * entrySize, fieldsLength) else { return nil }
      headers.append(
        ELFProgramHeader(
          kind: fields.loadUnaligned(fromByteOffset: 0, as: UInt32.self),
          fileOffset: layout.word(fields, at: wide ? 8 : 4),
          address: layout.word(fields, at: wide ? 16 : 8),
          fileSize: layout.word(fields, at: wide ? 32 : 16),
          memorySize: layout.word(fields, at: wide ? 40 : 20)))
    }
  }

  /// Reads the image in a file's `bytes`.
  init?(file bytes: UnsafeRawBufferPointer) {
    self.init { offset, length in
      guard offset <= UInt64(bytes.count), UInt64(bytes.count) - offset >= UInt64(length) else { return nil }
      return UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<(Int(offset) + length)])
    }
  }

  /// The PT_LOAD headers.
  var loads: [ELFProgramHeader] { headers.filter { $0.kind == Self.loadable } }

  /// The range the loadable segments take in the image's own addresses (the lowest starting at
  /// its page), or nil when there is none or it is implausibly large.
  var extent: (start: UInt64, end: UInt64)? {
    let loads = loads
    guard let low = loads.map({ $0.address & ~0xFFF }).min(),
      let high = loads.map({ $0.address &+ $0.memorySize }).max(), low < high, high - low < 1 << 40
    else { return nil }
    return (low, high)
  }

  /// The address the image was linked to load at, as ELFSymbolFile.loadAddress takes it: the
  /// segment that maps the file's start, else the lowest, at its page.
  var linkedLoadAddress: UInt64? {
    let loads = loads
    let own = loads.first(where: { $0.fileOffset == 0 }).map(\.address) ?? loads.map({ $0.address &- $0.fileOffset }).min()
    return own.map { $0 & ~0xFFF }
  }
}
