//===--- ARM64UnwindTests.swift - ARM64 .pdata/.xdata to STACK CFI ------------===//
//
// Tests/Fixtures/pe-arm64/arm64_unwind.dll (clang-cl for ARM64 Windows) holds packed and
// .xdata unwind data; its expected .sym was checked by hand against llvm-readobj's reading
// of the same data (arm64_unwind.readobj.txt) and the disassembly. Packed words and code
// lists the compiler did not produce are taken from Microsoft's "ARM64 exception handling".
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashTestSupport
import Foundation
import Testing

@testable import WindowsImages

@Suite("ARM64 unwind data")
struct ARM64UnwindTests {
  static let path = Fixtures.path("pe-arm64/arm64_unwind.dll")

  /// The state after the prolog, as `.cfa` and saved registers in STACK CFI spelling.
  static func body(_ prolog: ARM64Prolog?) -> String {
    guard let state = prolog?.states.last else { return "none" }
    let cfa = ".cfa: \(state.cfaFromFramePointer ? "x29" : "sp") \(state.cfaOffset) +"
    let saved = state.savedRegisters.sorted { $0.key < $1.key }.map { "x\($0.key): \($0.value)" }
    return ([cfa] + saved).joined(separator: " ")
  }

  @Test("the DLL's FUNC ranges and STACK CFI: every prolog as llvm-readobj reads its unwind data")
  func fixture() throws {
    let file = try MappedFile(path: Self.path)
    let image = try PEImage(ByteReader(file.bytes))
    #expect(image.cpuName == "arm64")
    let functions = try image.runtimeFunctions()
    #expect(functions.count == 14)
    // callee_saved: packed (flag 1), 132 bytes; medium_frame: .xdata, 116 bytes.
    #expect(functions.contains { $0.begin == 0x1044 && $0.end == 0x1044 + 132 && $0.unwindInfo & 3 == 1 })
    #expect(functions.contains { $0.begin == 0x1144 && $0.end == 0x1144 + 116 && $0.unwindInfo & 3 == 0 })
    let ours = try PEBreakpadWriter.symbolFile(for: image, fileName: "arm64_unwind.dll")
    let expected = try String(contentsOfFile: Fixtures.path("pe-arm64/arm64_unwind.sym"), encoding: .utf8)
    #expect(ours == expected)
    withExtendedLifetime(file) {}
  }

  @Test("packed words: Microsoft's chained example, lr alone, an odd count of integer registers with lr, a fragment")
  func packed() {
    // Example 1 of the documentation: str x19,[sp,#-16]!; sub sp,sp,#0x810; stp fp,lr,[sp]; mov fp,sp.
    let chained = ARM64PackedUnwind(0x4161_01ED)
    #expect(chained.frameSize == 2080 && chained.chainReturn == 3 && chained.savedIntegers == 1)
    let prolog = chained.prolog
    #expect(prolog?.states.count == 5)
    #expect(Self.body(prolog) == ".cfa: x29 2080 + x19: -16 x29: -2080 x30: -2072")
    #expect(prolog.map { Self.body(ARM64Prolog(states: Array($0.states.prefix(3)))) } == ".cfa: sp 2080 + x19: -16")

    // CR 1, RegI 3, FrameSize 48: stp x19,x20,[sp,#-32]!; stp x21,lr,[sp,#16]; sub sp,sp,#16.
    let word: UInt32 = 1 | (20 << 2) | (3 << 16) | (1 << 21) | (3 << 23)
    #expect(Self.body(ARM64PackedUnwind(word).prolog) == ".cfa: sp 48 + x19: -32 x20: -24 x21: -16 x30: -8")
    #expect(ARM64PackedUnwind(word).prolog?.states.count == 4)

    // The same as a fragment (flag 2): no prolog of its own, the host's frame from the start.
    let fragment = ARM64PackedUnwind(word & ~3 | 2).prolog
    #expect(fragment?.states.count == 1)
    #expect(Self.body(fragment) == ".cfa: sp 48 + x19: -32 x20: -24 x21: -16 x30: -8")

    // Homed parameters with nothing else saved, CR 0: four stores then the locals.
    let homed: UInt32 = 1 | (20 << 2) | (1 << 20) | (7 << 23)
    #expect(Self.body(ARM64PackedUnwind(homed).prolog) == ".cfa: sp 112 +")
    #expect(ARM64PackedUnwind(homed).prolog?.states.count == 6)
  }

