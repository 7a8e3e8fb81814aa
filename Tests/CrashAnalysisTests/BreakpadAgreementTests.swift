//===--- BreakpadAgreementTests.swift - Walks as Breakpad walks them ---------===//
//
// Composed Linux amd64 dumps (SyntheticMinidump), one per place the walk used
// to part from Google Breakpad's minidump_stackwalk where Breakpad is right:
// a frame pointer equal to the stack pointer, scanning candidates that are a
// module's base or lie outside every function the symbol file knows, scanning
// into the process start block, module names that lost a suffix, and threads
// reordered and renamed.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Minidump
import Symbolication
import Testing

@Suite("Walks Breakpad trusts")
struct BreakpadAgreementTests {
  /// The stores this test made, removed after it.
  let scratch = ScratchDirectories()

  static let stackBase: UInt64 = 0x7ffd_1000_0000
  static let app = (base: UInt64(0x40_0000), size: UInt32(0x2_0000), name: "/usr/bin/app")
  static let libc = (base: UInt64(0x7f00_0000_0000), size: UInt32(0x20_0000), name: "/lib/x86_64-linux-gnu/libc.so.6")
  static let buildID: [UInt8] = Array(1...20)

  static func words(_ values: [UInt64], total: Int = 64) -> [UInt8] {
    (values + [UInt64](repeating: 0, count: max(0, total - values.count))).flatMap { value in
      (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) }
    }
  }

  /// A Linux amd64 dump of one thread (id 7, the crashed one) with `stack` at `stackBase`.
  static func dump(rip: UInt64, rbp: UInt64, stack: [UInt64], total: Int = 64) -> SyntheticMinidump {
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 9
    dump.platformID = 0x8201
    dump.osVersion = (0, 0, 0)
    dump.servicePack = "Linux 6.1.0 #1 SMP x86_64"
    var app = SyntheticModule(base: app.base, size: app.size, name: app.name)
    app.elfBuildID = buildID
    dump.modules = [app, SyntheticModule(base: libc.base, size: libc.size, name: libc.name)]
    let context = SyntheticContext.amd64(rip: rip, rsp: stackBase, rbp: rbp)
    dump.threads = [SyntheticThread(id: 7, context: context, stackBase: stackBase, stack: words(stack, total: total))]
    dump.exception = (threadID: 7, code: 11, address: 0, parameters: [], context: context)
    return dump
  }

  static func report(_ dump: SyntheticMinidump, symbols: String? = nil) throws -> CrashReport {
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let store = symbols.map { SymbolStore(roots: [$0]) }
    let report = try Analyser().analyse(path: file.path, unwindData: store.map { StoreUnwindData(store: $0) })
    return store.map { Symbolicator(store: $0).symbolicate(report) } ?? report
  }

  /// A symbol store holding `text` as the Breakpad file of the dump's module `name`.
  func store(for dump: SyntheticMinidump, module name: String, _ text: String) throws -> String {
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let parsed = try MinidumpFile(path: file.path)
    let module = try #require(parsed.modules.first { $0.name.hasSuffix(name) }).codeModule
    let debugFile = try #require(module.debugFile)
    let identifier = try #require(module.debugIdentifier)
    let root = scratch.path("agreement-store")
    let directory = "\(root)/\(debugFile)/\(identifier)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try "MODULE Linux x86_64 \(identifier) \(debugFile)\n\(text)".write(
      toFile: "\(directory)/\(debugFile).sym", atomically: true, encoding: .utf8)
    return root
  }

  @Test("a: rbp equal to rsp is a frame pointer (pushed, then set from rsp): the chain is followed from the first frame")
  func framePointerAtStackPointer() throws {
    let top = Self.stackBase
    var stack = [top + 0x40, Self.app.base + 0x1234]
    stack += [UInt64](repeating: 0, count: 6)
    stack += [top + 0x80, Self.libc.base + 0x1234]
    let report = try Self.report(Self.dump(rip: Self.app.base + 0x1100, rbp: top, stack: stack))
    let frames = try #require(report.crashedThread).frames
    #expect(frames.map(\.trust) == [.context, .framePointer, .framePointer])
    #expect(frames.map { $0.instruction?.rawValue } == [Self.app.base + 0x1100, Self.app.base + 0x1233, Self.libc.base + 0x1233])
    // g. amd64 words are written with all sixteen digits.
    let json = JSONReportWriter.render(report)
    #expect(json.contains("\"instruction\": \"0x0000000000401100\""))
    #expect(json.contains("\"return_address\": \"0x0000000000401234\""))
  }

  @Test("an rbp chain through JIT code (return addresses in no module) is followed, as Breakpad follows it")
  func framePointerThroughJITCode() throws {
    let top = Self.stackBase
    let jit: UInt64 = 0x3a5b_0000_1234
    // Records at +0x10 (return into JIT code), +0x40 (into app), +0x80 ({0, 0}: the end).
    var stack: [UInt64] = [0, 0, top + 0x40, jit, 0, 0, 0, 0, top + 0x80, Self.app.base + 0x1234]
    stack += [UInt64](repeating: 0, count: 6)
    stack += [0, 0]
    let report = try Self.report(Self.dump(rip: Self.app.base + 0x1100, rbp: top + 0x10, stack: stack))
    let frames = try #require(report.crashedThread).frames
    #expect(frames.map { $0.instruction?.rawValue } == [Self.app.base + 0x1100, jit - 1, Self.app.base + 0x1233])
    #expect(frames.map(\.trust) == [.context, .framePointer, .framePointer])
  }

  @Test("Windows x64: no rbp chain is followed (MSVC keeps none); the walk scans, as Breakpad's does")
  func noFramePointersOnWindowsX64() throws {
    let top = Self.stackBase
    // A valid-looking record at +0x10 whose return address is not the first one above rsp.
    let stack: [UInt64] = [Self.libc.base + 0x2000, 0, top + 0x40, Self.app.base + 0x1234]
    var dump = Self.dump(rip: Self.app.base + 0x1100, rbp: top + 0x10, stack: stack)
    dump.platformID = 2
    dump.osVersion = (10, 0, 19045)
    dump.servicePack = nil
    let frames = try #require(try Self.report(dump).crashedThread).frames
    #expect(frames.count >= 2)
    #expect(frames[1].trust == .scan)
    #expect(frames[1].instruction?.rawValue == Self.libc.base + 0x1fff)
    // The same dump from Linux follows the record.
    let linux = try #require(try Self.report(Self.dump(rip: Self.app.base + 0x1100, rbp: top + 0x10, stack: stack)).crashedThread)
    #expect(linux.frames[1].trust == .framePointer)
    #expect(linux.frames[1].instruction?.rawValue == Self.app.base + 0x1233)
  }

  @Test("b: scanning passes over a module's base address and, with symbols, addresses outside every function")
  func scanCandidates() throws {
    let stack = [Self.app.base, Self.app.base + 0x10, Self.libc.base, Self.app.base + 0x1234]
    let dump = Self.dump(rip: Self.app.base + 0x1100, rbp: 0, stack: stack)
    // Without symbols only the base is refused (the call before it would lie outside the module).
    let bare = try #require(try Self.report(dump).crashedThread).frames
    #expect(bare.count >= 2)
    #expect(bare[1].instruction?.rawValue == Self.app.base + 0x0f)
    // With them, 0x10 lies below the first function: only 0x1234 (in main) is a return address.
    let root = try store(for: dump, module: "app", "FUNC 1000 800 0 main\nFUNC 1800 100 0 helper\n")
    let frames = try #require(try Self.report(dump, symbols: root).crashedThread).frames
    #expect(frames.count == 2)
    #expect(frames[1].instruction?.rawValue == Self.app.base + 0x1233)
    #expect(frames[1].trust == .scan)
    #expect(frames[1].resolution?.lookup.function.name == "main")
  }

  @Test("c: scanning stops at the process start block (argc, argv, environment, auxiliary vector)")
  func processStartBlock() throws {
    let top = Self.stackBase
    // A return into libc, then the start block at top + 0x40, whose AT_PHDR and AT_ENTRY
    // point into the executable.
    var stack: [UInt64] = [Self.libc.base + 0x2_9d90, 0, 0, 0, 0, 0, 0, 0]
    stack += [1, top + 0x200, 0, top + 0x210, 0]
    stack += [33, 0x7ffd_2000_0000, 3, Self.app.base + 0x40, 4, 56, 6, 4096, 9, Self.app.base + 0x1000, 0, 0]
    let report = try Self.report(Self.dump(rip: Self.app.base + 0x1100, rbp: 0, stack: stack))
    let frames = try #require(report.crashedThread).frames
    #expect(frames.count == 2)
    #expect(frames.last?.instruction?.rawValue == Self.libc.base + 0x2_9d8f)
    // The same block finder on the dump's memory.
    let file = try TemporaryFile(Self.dump(rip: Self.app.base + 0x1100, rbp: 0, stack: stack).bytes(), suffix: ".dmp")
    let parsed = try MinidumpFile(path: file.path)
    #expect(ProcessStartBlock.start(in: MinidumpMemory(parsed), stackPointer: top, wordSize: 8) == top + 0x40)
    // A stack without one has none.
    #expect(ProcessStartBlock.start(in: MinidumpMemory(parsed), stackPointer: top + 0x100, wordSize: 8) == nil)
  }

  @Test("d: modules keep every suffix of their file name, and their symbol file is found under it")
  func moduleNames() throws {
    var dump = Self.dump(rip: 0x7f10_0000_1100, rbp: 0, stack: [])
    var gcc = SyntheticModule(base: 0x7f10_0000_0000, size: 0x2_0000, name: "/lib/x86_64-linux-gnu/libgcc_s.so.1")
    gcc.elfBuildID = Array(30...49)
    dump.modules.append(gcc)
    let root = try store(for: dump, module: "libgcc_s.so.1", "FUNC 1000 200 0 _Unwind_RaiseException\n")
    let report = try Self.report(dump, symbols: root)
    let frame = try #require(report.crashedThread?.frames.first)
    #expect(frame.resolution?.module == "libgcc_s.so.1")
    #expect(frame.resolution?.lookup.function.name == "_Unwind_RaiseException")
    #expect(report.moduleSymbols.first { $0.module == "libgcc_s.so.1" }?.status == .loaded)
    #expect(report.modules.map(\.stem) == ["app", "libc.so.6", "libgcc_s.so.1"])
  }

  @Test("e: threads keep the dump's order and names; the crashed one is flagged, wherever it is")
  func threadOrderAndNames() throws {
    var dump = Self.dump(rip: Self.app.base + 0x1100, rbp: 0, stack: [])
    let crashed = dump.threads[0]
    let idle = SyntheticContext.amd64(rip: Self.libc.base + 0x500, rsp: Self.stackBase + 0x1_0000, rbp: 0)
    dump.threads = [
      SyntheticThread(id: 5, context: idle, stackBase: Self.stackBase + 0x1_0000, stack: Self.words([])),
      SyntheticThread(id: 6, context: idle, stackBase: Self.stackBase + 0x2_0000, stack: Self.words([])),
      crashed,
    ]
    dump.threads[1].context = SyntheticContext.amd64(rip: Self.libc.base + 0x600, rsp: Self.stackBase + 0x2_0000, rbp: 0)
    dump.threadNames = [(id: 5, name: "main"), (id: 7, name: "worker")]
    let report = try Self.report(dump)
    #expect(report.threads.map(\.id) == [5, 6, 7])
    #expect(report.threads.map(\.label) == ["main", nil, "worker"])
    #expect(report.threads.map(\.isCrashed) == [false, false, true])
    #expect(report.crashedThreadIndex == 2)
    let json = JSONReportWriter.render(report)
    #expect(json.contains("\"crashed_thread\": 2"))
  }
}
