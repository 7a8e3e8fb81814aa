//===--- PieceReadTests.swift - Lookups read with pread, not the mapping ----===//
//
// After its scan, a symbol file answers lookups by reading the few bytes each
// needs with `pread` (MappedFile.withBytes, forEachLineChunk), so that no page
// of the mapping becomes resident with the 64 KiB the kernel maps around it.
// The bytes must be the mapping's, a line never split between pieces, a file
// cut short after mapping must read what is left instead of faulting, the
// descriptors kept must stay within their budget, and every answer must be the
// one the mapping gives.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Testing

@testable import BreakpadSymbols
@testable import ByteReading

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Lookups read with pread")
struct PieceReadTests {
  /// A 200 KB file of numbered lines of varied length.
  static func lineText() -> [UInt8] {
    var text = ""
    for index in 0..<6_000 {
      text += "line \(index) " + String(repeating: "x", count: index % 37) + "\n"
    }
    return Array(text.utf8)
  }

  @Test("pread gives the mapping's bytes, clamped to the file, on the stack and on the heap")
  func sameBytes() throws {
    let content = Self.lineText()
    let file = try TemporaryFile(content, suffix: ".txt")
    let kept = try MappedFile(path: file.path, keepingDescriptor: true)
    let mapped = try MappedFile(path: file.path)
    #expect(kept.readsWithoutMapping)
    #expect(!mapped.readsWithoutMapping)
    let ranges = [0..<0, 0..<1, 10..<1_034, 5_000..<5_000 + 5_000, content.count - 3..<content.count + 10, content.count..<content.count + 5]
    for range in ranges {
      let expected = Array(content[range.clamped(to: 0..<content.count)])
      #expect(kept.withBytes(in: range) { Array($0) } == expected)
      #expect(mapped.withBytes(in: range) { Array($0) } == expected)
    }
  }

  @Test("Line pieces hold whole lines and add up to the range", arguments: [64, 100, 4_096])
  func linePieces(chunkSize: Int) throws {
    let content = Self.lineText()
    let file = try TemporaryFile(content, suffix: ".txt")
    let kept = try MappedFile(path: file.path, keepingDescriptor: true)
    for range in [0..<content.count, 7..<20_000, 1_000..<1_001] {
      var pieces: [[UInt8]] = []
      kept.forEachLineChunk(in: range, chunkSize: chunkSize) { pieces.append(Array($0)) }
      #expect(Array(pieces.joined()) == Array(content[range]))
      #expect(pieces.allSatisfy { $0.count <= chunkSize })
      #expect(pieces.dropLast().allSatisfy { $0.last == UInt8(ascii: "\n") })
    }
  }

  @Test("A line longer than a piece is passed cut, and the lines after it whole")
  func overlongLine() throws {
    let text = "first\n" + String(repeating: "y", count: 1_000) + "\nafter one\nafter two\n"
    let file = try TemporaryFile(text: text, suffix: ".txt")
    let kept = try MappedFile(path: file.path, keepingDescriptor: true)
    var lines: [String] = []
    kept.forEachLineChunk(in: 0..<text.utf8.count, chunkSize: 100) { piece in
      lines += String(decoding: piece, as: UTF8.self).split(separator: "\n").map(String.init)
    }
    #expect(lines.first == "first")
    #expect(lines.contains(String(repeating: "y", count: 100)))
    #expect(lines.suffix(2) == ["after one", "after two"])
    #expect(lines.allSatisfy { $0.utf8.count <= 100 })
  }

  @Test("A file cut short after it was mapped reads what is left, without a fault")
  func fileCutShort() throws {
    let content = Self.lineText()
    let file = try TemporaryFile(content, suffix: ".txt")
    let kept = try MappedFile(path: file.path, keepingDescriptor: true)
    #expect(truncate(file.path, 4_096) == 0)
    #expect(kept.withBytes(in: 4_000..<8_000) { Array($0) } == Array(content[4_000..<4_096]))
    var total = 0
    kept.forEachLineChunk(in: 0..<content.count, chunkSize: 512) { total += $0.count }
    #expect(total == 4_096)
  }

