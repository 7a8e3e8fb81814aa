//===--- ARM64ELFWalkTests.swift - An ARM64 dump walked with an aarch64 ELF's CFI ===//
//
// Tests/Fixtures/elf/arm64_frames.so (clang for aarch64, built by build.sh) holds
// leaf ← middle ← outer. A composed Linux ARM64 minidump stops in the leaf, with
// the stack those functions' prologues leave (middle's and outer's frame records,
// middle's saved x19). Walked with the ELF itself in the store (CFI read where the
// walk asks) and with its converted `.sym`: both must give leaf, middle, outer by
// CFI, the leaf's caller through `.ra: x30`.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import ELFSymbols
import Foundation
import Minidump
import Symbolication
import Testing

@Suite("ARM64 walks with call frames from an aarch64 ELF")
struct ARM64ELFWalkTests {
  static let base: UInt64 = 0x0000_7f00_0000_0000
  static let stackBase: UInt64 = 0x0000_ffff_c000_0000
  static let path = Fixtures.path("elf/arm64_frames.so")

  /// The dump: pc in the leaf (0x10368), lr just past middle's first `bl` (0x10380), sp at
  /// middle's frame record; above it outer's record {0, 0}: the end of the stack.
  static func dump(buildID: String) -> SyntheticMinidump {
    let stack: [UInt64] = [
      stackBase + 0x20, base + 0x103ac, 0x1919, 0,  // middle: record {outer's x29, return into outer}, x19
      0, 0, 0x2020, 0x1919_1919,  // outer: record {0, 0}, x20, x19
      0, 0, 0, 0,
    ]
    var module = SyntheticModule(base: base, size: 0x30000, name: "/data/app/lib/arm64/arm64_frames.so")
    module.elfBuildID = SyntheticModule.bytes(hex: buildID)
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 12
    dump.platformID = 0x8201
    dump.modules = [module]
    let context = SyntheticContext.arm64(pc: base + 0x10368, sp: stackBase, fp: stackBase, lr: base + 0x10380)
    dump.threads = [
      SyntheticThread(
        id: 1, context: context, stackBase: stackBase,
        stack: stack.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> UInt64($0 * 8)) } })
    ]
    dump.exception = (threadID: 1, code: 11, address: 0, parameters: [], context: context)
    return dump
  }

  static func frames(_ dump: SyntheticMinidump, store root: String) throws -> [(UInt64?, FrameTrust, String?)] {
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let store = SymbolStore(roots: [root])
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: file.path, unwindData: StoreUnwindData(store: store)))
    return try #require(report.crashedThread).frames.map {
      ($0.instruction?.rawValue, $0.trust, $0.resolution?.lookup.function.name)
    }
  }

  @Test("leaf ← middle ← outer by CFI, from the ELF in the store and from its converted .sym alike")
  func walk() throws {
    let elf = try ELFSymbolFile(path: Self.path)
    let buildID = try #require(elf.buildID)
    let dump = Self.dump(buildID: buildID)
    let probe = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let identifier = try #require(try MinidumpFile(path: probe.path).modules.first?.codeModule.debugIdentifier)
    let root = NSTemporaryDirectory() + "arm64-store-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let folder = "\(root)/arm64_frames.so/\(identifier)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)

    try FileManager.default.copyItem(atPath: Self.path, toPath: "\(folder)/arm64_frames.so")
    let fromELF = try Self.frames(dump, store: root)
    try FileManager.default.removeItem(atPath: "\(folder)/arm64_frames.so")
    try elf.breakpadSymbolFile().write(toFile: "\(folder)/arm64_frames.so.sym", atomically: true, encoding: .utf8)
    let fromSym = try Self.frames(dump, store: root)

    let expected: [(UInt64?, FrameTrust, String?)] = [
      (Self.base + 0x10368, .context, "leaf"), (Self.base + 0x1037c, .cfi, "middle"), (Self.base + 0x103a8, .cfi, "outer"),
    ]
    for walked in [fromELF, fromSym] {
      #expect(walked.map(\.0) == expected.map(\.0))
      #expect(walked.map(\.1) == expected.map(\.1))
      #expect(walked.map(\.2) == expected.map(\.2))
    }
  }
}
