//===--- MSFFile.swift - The multi-stream file under a PDB --------------------===//
//
// A PDB 7.0 is an MSF 7.00 container: a file of fixed-size blocks holding
// numbered streams, each a list of blocks named in a directory.
//   block 0   superblock: "Microsoft C/C++ MSF 7.00\r\n\x1aDS\0\0\0", block size
//             (512–4096), free-block-map block, block count, directory size, reserved,
//             and the block that lists the directory's blocks
//   directory stream count; each stream's size (0xFFFFFFFF: none); then each stream's
//             block numbers, ceil(size / block size) of them
// Every block number is checked against the block count and the file, every count
// against the bytes that could hold it; a stream is copied out only when asked for
// and never larger than the file. Layout: LLVM's "The MSF File Format"
// (llvm.org/docs/PDB/MsfFile.html).
// A PDB 2.00 (VC 2.0–6.0) is the older, small MSF: 16-bit block numbers and counts.
//   header    "Microsoft C/C++ program database 2.00\r\n\x1aJG\0\0" (44 bytes), block
//             size u32, free-block-map block u16, block count u16, directory size u32,
//             reserved u32, then the directory's own block numbers, u16 each
//   directory stream count u16, pad u16; each stream's size u32 and a reserved u32;
//             then each stream's block numbers, u16 each
// (microsoft-pdb's msf.cpp, MSF_HDR and the stream table; Wine's dbghelp reads the same.)
//
//===----------------------------------------------------------------------===//

import ByteReading

/// An MSF 7.00 container: the streams of a PDB 7.0 file.
public struct MSFFile: @unchecked Sendable {
  // Sendable: reads only the caller's immutable mapping.

  /// The magic the first 32 bytes hold.
  public static let magic: [UInt8] = Array("Microsoft C/C++ MSF 7.00\r\n".utf8) + [0x1A, 0x44, 0x53, 0, 0, 0]
  /// The magic the first 44 bytes of a PDB 2.00 hold.
  public static let smallMagic: [UInt8] = Array("Microsoft C/C++ program database 2.00\r\n".utf8) + [0x1A, 0x4A, 0x47, 0, 0]

  /// Which container: MSF 7.00, or the small MSF of PDB 2.00.
  public let isSmall: Bool

  /// The file's bytes.
  public let reader: ByteReader
  /// The block size in bytes.
  public let blockSize: UInt32
  /// The block count the superblock claims (checked against the file).
  public let blockCount: UInt32
  /// Each stream's size, `nil` for an absent stream.
  public let streamSizes: [UInt32?]
  /// Each stream's blocks.
  private let streamBlocks: [[UInt32]]
  /// Called after a stream of 64 KiB or more is copied out of its blocks: a mapped file's
  /// owner drops the pages read, so reading every stream of a large PDB does not keep the
  /// whole file resident.
  public var releasePages: (@Sendable () -> Void)? = nil

  /// Whether `bytes` start with the MSF 7.00 or the PDB 2.00 magic.
  public static func isMSF(_ bytes: UnsafeRawBufferPointer) -> Bool {
    starts(bytes, with: magic) || starts(bytes, with: smallMagic)
  }

  private static func starts(_ bytes: UnsafeRawBufferPointer, with magic: [UInt8]) -> Bool {
    bytes.count >= magic.count && zip(bytes.prefix(magic.count), magic).allSatisfy { $0 == $1 }
  }

