//===--- CoreDumpTests.swift - Linux core files, walked as gdb walks them -------===//
//
// Tests/Fixtures/core holds a small program's cores (Tests/Fixtures/core/build.sh):
// the kernel's, of its x86-64 and x86 builds, qemu's, of its AArch64 and 32-bit
// ARM builds, and one composed in the kernel's layout from its RISC-V 64 build
// stopped at its fault under qemu's gdb stub, each with gdb's `bt` on it. With the program's ELF file in a store, each
// core's crashed thread walks to gdb's frames, in order, by CFI from the ELF
// file; without it, the modules still carry their build ids.
//
//===----------------------------------------------------------------------===//

import CoreDumps
import CrashAnalysis
import CrashCore
import ByteReading
import CrashTestSupport
import ELFSymbols
import Foundation
import Symbolication
import Testing

@Suite("Linux core files")
struct CoreDumpTests {
  let scratch = ScratchDirectories()

  /// gdb's frames' function names, innermost first.
  static func gdbFunctions(_ name: String) throws -> [String] {
    let text = try String(contentsOfFile: Fixtures.path("core/\(name).gdb-bt.txt"), encoding: .utf8)
    return text.split(separator: "\n").compactMap { line in
      guard let range = line.range(of: " in ") else { return nil }
      return String(line[range.upperBound...].prefix { $0 != " " })
    }
  }

  /// A store holding the program's ELF file under its name and debug id.
  func store(for name: String) throws -> SymbolStore {
    let binary = Fixtures.path("core/\(name)")
    let buildID = try #require(try ELFSymbolFile(path: binary).buildID)
    let root = try scratch.make("core-store")
    let directory = root + "/\(name)/\(GNUBuildID.breakpadIdentifier(buildID))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: binary, toPath: directory + "/" + name)
    return SymbolStore(roots: [root])
  }

