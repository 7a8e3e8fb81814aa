//===--- CrashpadAddressMaskTests.swift - Crashpad's address_mask in a walk ----===//
//
// An ARM64 dump whose frame record returns into JIT code (no module holds it)
// through a pointer-authentication-signed address: the report strips the
// codes by the mask Crashpad's info stream gives, and keeps them without it.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Testing

@Suite("Crashpad's pointer-authentication mask in ARM64 walks")
struct CrashpadAddressMaskTests {
  static let base: UInt64 = 0x0000_5555_0000_0000
  static let stackBase: UInt64 = 0x0000_7fff_f000_0000
  static let signed: UInt64 = 0x002a_0000_0000_0000
  static let jit: UInt64 = 0x0000_7f00_1234_5678

  static func report(mask: UInt64?) throws -> CrashReport {
    var stack = StackSection(base: stackBase)
    stack.fill(32)
    stack.arm64FrameRecords(returning: [signed | jit, 0])
    let finished = stack
    let context = SyntheticContext.arm64(
      pc: base + 0x1010, sp: stackBase, fp: finished.address(of: "record1"), lr: signed | (base + 0x2010))
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 12
    dump.platformID = 0x8201
    dump.threads = [SyntheticThread(id: 7, context: context, stackBase: finished.base, stack: finished.finished())]
    dump.modules = [SyntheticModule(base: base, size: 0x10000, name: "/system/lib64/libapp.so")]
    dump.exception = (threadID: 7, code: 11, address: 0, parameters: [], context: context)
    if let mask {
      var info = SyntheticCrashpadInfo()
      info.addressMask = mask
      dump.crashpad = info
    }
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    return try Analyser().analyse(path: file.path)
  }

  @Test("the dump's mask clears the codes of a return address no module holds; without it they stay")
  func maskFromTheDump() throws {
    let masked = try #require(try Self.report(mask: 0xFFFF_0000_0000_0000).threads.first?.frames)
    let unmasked = try #require(try Self.report(mask: nil).threads.first?.frames)
    #expect(masked.count == 3 && unmasked.count == 3)
    #expect(masked.last?.instruction == Address(Self.jit - 4))
    #expect(unmasked.last?.instruction == Address((Self.signed | Self.jit) - 4))
  }
}