  /// Reads the superblock and the stream directory.
  public init(_ reader: ByteReader) throws(PDBError) {
    self.reader = reader
    if Self.starts(reader.bytes, with: Self.smallMagic) {
      isSmall = true
      (blockSize, blockCount, streamSizes, streamBlocks) = try Self.readSmall(reader)
      return
    }
    isSmall = false
    guard Self.starts(reader.bytes, with: Self.magic) else { throw .notAPDB(offset: 0) }
    do {
      blockSize = try reader.read(UInt32.self, at: 32, "the block size")
      guard [512, 1024, 2048, 4096, 8192, 16384, 32768].contains(blockSize) else {
        throw PDBError.badValue(offset: 32, what: "block size", value: UInt64(blockSize))
      }
      let claimedBlocks = try reader.read(UInt32.self, at: 40, "the block count")
      let blocksInFile = UInt64(reader.count) / UInt64(blockSize)
      guard UInt64(claimedBlocks) <= blocksInFile + 1 else {
        throw PDBError.badValue(offset: 40, what: "block count past the end of the file", value: UInt64(claimedBlocks))
      }
      blockCount = claimedBlocks
      let directorySize = try reader.read(UInt32.self, at: 44, "the directory size")
      let blockMapBlock = try reader.read(UInt32.self, at: 52, "the directory's block map")
      let directoryBlockCount = (UInt64(directorySize) + UInt64(blockSize) - 1) / UInt64(blockSize)
      guard directoryBlockCount * 4 <= UInt64(blockSize), directorySize >= 4 else {
        throw PDBError.badValue(offset: 44, what: "directory size", value: UInt64(directorySize))
      }
      let mapOffset = try Self.offset(ofBlock: blockMapBlock, blockSize: blockSize, blockCount: blockCount, in: reader, at: 52)
      var directoryBlocks: [UInt32] = []
      for index in 0..<directoryBlockCount {
        directoryBlocks.append(try reader.read(UInt32.self, at: mapOffset + index * 4, "the directory's block map"))
      }
      let directory = try Self.gather(
        blocks: directoryBlocks, size: directorySize, blockSize: blockSize, blockCount: blockCount, from: reader,
        what: "the stream directory")
      let dir = ByteReader(UnsafeRawBufferPointer(directory))
      defer { directory.deallocate() }
      let streamCount = try dir.read(UInt32.self, at: 0, "the stream count")
      try dir.checkArray(count: UInt64(streamCount), size: 4, at: 4, "the stream sizes")
      var sizes: [UInt32?] = []
      var blocks: [[UInt32]] = []
      sizes.reserveCapacity(Int(streamCount))
      var cursor = 4 + UInt64(streamCount) * 4
      for stream in 0..<UInt64(streamCount) {
        let size = try dir.read(UInt32.self, at: 4 + stream * 4, "a stream size")
        sizes.append(size == 0xFFFF_FFFF ? nil : size)
      }
      for size in sizes {
        let count = (UInt64(size ?? 0) + UInt64(blockSize) - 1) / UInt64(blockSize)
        guard count <= UInt64(blockCount) else {
          throw PDBError.badValue(offset: 44, what: "stream size past the block count", value: UInt64(size ?? 0))
        }
        try dir.checkArray(count: count, size: 4, at: cursor, "a stream's block list")
        var list: [UInt32] = []
        list.reserveCapacity(Int(count))
        for index in 0..<count { list.append(try dir.read(UInt32.self, at: cursor + index * 4, "a stream's block list")) }
        cursor += count * 4
        blocks.append(list)
      }
      streamSizes = sizes
      streamBlocks = blocks
    } catch {
      throw PDBError(error)
    }
  }

  /// The header and directory of a PDB 2.00 (16-bit block numbers).
  private static func readSmall(_ reader: ByteReader) throws(PDBError) -> (UInt32, UInt32, [UInt32?], [[UInt32]]) {
    do {
      let blockSize = try reader.read(UInt32.self, at: 44, "the block size")
      guard [512, 1024, 2048, 4096].contains(blockSize) else {
        throw PDBError.badValue(offset: 44, what: "block size", value: UInt64(blockSize))
      }
      let blockCount = UInt32(try reader.read(UInt16.self, at: 50, "the block count"))
      guard UInt64(blockCount) <= UInt64(reader.count) / UInt64(blockSize) + 1 else {
        throw PDBError.badValue(offset: 50, what: "block count past the end of the file", value: UInt64(blockCount))
      }
      let directorySize = try reader.read(UInt32.self, at: 52, "the directory size")
      let directoryBlockCount = (UInt64(directorySize) + UInt64(blockSize) - 1) / UInt64(blockSize)
      guard directorySize >= 4, 60 + directoryBlockCount * 2 <= UInt64(blockSize) else {
        throw PDBError.badValue(offset: 52, what: "directory size", value: UInt64(directorySize))
      }
      var directoryBlocks: [UInt32] = []
      for index in 0..<directoryBlockCount {
        directoryBlocks.append(UInt32(try reader.read(UInt16.self, at: 60 + index * 2, "the directory's blocks")))
      }
      let directory = try gather(
        blocks: directoryBlocks, size: directorySize, blockSize: blockSize, blockCount: blockCount, from: reader,
        what: "the stream directory")
      defer { directory.deallocate() }
      let dir = ByteReader(UnsafeRawBufferPointer(directory))
      let streamCount = UInt64(try dir.read(UInt16.self, at: 0, "the stream count"))
      try dir.checkArray(count: streamCount, size: 8, at: 4, "the stream sizes")
      var sizes: [UInt32?] = []
      var blocks: [[UInt32]] = []
      var cursor = 4 + streamCount * 8
      for stream in 0..<streamCount {
        let size = try dir.read(UInt32.self, at: 4 + stream * 8, "a stream size")
        sizes.append(size == 0xFFFF_FFFF ? nil : size)
      }
      for size in sizes {
        let count = (UInt64(size ?? 0) + UInt64(blockSize) - 1) / UInt64(blockSize)
        guard count <= UInt64(blockCount) else {
          throw PDBError.badValue(offset: 52, what: "stream size past the block count", value: UInt64(size ?? 0))
        }
        try dir.checkArray(count: count, size: 2, at: cursor, "a stream's block list")
        blocks.append(
          try (0..<count).map { (index) throws(ReadError) in
            UInt32(try dir.read(UInt16.self, at: cursor + index * 2, "a stream's block list"))
          })
        cursor += count * 2
      }
      return (blockSize, blockCount, sizes, blocks)
    } catch {
      throw PDBError(error)
    }
  }

