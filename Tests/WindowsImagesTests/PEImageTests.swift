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

  @Test("not PE, cut anywhere, or with impossible counts: an error naming the offset, never a crash")
  func damaged() throws {
    #expect(throws: PEImageError.self) { try PEImage(ByteReader(UnsafeRawBufferPointer(start: nil, count: 0))) }
    let text = Array("MZ but nothing else".utf8)
    text.withUnsafeBytes { bytes in
      #expect(throws: PEImageError.self) { try PEImage(ByteReader(bytes)) }
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
