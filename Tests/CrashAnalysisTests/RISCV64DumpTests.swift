//===--- RISCV64DumpTests.swift - A RISC-V 64 minidump, walked as gdb walks ---===//
//
// No RISC-V minidump is at hand, so one is written with the state of the RISC-V
// core fixture (Tests/Fixtures/core: the program stopped at its fault under
// qemu's gdb stub): every register in Breakpad's and Crashpad's RISC-V 64
// context, the stack the core kept, the program as a module with its build id.
// Read through the whole pipeline, with the real ELF file in a store, its
// crashed thread walks to gdb's frames by the file's CFI.
//
//===----------------------------------------------------------------------===//

import CoreDumps
import CrashAnalysis
import CrashCore
import CrashTestSupport
import ELFSymbols
import Foundation
import Symbolication
import Testing

@Suite("RISC-V 64 minidumps")
struct RISCV64DumpTests {
  let scratch = ScratchDirectories()
  static let name = "ledger_crash-riscv64"

  /// The core's crashed thread as a Linux RISC-V 64 minidump with the program as its module.
  static func dump() throws -> SyntheticMinidump {
    let core = try ELFCoreFile(path: Fixtures.path("core/\(name).core"))
    let thread = try #require(core.threads.first)
    guard case .riscv64(let registers) = thread.context else {
      Issue.record("the core's thread has no RISC-V registers")
      throw CancellationError()
    }
    let sp = try #require(registers[.sp])
    let stack = Array(try #require(core.memory(at: sp, length: 0x200)))
    var general: [Int: UInt64] = [:]
    for (register, value) in registers.knownRegisters where register != .pc { general[register.number] = value }
    let context = SyntheticContext.riscv64(
      pc: try #require(registers[.pc]), sp: sp, ra: try #require(registers[.ra]), s0: try #require(registers[.s0]),
      general: general)
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 0x8006
    dump.platformID = 0x8201
    dump.osVersion = (0, 0, 0)
    dump.servicePack = "Linux 6.6.0 #1 SMP riscv64"
    let program = try #require(core.modules.first)
    var module = SyntheticModule(base: program.base.rawValue, size: UInt32(try #require(program.size)), name: "/opt/ledger/\(name)")
    module.elfBuildID = SyntheticModule.bytes(hex: try #require(try ELFSymbolFile(path: Fixtures.path("core/\(name)")).buildID))
    dump.modules = [module]
    dump.threads = [SyntheticThread(id: thread.id, context: context, stackBase: sp, stack: stack)]
    dump.exception = (threadID: thread.id, code: 11, address: 0x18, parameters: [], context: context)
    return dump
  }

  @Test("the core's state as a minidump: Breakpad's RISC-V 64 context read, the thread walked to gdb's frames by CFI")
  func walkMatchesGDB() throws {
    let binary = Fixtures.path("core/\(Self.name)")
    let buildID = try #require(try ELFSymbolFile(path: binary).buildID)
    let root = try scratch.make("riscv64-store")
    let directory = root + "/\(Self.name)/\(GNUBuildID.breakpadIdentifier(buildID))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: binary, toPath: directory + "/" + Self.name)
    let store = SymbolStore(roots: [root])
    let file = try TemporaryFile(try Self.dump().bytes(), suffix: ".dmp")
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: file.path, unwindData: StoreUnwindData(store: store)))
    #expect(report.input.kind == .minidump)
    let thread = try #require(report.crashedThread)
    #expect(thread.architecture == .riscv64)
    #expect(thread.frames.map { $0.resolution?.lookup.function.name ?? "?" } == (try CoreDumpTests.gdbFunctions(Self.name)))
    #expect(thread.frames.map(\.trust) == [.context, .cfi, .cfi])
    let addresses = thread.frames.prefix(1).compactMap { $0.instruction?.rawValue } + thread.frames.dropLast().compactMap { $0.returnAddress?.rawValue }
    #expect(addresses == (try CoreDumpTests.gdbAddresses(Self.name)))
    #expect(report.exception?.address?.rawValue == 0x18)
  }
}