  /// How many streams the directory lists.
  public var streamCount: Int { streamSizes.count }

  /// Stream `index`'s bytes, copied out of its blocks; `nil` when the stream is absent.
  public func stream(_ index: Int) throws(PDBError) -> MSFStream? {
    guard index >= 0, index < streamSizes.count, let size = streamSizes[index] else { return nil }
    do {
      let buffer = try Self.gather(
        blocks: streamBlocks[index], size: size, blockSize: blockSize, blockCount: blockCount, from: reader,
        what: "stream \(index)")
      if size >= 1 << 16 { releasePages?() }
      return MSFStream(index: index, owning: buffer)
    } catch {
      throw .read(error)
    }
  }

  private static func offset(
    ofBlock block: UInt32, blockSize: UInt32, blockCount: UInt32, in reader: ByteReader, at where_: UInt64
  ) throws(ReadError) -> UInt64 {
    guard block < blockCount else { throw ReadError(.invalidValue, at: where_, reading: "block \(block) past the block count") }
    let offset = UInt64(block) * UInt64(blockSize)
    try reader.check(offset: offset, length: 0, "block \(block)")
    return offset
  }

  /// Copies `size` bytes from `blocks` into a new buffer the caller owns.
  private static func gather(
    blocks: [UInt32], size: UInt32, blockSize: UInt32, blockCount: UInt32, from reader: ByteReader, what: String
  ) throws(ReadError) -> UnsafeMutableRawBufferPointer {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(Int(size), 1), alignment: 8)
    var copied = 0
    do {
      for block in blocks where copied < Int(size) {
        let offset = try offset(ofBlock: block, blockSize: blockSize, blockCount: blockCount, in: reader, at: 0)
        let length = min(Int(blockSize), Int(size) - copied)
        let source = try reader.slice(at: offset, length: UInt64(length), what)
        UnsafeMutableRawBufferPointer(rebasing: buffer[copied..<(copied + length)]).copyMemory(from: source)
        copied += length
      }
    } catch {
      buffer.deallocate()
      throw error
    }
    return UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(size)])
  }
}

/// One stream's bytes, owned.
public final class MSFStream: @unchecked Sendable {
  // Sendable: written once in init, read-only after.

  /// The stream's number in the directory.
  public let index: Int
  private let storage: UnsafeMutableRawBufferPointer

  init(index: Int, owning storage: UnsafeMutableRawBufferPointer) {
    self.index = index
    self.storage = storage
  }

  deinit { storage.baseAddress.map { $0.deallocate() } }

  /// A bounds-checked reader over the stream, valid only while this object lives: hold the
  /// stream (as TypeTable and StringTable do) or read inside `withReader`.
  public var reader: ByteReader { ByteReader(UnsafeRawBufferPointer(storage)) }

  /// Runs `body` with a reader over the stream, keeping the stream alive until it returns.
  public func withReader<T, E: Error>(_ body: (ByteReader) throws(E) -> T) throws(E) -> T {
    try withExtendedLifetime(self) { () throws(E) -> T in try body(reader) }
  }
  /// The stream's size.
  public var count: Int { storage.count }
}
