//===--- ELFDumpTests.swift - `symbols dump` of ELF files ----------------------===//
//
// Against Mozilla dump_syms' reference output for the shared fixtures (basic.full,
// its debug file basic.dbg, with and without inline records), and, for this project's
// own ELF fixtures, against the ELF reader's own lookups: the dumped .sym must answer
// every .text address inside a function with the same functions, inlined calls and lines.
// (Two things Breakpad's format cannot say are left out: a line row in alignment padding
// outside every function, and the end of a sized symbol — PUBLIC records have no size.)
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import ByteReading
import CrashAnalysis
import CrashCore
import CrashTestSupport
import ELFSymbols
import Foundation
import Symbolication
import Testing

@Suite("ELF → Breakpad .sym")
struct ELFDumpTests {
  static let available = SharedFixtures.has("fixtures/dump_syms/linux")

  static func reference(_ name: String) throws -> String {
    try String(
      contentsOfFile: SharedFixtures.path("fixtures/dump_syms/linux/\(name)"), encoding: .utf8)
  }

  /// The records with INLINE_ORIGIN numbers replaced by the names they stand for (the
  /// numbering is the writer's choice).
  static func originsByName(_ text: String) -> [String] {
    var origins: [String: String] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("INLINE_ORIGIN ") {
      let parts = line.split(separator: " ", maxSplits: 2)
      origins[String(parts[1])] = String(parts[2])
    }
    return text.split(separator: "\n").filter { !$0.hasPrefix("INLINE_ORIGIN ") }.map { line in
      guard line.hasPrefix("INLINE ") else { return String(line) }
      var parts = line.split(separator: " ").map(String.init)
      parts[4] = origins[parts[4]] ?? "?"
      return parts.joined(separator: " ")
    }
  }

  @Test(
    "basic.full and basic.dbg: dump_syms' .sym, record for record",
    .enabled(if: available, "needs ../shared/fixtures/dump_syms"),
    arguments: ["basic.full", "basic.dbg"])
  func dumpSyms(_ name: String) throws {
    let dumped = try SymbolFileDumper.symbolFile(
      at: SharedFixtures.path("fixtures/dump_syms/linux/\(name)"))
    #expect(dumped == (try Self.reference("\(name).sym")))
  }

  /// One rule set as a map, later rules replacing earlier ones; a register said to keep its
  /// value (`$rbx: $rbx`, what a delta record writes when a rule ends) counts as having no
  /// rule, as the walkers treat callee-saved registers without one.
  static func merged(_ rules: [String]) -> [String: String] {
    var map: [String: String] = [:]
    for text in rules {
      var name: String?
      var expression: [Substring] = []
      func flush() {
        guard let name else { return }
        let value = expression.joined(separator: " ")
        if value == name { map[name] = nil } else { map[name] = value }
      }
      for token in text.split(separator: " ") {
        if token.hasSuffix(":") {
          flush()
          name = String(token.dropLast())
          expression = []
        } else {
          expression.append(token)
        }
      }
      flush()
    }
    return map
  }

  @Test(
    "a walk's CFI rules read from an ELF file where asked equal its converted STACK CFI records, at every address they cover",
    arguments: [
      "elf/inline_demo", "elf/inline_demo_clang", "elf/arm64_frames.so", "elf/arm_frames.so", "elf/arm_frames_exidx.so",
      "shared:basic.full", "shared:basic.dbg",
    ])
  func callFramesWhereAsked(_ name: String) throws {
    let path: String
    if name.hasPrefix("shared:") {
      guard Self.available else { return }
      path = SharedFixtures.path("fixtures/dump_syms/linux/\(name.dropFirst(7))")
    } else {
      path = Fixtures.path(name)
    }
    let elf = try ELFSymbolFile(path: path)
    let text = elf.breakpadSymbolFile()
    let converted = BreakpadSymbolFile(mapped: MappedFile(copying: Array(text.utf8), name: path))
    // Where a record starts, a row Breakpad can say starts.
    var recordStarts = Set<UInt64>()
    for line in text.split(separator: "\n") where line.hasPrefix("STACK CFI ") {
      let fields = line.split(separator: " ")
      recordStarts.insert(try #require(UInt64(fields[2] == "INIT" ? fields[3] : fields[2], radix: 16)))
    }
    var checked = 0
    var unsayable = 0
    for line in text.split(separator: "\n") where line.hasPrefix("STACK CFI INIT ") {
      let fields = line.split(separator: " ")
      let start = try #require(UInt64(fields[3], radix: 16))
      let size = try #require(UInt64(fields[4], radix: 16))
      for address in start..<(start + size) {
        let expected = try #require(converted.cfiRules(at: address))
        // A row whose CFA is a DWARF expression (a PLT entry's) has no rules here, where the
        // converted records carry the row before it on: never a different rule set.
        guard let found = elf.cfiRules(at: address) else {
          #expect(!recordStarts.contains(address), "no rules at \(String(address, radix: 16))")
          unsayable += 1
          continue
        }
        #expect(Self.merged(found.rules) == Self.merged(expected.rules), "at \(String(address, radix: 16))")
        checked += 1
      }
    }
    #expect(checked >= 40)  // arm_frames.so, the smallest, covers 44 bytes
    #expect(unsayable * 4 < checked)
    #expect(elf.cfiRules(at: 0) == nil)
  }

  @Test(
    "a debug file alone finds its image beside it; a FIFO in the same directory does not stop the search",
    .enabled(if: available, "needs ../shared/fixtures/dump_syms"))
  func debugFileBesideFIFO() throws {
    let directory = NSTemporaryDirectory() + "elf-dump-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    #expect(mkfifo(directory + "/a-fifo", 0o600) == 0)
    for name in ["basic.dbg", "basic.full"] {
      try FileManager.default.copyItem(
        atPath: SharedFixtures.path("fixtures/dump_syms/linux/\(name)"), toPath: "\(directory)/\(name)")
    }
    #expect(try SymbolFileDumper.symbolFile(at: directory + "/basic.dbg") == (try Self.reference("basic.dbg.sym")))
  }

  @Test(
    "basic.full with inline records: dump_syms' .sym, origins compared by name",
    .enabled(if: available, "needs ../shared/fixtures/dump_syms"))
  func inlines() throws {
    let dumped = try SymbolFileDumper.symbolFile(
      at: SharedFixtures.path("fixtures/dump_syms/linux/basic.full"), inlines: true)
    #expect(
      Self.originsByName(dumped) == Self.originsByName(try Self.reference("basic.full.inlines.sym"))
    )
  }

