//===--- DecompressorTests.swift - Compressed inputs, expanded --------------===//
//
// Tests/Fixtures/compressed holds a core and a Dr. Watson log compressed by the
// real tools (make.sh, README.md): each must expand to the bytes it was made
// from. Damaged, cut and oversized inputs must end in an error naming the file,
// never a crash, a hang or a short input read as whole.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashTestSupport
import Decompression
import Foundation
import Testing

@Suite("Compressed inputs")
struct DecompressorTests {
  let scratch = ScratchDirectories()

  static let coreStem = "compressed/core.ledger_crash-x86_64.1000.5d3b0e6c1f2a4b7e9c8d7f6e5a4b3c2d.12236.1765090800000000"
  static let cores: [(path: String, format: CompressionFormat)] = [
    (coreStem + ".zst", .zstd), (coreStem + ".xz", .xz), (coreStem + ".lz4", .lz4),
    ("compressed/ledger_crash-x86_64.core.gz", .gzip),
  ]
  static let originalCore = "core/ledger_crash-x86_64.core"

  static func bytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// The expanded file's bytes, read through its mapping.
  static func contents(_ expanded: ExpandedFile) throws -> [UInt8] {
    let mapped = try expanded.map()
    return Array(mapped.bytes)
  }

  @Test("each format is told by its magic number, whatever the file's name", arguments: cores)
  func detection(path: String, format: CompressionFormat) throws {
    let prefix = Array(try Self.bytes(Fixtures.path(path)).prefix(CompressionFormat.magicLength))
    #expect(CompressionFormat.detect(prefix) == format)
  }

  @Test("text, a core and a minidump are not compressed")
  func notCompressed() throws {
    #expect(CompressionFormat.detect(Array("Microsoft (R) Windows NT (TM)".utf8)) == nil)
    #expect(CompressionFormat.detect(Array(try Self.bytes(Fixtures.path(Self.originalCore)).prefix(6))) == nil)
    #expect(CompressionFormat.detect(Array("MDMP".utf8) + [0x93, 0xA7]) == nil)
    #expect(CompressionFormat.detect([0x28, 0xB5]) == nil)
    // Each magic cut short by a byte is no magic.
    #expect(CompressionFormat.detect([0x28, 0xB5, 0x2F]) == nil && CompressionFormat.detect([0xFD, 0x37, 0x7A, 0x58, 0x5A]) == nil)
    #expect(CompressionFormat.detect([0x04, 0x22, 0x4D]) == nil && CompressionFormat.detect([0x1F, 0x8B]) == nil)
    #expect(CompressionFormat.detect([0x1F, 0x8B, 0x08]) == .gzip)
  }

  @Test("a core compressed by zstd, xz, lz4 and gzip expands to the core's bytes", arguments: cores)
  func expandsToTheOriginal(path: String, format: CompressionFormat) throws {
    let compressed = Fixtures.path(path)
    let expanded = try Decompressor.expand(path: compressed, format: format)
    let original = try Self.bytes(Fixtures.path(Self.originalCore))
    #expect(expanded.byteCount == original.count)
    #expect(expanded.compressedByteCount == (try Self.bytes(compressed)).count)
    #expect(expanded.name == compressed)
    #expect(expanded.format == format)
    #expect(try Self.contents(expanded) == original)
    #expect(expanded.prefix(4) == [0x7F, 0x45, 0x4C, 0x46])
  }

  @Test("frames and members one after another read as one file", arguments: [
    ("compressed/drwtsn32.log.zst", CompressionFormat.zstd), ("compressed/drwtsn32.log.gz", .gzip),
  ])
  func concatenated(path: String, format: CompressionFormat) throws {
    let expanded = try Decompressor.expand(path: Fixtures.path(path), format: format)
    let original = try Self.bytes(Fixtures.path("../../Examples/Q276222/drwtsn32.log"))
    #expect(try Self.contents(expanded) == original)
  }