  @Test("Descriptors are kept within the budget; past it files read through their mapping")
  func descriptorBudget() throws {
    let file = try TemporaryFile(text: "MODULE Linux x86_64 0 budget\nFUNC 10 10 0 f\n", suffix: ".sym")
    let files = try (0..<(DescriptorBudget.limit + 3)).map { _ in try MappedFile(path: file.path, keepingDescriptor: true) }
    #expect(files.filter(\.readsWithoutMapping).count <= DescriptorBudget.limit)
    #expect(files.contains { !$0.readsWithoutMapping })
    #expect(DescriptorBudget.inUse <= DescriptorBudget.limit)
    for mapped in files { #expect(mapped.withBytes(in: 0..<6) { Array($0) } == Array("MODULE".utf8)) }
  }

  /// A composed file with every record lookups read: FUNC with lines and INLINE records,
  /// PUBLIC, STACK WIN with and without a program, STACK CFI.
  static func composedSymbols() -> String {
    var text = "MODULE windows x86 0123456789ABCDEF0123456789ABCDEF1 composed.pdb\nFILE 0 c:\\src\\a.c\nFILE 1 c:\\src\\b.h\n"
    text += "INLINE_ORIGIN 0 inlined_helper\nINLINE_ORIGIN 1 inner_helper\n"
    for index in 0..<3_000 {
      let address = 0x1000 + index * 0x40
      text += "FUNC \(String(address, radix: 16)) 30 4 function_\(index)(int, char *)\n"
      if index % 5 == 0 {
        text += "INLINE 0 \(index) 0 0 \(String(address + 0x10, radix: 16)) 10\n"
        text += "INLINE 1 \(index + 1) 1 1 \(String(address + 0x14, radix: 16)) 8\n"
      }
      for line in 0..<3 {
        text += "\(String(address + line * 0x10, radix: 16)) 10 \(index * 10 + line) \(line % 2)\n"
      }
    }
    for index in 0..<200 {
      text += "PUBLIC \(String(0x1000 + 3_000 * 0x40 + index * 0x20, radix: 16)) 8 public_\(index)\n"
    }
    for index in 0..<1_000 {
      let address = String(0x1000 + index * 0x40, radix: 16)
      if index % 2 == 0 {
        text += "STACK WIN 4 \(address) 30 6 0 4 0 8 0 1 $T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =\n"
      } else {
        text += "STACK WIN 0 \(address) 30 3 0 8 4 c 0 0 1\n"
      }
    }
    for index in 0..<500 {
      let address = 0x1000 + index * 0x40
      text += "STACK CFI INIT \(String(address, radix: 16)) 30 .cfa: $esp 4 + .ra: .cfa -4 + ^\n"
      text += "STACK CFI \(String(address + 1, radix: 16)) .cfa: $esp 8 +\n"
      text += "STACK CFI \(String(address + 3, radix: 16)) .cfa: $ebp 8 + $ebp: .cfa -8 + ^\n"
    }
    return text
  }

  /// Addresses across every kind of record, gaps and the space past the end.
  static let sampleAddresses: [UInt64] = {
    let end: UInt64 = 0x1000 + 3_000 * 0x40 + 200 * 0x20 + 0x100
    return Array(stride(from: UInt64(0xF00), to: end, by: 0x7))
  }()

  @Test("Every lookup, coverage test and unwind record read with pread equals the mapping's")
  func composedAnswersAgree() throws {
    let file = try TemporaryFile(text: Self.composedSymbols(), suffix: ".sym")
    let throughRead = try BreakpadSymbolFile(path: file.path)
    let throughMapping = BreakpadSymbolFile(mapped: try MappedFile(path: file.path))
    #expect(throughRead.errorCount == 0)
    Self.expectSameAnswers(throughRead, throughMapping, at: Self.sampleAddresses)
    let inline = try #require(throughRead.lookup(0x1000 + 0x16))
    #expect(inline.frames.map(\.name) == ["inner_helper", "inlined_helper", "function_0(int, char *)"])
  }

  @Test("A function whose line records fill several pieces answers every address")
  func longFunction() throws {
    var text = "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 long\nFILE 0 /src/long.c\nFUNC 1000 fa00 0 long_function\n"
    for line in 0..<4_000 { text += "\(String(0x1000 + line * 0x10, radix: 16)) 10 \(line + 1) 0\n" }
    let file = try TemporaryFile(text: text, suffix: ".sym")
    let throughRead = try BreakpadSymbolFile(path: file.path)
    let throughMapping = BreakpadSymbolFile(mapped: try MappedFile(path: file.path))
    for line in stride(from: 0, to: 4_000, by: 97) + [3_999] {
      let address = UInt64(0x1000 + line * 0x10 + 0xB)
      let answer = try #require(throughRead.lookup(address))
      #expect(answer.frames.first?.line == line + 1)
      #expect(answer == throughMapping.lookup(address))
    }
  }

  @Test(
    "The fixture symbol files answer alike read with pread and through the mapping",
    .enabled(if: SharedFixtures.has("fixtures/breakpad/symbols"), "needs ../shared/fixtures/breakpad/symbols beside the checkout"))
  func fixtureAnswersAgree() throws {
    for relative in [
      "fixtures/breakpad/symbols/test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym",
      "fixtures/breakpad/symbols/kernel32.pdb/BCE8785C57B44245A669896B6A19B9542/kernel32.sym",
    ] {
      let path = SharedFixtures.path(relative)
      let throughRead = try BreakpadSymbolFile(path: path)
      let throughMapping = BreakpadSymbolFile(mapped: try MappedFile(path: path))
      let end = (throughRead.lastFunctionAddress ?? 0x100_000) + 0x2000
      Self.expectSameAnswers(throughRead, throughMapping, at: Array(stride(from: UInt64(0), to: end, by: 0x1D)))
    }
  }

  static func expectSameAnswers(_ first: BreakpadSymbolFile, _ second: BreakpadSymbolFile, at addresses: [UInt64]) {
    var answered = 0
    for address in addresses {
      let answer = first.lookup(address)
      #expect(answer == second.lookup(address), "lookup at \(String(address, radix: 16))")
      #expect(first.covers(address) == (answer != nil), "covers at \(String(address, radix: 16))")
      #expect(first.windowsFrameInfo(at: address) == second.windowsFrameInfo(at: address))
      #expect(first.cfiRules(at: address) == second.cfiRules(at: address))
      if answer != nil { answered += 1 }
    }
    #expect(answered > addresses.count / 4)
  }
}
