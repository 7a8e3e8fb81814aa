//===--- PEImageTests.swift - PE images against Mozilla dump_syms -----------===//

import ByteReading
import CrashTestSupport
import Foundation
import Testing
import WindowsImages

@Suite("PE images")
struct PEImageTests {
  static func image(_ path: String) throws -> (PEImage, MappedFile) {
    let file = try MappedFile(path: path)
    return (try PEImage(ByteReader(file.bytes)), file)
  }

  @Test(
    "an x64 DLL alone gives mozwer.sym as Mozilla's dump_syms wrote it: MODULE, CODE_ID, FUNC from .pdata, PUBLIC, STACK CFI",
    .enabled(if: SharedFixtures.has("fixtures/dump_syms"), "needs ../shared/fixtures/dump_syms beside the checkout"))
  func mozwer() throws {
    let (image, file) = try Self.image(SharedFixtures.path("fixtures/dump_syms/windows/mozwer.dll"))
    defer { withExtendedLifetime(file) {} }
    #expect(image.cpuName == "x86_64")
    #expect(image.codeIdentifier == "5FDB6A2871000")
    let ours = try PEBreakpadWriter.symbolFile(for: image, fileName: "mozwer.dll").split(separator: "\n")
    let reference = try String(contentsOfFile: SharedFixtures.path("fixtures/dump_syms/windows/mozwer.sym"), encoding: .utf8)
      .split(separator: "\n")
    #expect(ours.count == reference.count)
    var differences = 0
    for (line, expected) in zip(ours, reference) where line != expected {
      differences += 1
      if differences <= 5 { Issue.record("ours: \(line)\nreference: \(expected)") }
    }
    #expect(differences == 0)
  }

  @Test(
    "an x86 DLL: headers, CodeView id and name as Breakpad forms them",
    .enabled(if: SharedFixtures.has("fixtures/dump_syms"), "needs ../shared/fixtures/dump_syms beside the checkout"))
  func basic32() throws {
    let (image, file) = try Self.image(SharedFixtures.path("fixtures/dump_syms/windows/basic32.dll"))
    defer { withExtendedLifetime(file) {} }
    let reference = try String(contentsOfFile: SharedFixtures.path("fixtures/dump_syms/windows/basic32.sym"), encoding: .utf8)
    let header = reference.split(separator: "\n").prefix(2).map(String.init)
    let ours = try PEBreakpadWriter.symbolFile(for: image, fileName: "basic32.dll").split(separator: "\n").prefix(2).map(String.init)
    #expect(ours == header)
  }

  /// A minimal PE32+ image: headers, one section at RVA 0x1000 holding `section`, and the
  /// data directories `directories` (index → RVA, size).
  static func syntheticImage(directories: [Int: (UInt32, UInt32)], section: [UInt8] = [UInt8](repeating: 0, count: 0x200)) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 0x400)
    func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
      withUnsafeBytes(of: value.littleEndian) { for (index, byte) in $0.enumerated() { bytes[offset + index] = byte } }
    }
    put(UInt16(0x5A4D), at: 0)
    put(UInt32(0x80), at: 0x3C)
    put(UInt32(0x4550), at: 0x80)
    put(UInt16(0x8664), at: 0x84)  // machine
    put(UInt16(1), at: 0x86)  // sections
    put(UInt32(0x5FDB_6A28), at: 0x88)
    put(UInt16(240), at: 0x94)  // optional header size
    let optional = 0x98
    put(UInt16(0x20B), at: optional)
    put(UInt64(0x1_8000_0000), at: optional + 24)
    put(UInt32(0x3000), at: optional + 56)
    put(UInt32(16), at: optional + 108)
    for (index, entry) in directories {
      put(entry.0, at: optional + 112 + index * 8)
      put(entry.1, at: optional + 116 + index * 8)
    }
    let table = optional + 240
    bytes.replaceSubrange(table..<(table + 5), with: Array(".text".utf8))
    put(UInt32(section.count), at: table + 8)
    put(UInt32(0x1000), at: table + 12)
    put(UInt32(section.count), at: table + 16)
    put(UInt32(0x400), at: table + 20)
    return bytes + section
  }

  @Test("directories at the top of the address space wrap to RVAs no section holds: no trap (found by fuzzing)")
  func wrappingDirectories() throws {
    for index in [0, 3, 6] {
      let bytes = Self.syntheticImage(directories: [index: (0xFFFF_FFF0, 0x1000)])
      try bytes.withUnsafeBytes { raw in
        let image = try PEImage(ByteReader(raw))
        #expect(image.codeIdentifier == "5FDB6A283000")
        _ = try? PEBreakpadWriter.symbolFile(for: image, fileName: "wrap.dll")
      }
    }
    // Exports whose tables point at the top of the address space, and an unwind chain into it.
    var section = [UInt8](repeating: 0, count: 0x200)
    for offset in stride(from: 0, to: 0x40, by: 4) { section.replaceSubrange(offset..<(offset + 4), with: [0xF0, 0xFF, 0xFF, 0xFF]) }
    let image = Self.syntheticImage(directories: [0: (0x1000, 0x40), 3: (0x1000, 0x24)], section: section)
    image.withUnsafeBytes { raw in
      _ = try? PEBreakpadWriter.symbolFile(for: try PEImage(ByteReader(raw)), fileName: "wrap.dll")
    }
  }

  @Test("not PE, cut anywhere, or with impossible counts: an error naming the offset, never a crash")
  func damaged() throws {
    #expect(throws: PEImageError.self) { try PEImage(ByteReader(UnsafeRawBufferPointer(start: nil, count: 0))) }
    let text = Array("MZ but nothing else".utf8)
    text.withUnsafeBytes { bytes in
      _ = #expect(throws: PEImageError.self) { try PEImage(ByteReader(bytes)) }
    }
    guard SharedFixtures.has("fixtures/dump_syms") else { return }
    let whole = try Array(Data(contentsOf: URL(fileURLWithPath: SharedFixtures.path("fixtures/dump_syms/windows/mozwer.dll"))))
    var generator = SeededBytes(seed: 276_222, count: Int.max)
    for _ in 0..<200 {
      var bytes = whole
      // Cut, or overwrite a header byte with a random value.
      if generator.next()! & 1 == 0 {
        bytes = Array(bytes.prefix(Int(generator.nextWord() % UInt64(bytes.count))))
      } else {
        bytes[Int(generator.nextWord() % 1024)] = generator.next()!
      }
      bytes.withUnsafeBytes { raw in
        if let image = try? PEImage(ByteReader(raw)) {
          _ = try? PEBreakpadWriter.symbolFile(for: image, fileName: "mozwer.dll")
        }
      }
    }
  }
}
