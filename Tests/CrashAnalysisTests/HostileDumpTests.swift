//===--- HostileDumpTests.swift - Minidumps from strangers -------------------===//
//
// Cut, inflated, overlapping, cyclic and oversized dumps: each ends with an
// error or diagnostics naming an offset, in bounded time and memory, never a
// crash.
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Foundation
import Minidump
import Testing

@Suite("Hostile minidumps")
struct HostileDumpTests {
  static func original() throws -> [UInt8] {
    try Array(Data(contentsOf: URL(fileURLWithPath: SharedFixtures.path("fixtures/breakpad/minidump2.dmp"))))
  }

  /// Analyses `bytes` as a dump: the report, or the error's text.
  static func analyse(_ bytes: [UInt8]) throws -> Result<CrashReport, AnalysisError> {
    let file = try TemporaryFile(bytes, suffix: ".dmp")
    do {
      return .success(try Analyser().analyse(path: file.path))
    } catch {
      return .failure(error)
    }
  }

  static func put32(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt32(index * 8)) }
  }

  @Test("cut at every 64-byte boundary of a real dump: an error or diagnostics, never a crash", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func truncatedEverywhere() throws {
    let whole = try Self.original()
    var errors = 0
    var damaged = 0
    for length in stride(from: 0, to: whole.count, by: 64) {
      switch try Self.analyse(Array(whole.prefix(length))) {
      case .failure(let error):
        errors += 1
        #expect(!error.description.isEmpty)
      case .success(let report):
        if !report.diagnostics.isEmpty { damaged += 1 }
      }
    }
    #expect(errors > 0)
    #expect(damaged > 0)
  }

  @Test("a stream count of 2³²−1 is refused with the offset", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func hugeStreamCount() throws {
    var bytes = try Self.original()
    Self.put32(0xFFFF_FFFF, at: 8, in: &bytes)
    guard case .failure(let error) = try Self.analyse(bytes) else {
      Issue.record("accepted")
      return
    }
    #expect(error.description.contains("offset 0x8"))
    #expect(error.description.contains("4294967295"))
  }

  @Test("record counts of 2³²−1 inside streams: the stream is reported, the rest loads", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func hugeRecordCounts() throws {
    var bytes = try Self.original()
    // The module list stream is directory entry 1 (rva 0x1e8); its first word is the count.
    Self.put32(0xFFFF_FFFF, at: 0x1e8, in: &bytes)
    // The memory list (rva 0x1505) likewise.
    Self.put32(0xFFFF_FFFF, at: 0x1505, in: &bytes)
    guard case .success(let report) = try Self.analyse(bytes) else {
      Issue.record("refused")
      return
    }
    #expect(report.modules.isEmpty)
    #expect(report.diagnostics.contains { $0.message.contains("MD_MODULE_LIST_STREAM") && $0.offset == 0x1e8 })
    #expect(report.diagnostics.contains { $0.message.contains("MD_MEMORY_LIST_STREAM") })
    #expect(report.exception != nil)
  }

  @Test("RVAs past the end of the file: reported per record", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func rvasPastTheEnd() throws {
    var bytes = try Self.original()
    // Module 0's name RVA (module list at 0x1e8 + 4, name RVA at +20) and the first memory
    // range's RVA (memory list at 0x1505 + 4, RVA at +12).
    Self.put32(0x7FFF_FFF0, at: 0x1e8 + 4 + 20, in: &bytes)
    Self.put32(0x7FFF_FFF0, at: 0x1505 + 4 + 12, in: &bytes)
    guard case .success(let report) = try Self.analyse(bytes) else {
      Issue.record("refused")
      return
    }
    #expect(report.modules.count == 13)
    #expect(report.modules[0].name.hasPrefix("<unnamed module"))
    #expect(report.diagnostics.contains { $0.message.contains("past the end") })
  }

  @Test("overlapping and cyclic memory ranges: the first range wins, the overlap is reported", .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func overlappingMemory() throws {
    var dump = ExampleDumps.q276222()
    let stack = dump.threads[0]
    // The same stack again, shifted by 16 bytes, and a range that wraps past the top.
    dump.extraMemory = [
      (stack.stackBase + 16, Array(stack.stack.prefix(64))),
      (UInt64.max - 8, [UInt8](repeating: 0xAB, count: 32)),
    ]
    guard case .success(let report) = try Self.analyse(dump.bytes()) else {
      Issue.record("refused")
      return
    }
    #expect(report.diagnostics.contains { $0.message.contains("overlap") })
    #expect(report.threads.first?.frames.count == 9)
  }

  @Test("a 100 MB stack: the walk stays bounded (frame and scan limits)")
  func hugeStack() throws {
    var dump = SyntheticMinidump()
    let size = 100 << 20
    var stack = [UInt8](repeating: 0, count: size)
    // A long chain of frame records that all point at the next one: 100,000 frames deep.
    let base: UInt64 = 0x1000_0000
    for index in 0..<100_000 {
      let offset = index * 64
      let next = UInt32(truncatingIfNeeded: base + UInt64(offset + 64))
      for byte in 0..<4 { stack[offset + byte] = UInt8(truncatingIfNeeded: next >> UInt32(byte * 8)) }
      for byte in 0..<4 { stack[offset + 4 + byte] = UInt8(truncatingIfNeeded: UInt32(0x0040_1000) >> UInt32(byte * 8)) }
    }
    dump.threads = [
      SyntheticThread(id: 1, context: .x86(eip: 0x0040_1000, esp: UInt32(base), ebp: UInt32(base)), stackBase: base, stack: stack)
    ]
    dump.modules = [SyntheticModule(base: 0x0040_0000, size: 0x10000, name: "deep.exe")]
    let started = Date()
    guard case .success(let report) = try Self.analyse(dump.bytes()) else {
      Issue.record("refused")
      return
    }
    #expect(report.threads.first?.frames.count == 1_024)
    #expect(report.diagnostics.contains { $0.message.contains("frame limit") })
    #expect(Date().timeIntervalSince(started) < 30)
  }

  @Test("thread names: each joins its thread; 50,000 threads with 50,000 names are matched by id, not by search")
  func threadNames() throws {
    var dump = SyntheticMinidump()
    let context = SyntheticContext.x86(eip: 0x0040_1000, esp: 0x1000_0000, ebp: 0x1000_0000)
    dump.threads = (1...50_000).map { SyntheticThread(id: UInt32($0), context: context, stackBase: 0x1000_0000, stack: []) }
    dump.threadNames = (1...50_000).reversed().map { (UInt32($0), "worker \($0)") }
    dump.threadNames.append((99_999_999, "no such thread"))
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let parsed = try MinidumpFile(path: file.path)
    #expect(parsed.threads.count == 50_000)
    #expect(parsed.threads.first?.name == "worker 1")
    #expect(parsed.threads.last?.name == "worker 50000")
    #expect(parsed.threads.allSatisfy { $0.name == "worker \($0.id)" })
  }

  /// Modules, unloaded modules and thread names, `count` of each, all naming one 64 KiB string.
  static func sharedNameDump(count: Int) -> [UInt8] {
    var dump = SyntheticMinidump()
    dump.sharesStrings = true
    let name = String(repeating: "N", count: 32_767)
    let context = SyntheticContext.x86(eip: 0x0040_1000, esp: 0x1000_0000, ebp: 0x1000_0000)
    dump.threads = (1...count).map { SyntheticThread(id: UInt32($0), context: context, stackBase: 0x1000_0000, stack: []) }
    dump.threadNames = (1...count).map { (UInt32($0), name) }
    dump.modules = (0..<count).map { SyntheticModule(base: 0x1000_0000 + UInt64($0) * 0x10000, size: 0x1000, name: name) }
    dump.unloadedModules = dump.modules
    return dump.bytes()
  }

  @Test("names that all point at one 64 KiB string: read once, capped, and held to the dump's name budget")
  func sharedStrings() throws {
    let file = try TemporaryFile(Self.sharedNameDump(count: 20_000), suffix: ".dmp")
    let dump = try MinidumpFile(path: file.path)
    #expect(dump.modules.count == 20_000 && dump.unloadedModules.count == 20_000)
    let first = try #require(dump.threads.first?.name)
    #expect(first.utf8.count <= TextLimits.maximumNameBytes && first.hasSuffix(TextLimits.cutMarker))
    let names = dump.modules.map(\.name) + dump.unloadedModules.map(\.name) + dump.threads.compactMap(\.name)
    let total = names.reduce(0) { $0 + $1.utf8.count }
    let placeholders = names.filter { $0.hasPrefix("<name not read") }.count
    #expect(total <= MinidumpOptions().maximumNameBytes + names.count * 80)
    #expect(placeholders > 50_000, "past the budget, names are placeholders")
    #expect(dump.diagnostics.contains { $0.message.contains("names exceed") })
  }

  @Test("the time limit holds while the records of a dump are read")
  func deadlineWhileReading() throws {
    let file = try TemporaryFile(Self.sharedNameDump(count: 5_000), suffix: ".dmp")
    var options = MinidumpOptions()
    options.deadline = 0  // long past
    let dump = try MinidumpFile(path: file.path, options: options)
    #expect(dump.stoppedByDeadline)
    #expect(dump.modules.isEmpty && dump.threads.isEmpty)
    #expect(dump.diagnostics.contains { $0.message.contains("the time limit was reached") })
    var analysis = AnalysisOptions()
    analysis.timeLimit = 1e-9
    let report = try Analyser(options: analysis).analyse(path: file.path)
    #expect(report.diagnostics.contains { $0.severity == .error && $0.message.contains("time limit") })
  }
}
