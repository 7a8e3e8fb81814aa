//===--- MSFBuilder.swift - MSF 7.00 files composed for tests ----------------===//
//
// Lays streams out as an MSF 7.00 container (LLVM's "The MSF File Format"):
// block 0 the superblock, blocks 1–2 the free block maps, then each stream's
// blocks, the directory's blocks and the block listing them. Tests then damage the
// result field by field.
//
//===----------------------------------------------------------------------===//

struct MSFBuilder {
  static let blockSize = 512

  /// The file bytes holding `streams` (nil: an absent stream) and where the superblock's
  /// fields and the directory are, for tests that damage them.
  static func build(_ streams: [[UInt8]?]) -> (bytes: [UInt8], directoryBlock: Int) {
    var blocks: [[UInt8]] = [[], [], []]  // superblock, two free block maps
    var streamBlocks: [[UInt32]] = []
    for stream in streams {
      var list: [UInt32] = []
      var data = stream ?? []
      while !data.isEmpty {
        let chunk = Array(data.prefix(blockSize))
        data.removeFirst(chunk.count)
        list.append(UInt32(blocks.count))
        blocks.append(chunk)
      }
      streamBlocks.append(list)
    }
    var directory: [UInt8] = []
    append(UInt32(streams.count), to: &directory)
    for stream in streams { append(stream.map { UInt32($0.count) } ?? 0xFFFF_FFFF, to: &directory) }
    for list in streamBlocks { for block in list { append(block, to: &directory) } }
    var directoryBlocks: [UInt32] = []
    var remaining = directory
    while !remaining.isEmpty {
      let chunk = Array(remaining.prefix(blockSize))
      remaining.removeFirst(chunk.count)
      directoryBlocks.append(UInt32(blocks.count))
      blocks.append(chunk)
    }
    var map: [UInt8] = []
    for block in directoryBlocks { append(block, to: &map) }
    let mapBlock = blocks.count
    blocks.append(map)

    var superblock = Array("Microsoft C/C++ MSF 7.00\r\n".utf8) + [0x1A, 0x44, 0x53, 0, 0, 0]
    append(UInt32(blockSize), to: &superblock)
    append(UInt32(1), to: &superblock)  // free block map
    append(UInt32(blocks.count), to: &superblock)
    append(UInt32(directory.count), to: &superblock)
    append(UInt32(0), to: &superblock)
    append(UInt32(mapBlock), to: &superblock)
    blocks[0] = superblock
    var bytes: [UInt8] = []
    for block in blocks { bytes += block + [UInt8](repeating: 0, count: blockSize - block.count) }
    return (bytes, Int(directoryBlocks.first ?? 0))
  }

  static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }

  static func put<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { for (index, byte) in $0.enumerated() { bytes[offset + index] = byte } }
  }
}