  @Test(
    "the crashed thread walks to gdb's frames, by the ELF file's CFI",
    arguments: ["ledger_crash-x86_64", "ledger_crash-arm64", "ledger_crash-x86", "ledger_crash-arm", "ledger_crash-riscv64"])
  func walkMatchesGDB(name: String) throws {
    let store = try store(for: name)
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: Fixtures.path("core/\(name).core"), unwindData: StoreUnwindData(store: store)))
    #expect(report.input.kind == .core)
    let thread = try #require(report.crashedThread)
    let functions = thread.frames.map { $0.resolution?.lookup.function.name ?? "?" }
    #expect(functions == (try Self.gdbFunctions(name)))
    #expect(thread.frames.dropFirst().allSatisfy { $0.trust == .cfi })
    #expect(report.exception?.code.rawValue == 11)
    #expect(report.modules.count == 1 && report.modules.first?.name == name)
  }

  @Test("the kernel's core: the signal's code and address, the process, the module's build id from its first page")
  func kernelCoreDetails() throws {
    let core = try ELFCoreFile(path: Fixtures.path("core/ledger_crash-x86_64.core"))
    #expect(core.architecture == .amd64 && core.threads.count == 1)
    #expect(core.signal?.number == 11 && core.signal?.code == 1 && core.signal?.address == 0x18)
    #expect(core.processName == "ledger_crash-x8")
    let module = try #require(core.modules.first)
    let buildID = try ELFSymbolFile(path: Fixtures.path("core/ledger_crash-x86_64")).buildID
    #expect(module.buildID == buildID && module.base.rawValue == 0x400000)
    let report = try Analyser().analyse(path: Fixtures.path("core/ledger_crash-x86_64.core"))
    #expect(report.exception?.description == "SIGSEGV /SEGV_MAPERR" && report.exception?.address?.rawValue == 0x18)
  }

  @Test("32-bit cores: ELF32 headers, the compat notes' layouts, x86's and ARM's registers")
  func thirtyTwoBitCores() throws {
    let x86 = try ELFCoreFile(path: Fixtures.path("core/ledger_crash-x86.core"))
    #expect(x86.architecture == .x86 && !x86.is64Bit && x86.threads.count == 1)
    #expect(x86.signal?.number == 11 && x86.signal?.code == 1 && x86.signal?.address == 0xC)
    #expect(x86.processName == "ledger_crash-x8" && x86.processID == x86.threads.first?.id)
    #expect(x86.mappings.first?.path.hasSuffix("/ledger_crash-x86") == true)
    guard case .x86(let registers) = try #require(x86.threads.first).context else {
      Issue.record("not an x86 context")
      return
    }
    #expect(registers[.eip] == 0x40_1238 && registers[.ebp] == registers[.esp] && registers[.segCs] == 0x23)
    let module = try #require(x86.modules.first)
    #expect(module.base.rawValue == 0x40_0000)
    #expect(module.buildID == (try ELFSymbolFile(path: Fixtures.path("core/ledger_crash-x86")).buildID))

    // qemu-arm writes no NT_SIGINFO and no NT_FILE: the signal from NT_PRSTATUS, the program
    // from the auxiliary vector.
    let arm = try ELFCoreFile(path: Fixtures.path("core/ledger_crash-arm.core"))
    #expect(arm.architecture == .arm && !arm.is64Bit && arm.signal == nil && arm.threads.first?.signal == 11)
    guard case .arm(let armRegisters) = try #require(arm.threads.first).context else {
      Issue.record("not an ARM context")
      return
    }
    #expect(armRegisters[.pc] == 0x2_01AC && armRegisters[.lr] == 0x2_0180 && armRegisters[.cpsr] == 0x10)
    let program = try #require(arm.modules.first)
    #expect(program.name == "ledger_crash-arm" && program.base.rawValue == 0x1_0000)
    #expect(program.buildID == (try ELFSymbolFile(path: Fixtures.path("core/ledger_crash-arm")).buildID))
  }

  /// gdb's frames' addresses, innermost first (the pc, then each caller's return address).
  static func gdbAddresses(_ name: String) throws -> [UInt64] {
    let text = try String(contentsOfFile: Fixtures.path("core/\(name).gdb-bt.txt"), encoding: .utf8)
    return text.split(separator: "\n").compactMap { line in
      line.split(separator: " ").first { $0.hasPrefix("0x") }.flatMap { UInt64($0.dropFirst(2), radix: 16) }
    }
  }

  @Test("RISC-V 64: the notes' registers (pc, then x1 … x31), the signal, the program from NT_FILE with its build id")
  func riscv64Core() throws {
    let core = try ELFCoreFile(path: Fixtures.path("core/ledger_crash-riscv64.core"))
    #expect(core.architecture == .riscv64 && core.is64Bit && core.threads.count == 1)
    #expect(core.signal?.number == 11 && core.signal?.code == 1 && core.signal?.address == 0x18)
    #expect(core.processName == "ledger_crash-ri" && core.processID == core.threads.first?.id)
    guard case .riscv64(let registers) = try #require(core.threads.first).context else {
      Issue.record("not a RISC-V context")
      return
    }
    let gdb = try Self.gdbAddresses("ledger_crash-riscv64")
    #expect(registers[.pc] == gdb.first && registers[.ra] == gdb.dropFirst().first)
    #expect(registers[.a1] == 0x18 && registers[.a2] == 42)
    let module = try #require(core.modules.first)
    #expect(module.base.rawValue == 0x1_0000)
    #expect(module.buildID == (try ELFSymbolFile(path: Fixtures.path("core/ledger_crash-riscv64")).buildID))
  }

  @Test("RISC-V 64 without symbols: the psABI frame chain (s0 the CFA, ra at s0 - 8) finds gdb's frames")
  func riscv64FramePointers() throws {
    let report = try Analyser().analyse(path: Fixtures.path("core/ledger_crash-riscv64.core"))
    let frames = try #require(report.crashedThread).frames
    let addresses = frames.prefix(1).compactMap { $0.instruction?.rawValue } + frames.dropLast().compactMap { $0.returnAddress?.rawValue }
    #expect(addresses == (try Self.gdbAddresses("ledger_crash-riscv64")))
    #expect(frames.dropFirst().allSatisfy { $0.trust == .framePointer })
  }

  /// The AArch64 C library the qemu fixture ran with: Debian 12's libc6-arm64-cross 2.36-8cross1.
  static let crossRoot = "/usr/aarch64-linux-gnu"
  static let crossLibraryBuildID = "67adfea574cc9357d858bf79acc700c660126c81"
  static var hasCrossLibrary: Bool {
    (try? ELFSymbolFile.buildID(atPath: crossRoot + "/lib/libc.so.6")) == crossLibraryBuildID
  }

  @Test("qemu's core lists no file mappings: the program placed through the dynamic linker's list, by its file")
  func linkMapPlacesTheProgram() throws {
    let core = try ELFCoreFile(path: Fixtures.path("core/ledger_dynamic-arm64.core"))
    #expect(core.mappings.isEmpty && core.architecture == .arm64)
    let program = Fixtures.path("core/ledger_dynamic-arm64")
    var asked: [String] = []
    let modules = core.linkMapModules { path in
      asked.append(path)
      return path == "./ledger_dynamic-arm64" ? try? MappedFile(path: program) : nil
    }
    // The program as it was started (AT_EXECFN), then each library the list names, the dynamic
    // linker's own path read from the program's file (its PT_INTERP is in code the core left out).
    #expect(asked == ["./ledger_dynamic-arm64", "/lib/libc.so.6", "/lib/ld-linux-aarch64.so.1"])
    #expect(modules.map(\.name) == ["ledger_dynamic-arm64"])
    #expect(modules.first?.base.rawValue == 0x40_0000)
    #expect(modules.first?.buildID == (try ELFSymbolFile(path: program).buildID))
    // A file that is no ELF file of the core's class places nothing.
    #expect(core.linkMapModules { _ in MappedFile(copying: Array("not ELF".utf8), name: "x") }.isEmpty)
  }

  @Test(
    "qemu's core, the C library from a system root: walked to gdb's frames through it",
    .enabled(if: hasCrossLibrary, "needs Debian 12's libc6-arm64-cross (2.36-8cross1) at /usr/aarch64-linux-gnu; scripts/install-deps installs it"))
  func linkMapWalksThroughTheLibrary() throws {
    let name = "ledger_dynamic-arm64"
    // The program in a store's layout, its only build there (a core without file mappings
    // records no build id to choose by).
    let store = SymbolStore(roots: try store(for: name).roots, systemRoots: [Self.crossRoot])
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: Fixtures.path("core/\(name).core"), unwindData: StoreUnwindData(store: store)))
    #expect(report.modules.map(\.name) == [name, "ld-linux-aarch64.so.1", "libc.so.6"])
    let frames = try #require(report.crashedThread).frames
    let addresses = frames.prefix(1).compactMap { $0.instruction?.rawValue } + frames.dropLast().compactMap { $0.returnAddress?.rawValue }
    #expect(addresses == (try Self.gdbAddresses(name)))
    #expect(frames.dropFirst().allSatisfy { $0.trust == .cfi })
    let functions = frames.map { $0.resolution?.lookup.function.name ?? "?" }
    #expect(functions == ["?", "ledger_note_length", "ledger_total", "main", "?", "__libc_start_main", "_start"])
    #expect(report.diagnostics.contains { $0.message.contains("3 modules from the dynamic linker's list") })
  }

  @Test("tail calls: the functions gdb puts back between a frame and its caller, from DWARF's call sites")
  func tailCalls() throws {
    let name = "ledger_tail"
    let store = try store(for: name)
    let report = Symbolicator(store: store).symbolicate(
      try Analyser().analyse(path: Fixtures.path("core/\(name).core"), unwindData: StoreUnwindData(store: store)))
    let frames = try #require(report.crashedThread).frames
    // Each physical frame, then the functions that reached it by tail calls: gdb's frames.
    let functions = frames.flatMap { frame in
      [frame.resolution?.lookup.function.name ?? "?"] + (frame.resolution?.tailCallers.map(\.lookup.function.name) ?? [])
    }
    #expect(functions == (try Self.gdbFunctions(name)))
    let addresses = frames.flatMap { frame in
      [frame.index == 0 ? frame.instruction?.rawValue : frame.displayedAddress(on: .amd64)?.rawValue]
        + (frame.resolution?.tailCallers.map { Optional($0.address.rawValue) } ?? [])
    }
    #expect(addresses.compactMap { $0 } == (try Self.gdbAddresses(name)))
    let text = TextReportWriter.render(report)
    #expect(text.contains("tail call from ledger_tail!ledger_book+0xa [/core-fixture/ledger_tail.c @ 14]"), "\(text)")
  }

  @Test("damaged cores: cut anywhere, they are read as far as they go or refused naming the file, never a crash")
  func truncated() throws {
    for name in ["ledger_crash-x86_64", "ledger_crash-x86", "ledger_crash-riscv64"] {
      let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("core/\(name).core"))))
      for length in [20, 52, 64, 100, 0x240, 0x1000, 0x3000, bytes.count / 2, bytes.count - 1] {
        let file = try TemporaryFile(Array(bytes.prefix(length)), suffix: ".core")
        do {
          let report = try Analyser().analyse(path: file.path)
          #expect(report.input.kind == .core)
        } catch {
          #expect(error.description.contains(file.path), "\(name) \(length): \(error)")
        }
      }
    }
  }

  @Test("a program linked at 0x400000: lookups and its Breakpad file take addresses relative to it, as dump_syms writes them")
  func executableLoadAddress() throws {
    let program = try ELFSymbolFile(path: Fixtures.path("core/ledger_crash-x86_64"))
    #expect(program.loadAddress == 0x40_0000)
    let funcs = program.breakpadSymbolFile().split(separator: "\n").filter { $0.hasPrefix("FUNC ") }
    let ledgerMain = try #require(funcs.first { $0.hasSuffix(" ledger_main") })
    let start = try #require(UInt64(ledgerMain.split(separator: " ")[1], radix: 16))
    #expect(start < 0x1_0000, "FUNC addresses are relative: \(ledgerMain)")
    #expect(program.lookup(start + 2)?.function.name == "ledger_main")
  }

  @Test("a build's output directory as a root: the program found by its name, only with the build id asked for")
  func programBesideTheCore() throws {
    let root = try scratch.make("core-build")
    let name = "ledger_crash-x86_64"
    func frames() throws -> [String] {
      let store = SymbolStore(roots: [root])
      let report = Symbolicator(store: store).symbolicate(
        try Analyser().analyse(path: Fixtures.path("core/\(name).core"), unwindData: StoreUnwindData(store: store)))
      return report.crashedThread?.frames.compactMap { $0.resolution?.lookup.function.name } ?? []
    }
    // Another program under the name: not taken.
    try FileManager.default.copyItem(atPath: Fixtures.path("core/ledger_crash-arm64"), toPath: root + "/" + name)
    #expect(try frames().isEmpty)
    try FileManager.default.removeItem(atPath: root + "/" + name)
    try FileManager.default.copyItem(atPath: Fixtures.path("core/\(name)"), toPath: root + "/" + name)
    #expect(try frames() == (try Self.gdbFunctions(name)))
  }

  /// A core of x86-64 with one PT_NOTE segment holding `notes`, nothing else.
  static func core(notes: [UInt8]) -> [UInt8] {
    func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
    var header: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1] + [UInt8](repeating: 0, count: 9)
    header += le(UInt16(4)) + le(UInt16(62)) + le(UInt32(1)) + le(UInt64(0)) + le(UInt64(64)) + le(UInt64(0))
    header += le(UInt32(0)) + le(UInt16(64)) + le(UInt16(56)) + le(UInt16(1)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0))
    let program = le(UInt32(4)) + le(UInt32(0)) + le(UInt64(120)) + le(UInt64(0)) + le(UInt64(0))
      + le(UInt64(notes.count)) + le(UInt64(0)) + le(UInt64(4))
    return header + program + notes
  }

  @Test("a last note whose padding runs past its segment, and notes cut short: read, or refused naming the file")
  func notesAtTheSegmentsEnd() throws {
    func le(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
    // `CORE` with a 5-byte descriptor of an unknown type, the segment ending right after it.
    let unpadded = le(5) + le(5) + le(0x1234) + Array("CORE\0\0\0\0".utf8) + [1, 2, 3, 4, 5]
    let core = try ELFCoreFile(file: MappedFile(copying: Self.core(notes: unpadded), name: "unpadded.core"))
    #expect(core.threads.isEmpty && core.architecture == .amd64)
    // A descriptor longer than its segment.
    let long = le(5) + le(400) + le(1) + Array("CORE\0\0\0\0".utf8) + [1, 2, 3, 4]
    #expect(throws: ELFCoreError.self) { try ELFCoreFile(file: MappedFile(copying: Self.core(notes: long), name: "long.core")) }
    // The report says there was no thread.
    let file = try TemporaryFile(Self.core(notes: unpadded), suffix: ".core")
    let report = try Analyser().analyse(path: file.path)
    #expect(report.threads.isEmpty && report.diagnostics.contains { $0.message.contains("NT_PRSTATUS") })
  }

  @Test("an ELF program is no core: refused as such")
  func programIsNoCore() throws {
    #expect(throws: ELFCoreError.notACore(path: Fixtures.path("core/ledger_crash-x86_64"), type: 2)) {
      try ELFCoreFile(path: Fixtures.path("core/ledger_crash-x86_64"))
    }
  }
}