  @Test("an input cut short is an error naming the file and where it ends", arguments: cores)
  func truncated(path: String, format: CompressionFormat) throws {
    let whole = try Self.bytes(Fixtures.path(path))
    for length in [CompressionFormat.magicLength, whole.count / 2, whole.count - 1] {
      let cut = try TemporaryFile(whole.prefix(length), suffix: ".cut")
      #expect {
        _ = try Decompressor.expand(path: cut.path, format: format)
      } throws: { error in
        guard case .damaged(let path, let reported, let offset, let reason) = error as? DecompressionError else {
          return false
        }
        return path == cut.path && reported == format && offset <= length && !reason.isEmpty
      }
    }
  }

  @Test("damaged bytes anywhere end in an error or in bytes, never a trap", arguments: cores)
  func damaged(path: String, format: CompressionFormat) throws {
    let whole = try Self.bytes(Fixtures.path(path))
    var generator = SeededBytes(seed: 0xC0DE + UInt64(whole.count), count: 0)
    var failures = 0
    for _ in 0..<40 {
      var bytes = whole
      let position = Int(generator.nextWord() % UInt64(bytes.count))
      bytes[position] ^= UInt8(truncatingIfNeeded: generator.nextWord() | 1)
      let file = try TemporaryFile(bytes, suffix: ".bad")
      do {
        let expanded = try Decompressor.expand(path: file.path, format: format)
        #expect(expanded.byteCount <= DecompressionLimits().maximumByteCount)
      } catch {
        #expect(error.description.hasPrefix(file.path + ": "))
        failures += 1
      }
    }
    // zstd, xz and gzip carry checksums; lz4's frame is written with none, so a flipped literal passes.
    #expect(format == .lz4 || failures > 30)
  }

  @Test("expanding past the output limit stops with the limit named")
  func outputLimit() throws {
    let (path, format) = Self.cores[0]
    #expect(throws: DecompressionError.tooLarge(path: Fixtures.path(path), format: format, limit: 10_000)) {
      try Decompressor.expand(path: Fixtures.path(path), format: format, limits: DecompressionLimits(maximumByteCount: 10_000))
    }
  }

  @Test("the time limit holds while expanding")
  func timeLimit() throws {
    let (path, format) = Self.cores[1]
    #expect {
      try Decompressor.expand(path: Fixtures.path(path), format: format, limits: DecompressionLimits(timeLimit: -1))
    } throws: { error in
      guard case .timedOut(_, .xz, let seconds, let offset) = error as? DecompressionError else { return false }
      return seconds == -1 && offset == 0
    }
    _ = try Decompressor.expand(path: Fixtures.path(path), format: format, limits: DecompressionLimits(timeLimit: 60))
  }

  @Test("a frame that asks for a window over the decoder's limit is refused before it is allocated")
  func windowLimit() throws {
    let path = Fixtures.path("compressed/window-8mib.zst")
    _ = try Decompressor.expand(path: path, format: .zstd)
    #expect {
      try Decompressor.expand(path: path, format: .zstd, limits: DecompressionLimits(decoderMemoryLimit: 1 << 20))
    } throws: { error in
      guard case .damaged(_, .zstd, _, let reason) = error as? DecompressionError else { return false }
      return reason.contains("memory")
    }
  }

  @Test("the temporary file has no name: nothing is left in the directory, even while the file is open")
  func temporaryFileUnnamed() throws {
    let directory = try scratch.make("expand")
    let (path, format) = Self.cores[1]
    let expanded = try Decompressor.expand(
      path: Fixtures.path(path), format: format, limits: DecompressionLimits(temporaryDirectory: directory))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    #expect(expanded.byteCount > 0)
  }

  @Test("a directory it cannot write to is an error naming it")
  func unwritableDirectory() throws {
    let (path, format) = Self.cores[0]
    let missing = scratch.path("no-such-directory")
    #expect {
      try Decompressor.expand(
        path: Fixtures.path(path), format: format, limits: DecompressionLimits(temporaryDirectory: missing))
    } throws: { error in
      guard case .cannotWrite(_, let directory, let reason) = error as? DecompressionError else { return false }
      return directory == missing && !reason.isEmpty
    }
  }

  @Test("a missing file is an error naming it")
  func missingFile() {
    #expect {
      try Decompressor.expand(path: "/nonexistent/core.zst", format: .zstd)
    } throws: { error in
      (error as? DecompressionError)?.description.hasPrefix("/nonexistent/core.zst: cannot read") == true
    }
  }
}
