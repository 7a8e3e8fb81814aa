//===--- ARMELFWalkTests.swift - A 32-bit ARM dump walked with an ARM ELF's CFI ===//
//
// Tests/Fixtures/elf/arm_frames.so (clang for armv7a, Thumb-2, built by build.sh)
// holds leaf ← middle ← outer; its call frames are in .debug_frame (and in
// arm_frames_exidx.so, the same code, only in the EHABI tables). A composed
// Linux ARM minidump stops in the leaf, with the stack those functions'
// prologues leave (`push {r4, lr}` in middle, `push {r4, r5, r7, lr}` in outer).
// Walked with the ELF itself in the store (CFI read where the walk asks) and
// with its converted `.sym`: both must give leaf, middle, outer by CFI, the
// leaf's caller through `.ra: lr`, and the registers middle saved.
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

@Suite("32-bit ARM walks with call frames from an ARM ELF")
struct ARMELFWalkTests {
  static let base: UInt64 = 0xb6e0_0000
  static let stackBase: UInt64 = 0xbe80_0000

  /// The dump: pc in the leaf (0x10208), lr just past middle's first `bl` (0x10212, Thumb),
  /// sp at middle's saves {r4, lr}; above them outer's {r4, r5, r7, lr}, whose lr is 0: the
  /// end of the stack.
  static func dump(buildID: String) -> SyntheticMinidump {
    let stack: [UInt32] = [
      0x4444, UInt32(base + 0x10224) | 1,  // middle: outer's r4, return into outer
      0x1111, 0x5555, 0x7777, 0,  // outer: its caller's r4, r5, r7, and lr 0
      0, 0, 0, 0,
    ]
    var module = SyntheticModule(base: base, size: 0x20000, name: "/data/app/lib/arm/arm_frames.so")
    module.elfBuildID = SyntheticModule.bytes(hex: buildID)
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 5
    dump.platformID = 0x8203  // Android
    dump.modules = [module]
    let context = SyntheticContext.arm(
      pc: UInt32(base + 0x10208), sp: UInt32(stackBase), lr: UInt32(base + 0x10212) | 1, general: [4: 0x0404, 7: 0x0707])
    dump.threads = [
      SyntheticThread(
        id: 1, context: context, stackBase: stackBase,
        stack: stack.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32($0 * 8)) } })
    ]
    dump.exception = (threadID: 1, code: 11, address: 0, parameters: [], context: context)
    return dump
  }

  static func thread(_ dump: SyntheticMinidump, store root: String) throws -> CrashThread {
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let store = SymbolStore(roots: [root])
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: file.path, unwindData: StoreUnwindData(store: store)))
    return try #require(report.crashedThread)
  }

  @Test(
    "leaf ← middle ← outer by CFI, from the ELF in the store and from its converted .sym alike, from .debug_frame or EHABI tables",
    arguments: ["elf/arm_frames.so", "elf/arm_frames_exidx.so"])
  func walk(_ fixture: String) throws {
    let path = Fixtures.path(fixture)
    let elf = try ELFSymbolFile(path: path)
    let buildID = try #require(elf.buildID)
    let dump = Self.dump(buildID: buildID)
    let probe = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let identifier = try #require(try MinidumpFile(path: probe.path).modules.first?.codeModule.debugIdentifier)
    let root = NSTemporaryDirectory() + "arm-store-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let folder = "\(root)/arm_frames.so/\(identifier)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)

    try FileManager.default.copyItem(atPath: path, toPath: "\(folder)/arm_frames.so")
    let fromELF = try Self.thread(dump, store: root)
    try FileManager.default.removeItem(atPath: "\(folder)/arm_frames.so")
    let text = elf.breakpadSymbolFile()
    #expect(text.hasPrefix("MODULE Linux arm "))
    #expect(text.contains("STACK CFI INIT 10204 8 .cfa: sp 0 + .ra: lr\n"))
    #expect(text.contains(" 1020c 10 .cfa: sp 0 + .ra: lr\n") || text.contains("STACK CFI INIT 1020c 10 .cfa: sp 8 + .ra: .cfa -4 + ^ r4: .cfa -8 + ^\n"))
    try text.write(toFile: "\(folder)/arm_frames.so.sym", atomically: true, encoding: .utf8)
    let fromSym = try Self.thread(dump, store: root)

    for walked in [fromELF, fromSym] {
      #expect(walked.architecture == .arm)
      #expect(walked.frames.map(\.instruction) == [0x10208, 0x10211, 0x10223].map { Address(Self.base + $0) })
      #expect(walked.frames.map(\.trust) == [.context, .cfi, .cfi])
      #expect(walked.frames.map { $0.resolution?.lookup.function.name } == ["leaf", "middle", "outer"])
      guard case .arm(let outer)? = walked.frames.last?.context else {
        Issue.record("outer's frame has no ARM registers")
        continue
      }
      #expect(outer[.r4] == 0x4444)  // middle saved it
      #expect(outer[.r7] == 0x0707)  // nobody did: kept
    }
  }
}
