//===--- ScanReleaseTests.swift - A symbol file never resident whole ---------===//
//
// The scan hands the pages it has passed back to the kernel as it goes
// (MappedFile.releaseResidentPages(before:)), so loading a large .sym costs its
// index, not the whole file at once. The offsets must only move forward, at
// line starts, about every 128 KiB; lookups afterwards read the released pages
// again, from the file, and must answer as before.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashTestSupport
import Testing

@testable import BreakpadSymbols

@Suite("Pages released during the scan")
struct ScanReleaseTests {
  /// A .sym of `count` functions, each with four line records: about 90 bytes a function.
  static func symbolText(functions count: Int) -> String {
    var text = "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 big\nFILE 0 /src/big.c\n"
    for index in 0..<count {
      let address = 0x1000 + index * 0x40
      text += "FUNC \(String(address, radix: 16)) 40 0 function_\(index)\n"
      for line in 0..<4 {
        text += "\(String(address + line * 0x10, radix: 16)) 10 \(index * 10 + line) 0\n"
      }
    }
    return text
  }

  @Test("The scan reports its progress forward, at line starts, every 128 KiB or so")
  func releaseOffsets() {
    let bytes = Array(Self.symbolText(functions: 12_000).utf8)
    var offsets: [Int] = []
    bytes.withUnsafeBytes { buffer in
      var scanner = SymbolFileScanner(bytes: buffer, errorBudget: 0)
      scanner.releasePagesBefore = { offsets.append($0) }
      scanner.scan()
      #expect(scanner.functions.count == 12_000)
    }
    #expect(offsets.count >= bytes.count / (SymbolFileScanner.releaseInterval + 200))
    #expect(offsets.count <= bytes.count / SymbolFileScanner.releaseInterval)
    #expect(offsets == offsets.sorted())
    for (previous, offset) in zip([0] + offsets, offsets) {
      #expect(offset - previous >= SymbolFileScanner.releaseInterval)
      #expect(offset - previous < SymbolFileScanner.releaseInterval + 200)
      #expect(bytes[offset - 1] == UInt8(ascii: "\n"))
    }
  }

  @Test("A file larger than the interval answers every lookup after its pages were released")
  func lookupsAfterRelease() throws {
    let file = try TemporaryFile(text: Self.symbolText(functions: 12_000), suffix: ".sym")
    let symbols = try BreakpadSymbolFile(path: file.path)
    #expect(symbols.errorCount == 0)
    for index in [0, 1, 2_999, 6_000, 11_999] {
      let address = UInt64(0x1000 + index * 0x40 + 0x25)
      let found = try #require(symbols.lookup(address))
      #expect(found.frames.first?.name == "function_\(index)")
      #expect(found.frames.first?.line == index * 10 + 2)
      #expect(found.frames.first?.file == "/src/big.c")
    }
  }

  @Test("Released pages of a mapping read back the file; a copy in memory is left alone")
  func releasedPagesReadBack() throws {
    let content = (0..<(512 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }
    let file = try TemporaryFile(content, suffix: ".bin")
    let mapped = try MappedFile(path: file.path)
    #expect(mapped.bytes.reduce(0) { $0 &+ UInt64($1) } == content.reduce(0) { $0 &+ UInt64($1) })
    mapped.releaseResidentPages(before: 300 * 1024)
    #expect(Array(mapped.bytes) == content)
    let copy = MappedFile(copying: content, name: "copy")
    copy.releaseResidentPages(before: content.count)
    #expect(Array(copy.bytes) == content)
  }
}