  @Test(
    "this project's ELF fixtures: the dumped .sym answers every .text address as the ELF reader does",
    arguments: ["inline_demo", "inline_demo_clang"])
  func agreesWithReader(_ binary: String) throws {
    let path = Fixtures.path("elf/\(binary)")
    let reader = try ELFSymbolFile(path: path)
    let text = try SymbolFileDumper.symbolFile(at: path, inlines: true)
    let dumped = BreakpadSymbolFile(mapped: MappedFile(copying: Array(text.utf8), name: binary))
    #expect(!dumped.isCorrupt)
    let addresses = try String(
      contentsOfFile: Fixtures.path("elf/\(binary).addresses"), encoding: .utf8
    )
    .split(separator: "\n").compactMap { UInt64($0.dropFirst(2), radix: 16) }
    var differences: [String] = []
    var compared = 0
    for address in addresses {
      let expected = reader.lookup(address)
      guard let expected, expected.kind != .lineOnly else { continue }
      compared += 1
      let answered = dumped.lookup(address)
      let expectedNames = expected.frames.map(\.name)
      let answeredNames = answered?.frames.map(\.name) ?? []
      let expectedLine = expected.frames.first?.line
      let answeredLine = answered?.frames.first?.line
      if expectedNames != answeredNames || expectedLine != answeredLine {
        differences.append(
          "0x\(String(address, radix: 16)): \(expectedNames) line \(expectedLine ?? 0) vs \(answeredNames) line \(answeredLine ?? 0)"
        )
      }
    }
    #expect(differences.isEmpty, "\(differences.count) of \(compared): \(differences.prefix(8))")
    #expect(compared > addresses.count * 9 / 10)
    #expect(text.contains("STACK CFI INIT"))
  }

  @Test(
    "a Linux minidump walks with STACK CFI read from the ELF file in the store, as with its dumped .sym"
  )
  func walkWithELFCallFrames() throws {
    let buildID = "c6237e31390601d51dc27e7290e840122d62deb0"  // readelf -n Tests/Fixtures/elf/inline_demo
    let base: UInt64 = 0x5555_0000_0000
    var module = SyntheticModule(base: base, size: 0x5000, name: "/usr/bin/inline_demo")
    module.elfBuildID = SyntheticModule.bytes(hex: buildID)
    // In parse_record (CFA = rsp + 8 throughout): the return address at rsp, into main,
    // whose CFA after its prolog is rbp + 16; main's own return address (0) ends the walk.
    var dump = SyntheticMinidump.linuxAmd64(module: module, rip: base + 0x1260)
    let stackBase: UInt64 = 0x7ffd_0000_0000
    var words = [UInt64](repeating: 0, count: 16)
    words[0] = base + 0x1090
    let stack = words.flatMap { value in
      (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64($0 * 8)) }
    }
    let context = SyntheticContext.amd64(rip: base + 0x1260, rsp: stackBase, rbp: stackBase + 0x40)
    dump.threads = [SyntheticThread(id: 1, context: context, stackBase: stackBase, stack: stack)]
    dump.exception = (threadID: 1, code: 11, address: 0, parameters: [], context: context)
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let identifier = "317E23C60639D5011DC27E7290E840120"

    func walk(storing source: String, as name: String) throws -> [(UInt64?, FrameTrust)] {
      let root = NSTemporaryDirectory() + "elf-walk-\(UUID().uuidString)"
      defer { try? FileManager.default.removeItem(atPath: root) }
      try FileManager.default.createDirectory(
        atPath: "\(root)/inline_demo/\(identifier)", withIntermediateDirectories: true)
      try FileManager.default.copyItem(
        atPath: source, toPath: "\(root)/inline_demo/\(identifier)/\(name)")
      let store = SymbolStore(roots: [root])
      let report = try Analyser().analyse(
        path: file.path, unwindData: StoreUnwindData(store: store))
      return try #require(report.crashedThread).frames.map { ($0.instruction?.rawValue, $0.trust) }
    }
    let dumped = try TemporaryFile(
      Array(try SymbolFileDumper.symbolFile(at: Fixtures.path("elf/inline_demo")).utf8),
      suffix: ".sym")
    let direct = try walk(storing: Fixtures.path("elf/inline_demo"), as: "inline_demo")
    let viaSym = try walk(storing: dumped.path, as: "inline_demo.sym")
    #expect(direct.map(\.0) == viaSym.map(\.0))
    #expect(direct.map(\.1) == viaSym.map(\.1))
    #expect(direct.count == 2)
    #expect(direct.last?.0 == base + 0x108f)
    #expect(direct.last?.1 == .cfi)
  }
}