  @Test("unwind codes: large allocations, add_fp, save_lrpair, save_reg_x, floating-point pairs, a region's host")
  func codes() throws {
    // In execution order: save_reg_x x19 (32); save_lrpair x21,lr at 8; alloc_l 65,536;
    // add_fp 16. Stored reversed: E2 02, E0 00 10 00, D6 41, D4 03, E4.
    let bytes: [UInt8] = [0xE2, 0x02, 0xE0, 0x00, 0x10, 0x00, 0xD6, 0x41, 0xD4, 0x03, 0xE4]
    let codes = try #require(ARM64UnwindCode.decode(bytes))
    #expect(codes.count == 4)
    let prolog = ARM64UnwindCode.prolog(codes)
    #expect(prolog?.states.count == 5)
    #expect(Self.body(prolog) == ".cfa: x29 \(32 + 65_536 - 16) + x19: -32 x21: -24 x30: -16")

    // stp d8,d9,[sp,#-32]! then save_next: the next pair is d10,d11, not an integer pair.
    let floating = try #require(ARM64UnwindCode.decode([0xE6, 0xDA, 0x03, 0xE4]))
    #expect(Self.body(ARM64UnwindCode.prolog(floating)) == ".cfa: sp 32 +")

    // A region whose host built the frame (end_c, then the host's codes): no prolog of its
    // own, the host's frame from its first instruction.
    let region = try #require(ARM64UnwindCode.decode([0xE5, 0xE1, 0x81, 0xE4]))
    let regionProlog = ARM64UnwindCode.prolog(region)
    #expect(regionProlog?.states.count == 1)
    #expect(Self.body(regionProlog) == ".cfa: x29 16 + x29: -16 x30: -8")
  }

  @Test("codes that describe no ordinary frame, or a cut list, give no rules")
  func refused() {
    #expect(ARM64UnwindCode.decode([0xE8, 0xE4]) == nil, "a trap frame")
    #expect(ARM64UnwindCode.decode([0xE9, 0xE4]) == nil, "a machine frame")
    #expect(ARM64UnwindCode.decode([0xE7, 0x00, 0x00, 0xE4]) == nil, "save_any_reg")
    #expect(ARM64UnwindCode.decode([0xDF, 0x01, 0xE4]) == nil, "an SVE allocation")
    #expect(ARM64UnwindCode.decode([0x02, 0x81]) == nil, "no end")
    #expect(ARM64UnwindCode.decode([0xE0, 0x00, 0x10]) == nil, "a cut alloc_l")
    let orphan = ARM64UnwindCode.decode([0xE6, 0xE4]).flatMap(ARM64UnwindCode.prolog)
    #expect(orphan == nil, "save_next with no pair before it")
  }

  /// The file offset of data directory `index` in a PE32+ image.
  static func dataDirectoryOffset(_ bytes: [UInt8], index: Int) -> Int {
    let header = Int(bytes[0x3C]) | Int(bytes[0x3D]) << 8 | Int(bytes[0x3E]) << 16 | Int(bytes[0x3F]) << 24
    return header + 4 + 20 + 112 + index * 8
  }

  @Test("an exception directory pointing outside the image is an error, never a read past it")
  func hostile() throws {
    let original = try Array(Data(contentsOf: URL(fileURLWithPath: Self.path)))
    // The first entry's unwind word → an .xdata RVA far outside every section.
    let entry = try original.withUnsafeBytes { raw in
      let image = try PEImage(ByteReader(raw))
      let directory = try #require(image.directory(PEImage.Directory.exception))
      let section = try #require(image.sections.first { $0.virtualAddress <= directory.rva && directory.rva < $0.virtualAddress + $0.rawSize })
      return Int(section.rawOffset) + Int(directory.rva - section.virtualAddress)
    }
    var damaged = original
    damaged.replaceSubrange((entry + 4)..<(entry + 8), with: [0x00, 0xF0, 0xFF, 0x7F])
    try damaged.withUnsafeBytes { raw in
      let image = try PEImage(ByteReader(raw))
      #expect(try image.runtimeFunctions().count == 13, "the damaged entry is dropped, the others stay")
      let rows = try PEBreakpadWriter.stackCFILines(for: image)
      #expect(rows.filter { $0.hasPrefix("STACK CFI INIT") }.count == 13)
    }
    // The exception directory itself outside the image: an error naming what was read.
    var moved = original
    let directoryEntry = Self.dataDirectoryOffset(original, index: 3)
    moved.replaceSubrange(directoryEntry..<(directoryEntry + 4), with: [0x00, 0x00, 0xF0, 0x7F])
    try moved.withUnsafeBytes { raw in
      let image = try PEImage(ByteReader(raw))
      #expect(throws: ReadError.self) { _ = try image.runtimeFunctions() }
    }
  }
}
