//===--- FuzzRegressionTests.swift - Inputs kept from fuzzing, read again ---===//
//
// Every file under Tests/Fixtures/fuzz-regressions/<target>/ goes through the
// reader its libFuzzer target drives (Tests/Fuzz/FuzzTargets/Fuzz.swift), the
// way the target drives it; the files written by hand also have their decoded
// result checked.
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import ByteReading
import CrashAnalysis
import CrashCore
import CoreDumps
import CrashTestSupport
import Demangling
import ELFSymbols
import Foundation
import MapFiles
import Minidump
import ProgramDatabase
import SignatureRules
import StackText
import Testing
import Unwind
import WindowsImages

@Suite("fuzzing regression inputs")
struct FuzzRegressionTests {
  static let root = Fixtures.path("fuzz-regressions")

  /// Every regression input: target folder and file name.
  static let inputs: [(target: String, file: String)] = {
    let targets = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return targets.sorted().flatMap { target -> [(String, String)] in
      let files = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + target)) ?? []
      return files.sorted().map { (target, $0) }
    }
  }()

  static func decode(_ bytes: [UInt8]) -> CrashReport {
    var builder = CrashReportBuilder(input: InputDescription(name: "fuzz", kind: .text, byteCount: bytes.count))
    let decoder = StackTextDecoder()
    bytes.withUnsafeBytes { decoder.consume($0) { builder.add($0) } }
    decoder.finish { builder.add($0) }
    return builder.build()
  }

  @Test("the folder holds inputs, each under a known target")
  func inventory() {
    #expect(!Self.inputs.isEmpty)
    for input in Self.inputs {
      #expect(["minidump", "text", "sym", "map", "rules", "pe", "dbg", "elf", "core", "names"].contains(input.target))
    }
  }

  @Test("each input goes through its reader without a crash", arguments: inputs.map { "\($0.target)/\($0.file)" })
  func replay(_ name: String) throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.root + "/" + name)))
    switch name.split(separator: "/").first.map(String.init) ?? "" {
    case "minidump":
      guard let dump = try? MinidumpFile(file: MappedFile(copying: bytes, name: name)) else { return }
      let memory = MinidumpMemory(dump)
      for thread in dump.threads.prefix(8) {
        guard let context = try? dump.context(at: thread.context) else { continue }
        let modules = dump.modules.map(\.codeModule)
        switch context {
        case .x86(let registers): _ = StackwalkerX86(memory: memory, modules: modules).walk(context: registers)
        case .alpha(let registers): _ = StackwalkerAlpha(memory: memory, modules: modules).walk(context: registers)
        case .amd64(let registers): _ = StackwalkerAMD64(memory: memory, modules: modules).walk(context: registers)
        case .arm64(let registers): _ = StackwalkerARM64(memory: memory, modules: modules).walk(context: registers)
        case .arm(let registers): _ = StackwalkerARM(memory: memory, modules: modules).walk(context: registers)
        case .riscv64(let registers): _ = StackwalkerRISCV64(memory: memory, modules: modules).walk(context: registers)
        }
      }
    case "text":
      _ = Self.decode(bytes)
    case "core":
      guard let core = try? ELFCoreFile(file: MappedFile(copying: bytes, name: name)) else { return }
      var options = WalkOptions()
      options.maximumFrames = 64
      _ = CoreDumpReportBuilder.report(core, options: options, maximumThreads: 8)
    case "sym":
      let file = BreakpadSymbolFile(mapped: MappedFile(copying: bytes, name: name))
      for address in [0, 0x10, 0x1000, 0xffff_ffff] as [UInt64] { _ = file.lookup(address) }
    case "map":
      bytes.withUnsafeBytes { buffer in
        guard let map = try? LinkerMapFile(text: buffer, path: name) else { return }
        _ = map.lookup(0x1000)
      }
    case "rules":
      _ = RuleFileParser.parse(String(decoding: bytes, as: UTF8.self), file: name)
    case "pe":
      bytes.withUnsafeBytes { raw in
        guard let image = try? PEImage(ByteReader(raw)) else { return }
        _ = try? PEBreakpadWriter.symbolFile(for: image, fileName: name)
      }
    case "dbg":
      bytes.withUnsafeBytes { raw in
        guard let file = try? SeparateDebugFile(ByteReader(raw)) else { return }
        _ = try? DBGBreakpadWriter.symbolFile(for: file, reader: ByteReader(raw), name: name, undecorate: { $0 })
      }
    case "elf":
      // In a directory of its own with a copy beside it: a file with a build id and no call
      // frames looks there for the image it may have been split from.
      let directory = NSTemporaryDirectory() + "fuzz-elf-\(UUID().uuidString)"
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(atPath: directory) }
      for file in ["input.so", "sibling.so"] { try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/\(file)")) }
      guard let elf = try? ELFSymbolFile(path: "\(directory)/input.so") else { return }
      for address in [0, 0x1000, 0x10204, 0x401000] as [UInt64] {
        _ = elf.lookup(address)
        _ = elf.cfiRules(at: address)
      }
      _ = elf.breakpadSymbolFile(inlines: true)
    case "names":
      // As the target tries it: the input as a name and behind each scheme's prefix.
      let text = String(decoding: bytes.prefix(SymbolDemangler.maximumLength), as: UTF8.self)
      for candidate in [text, "$s" + text, "_T0" + text, "_Z" + text, "_ZN" + text + "17h0123456789abcdefE", "_R" + text] {
        _ = SymbolDemangler.demangle(candidate)
      }
    default:
      Issue.record("no reader for \(name)")
    }
  }

  @Test("markup decoded in place, a grown line storage and a held-back row: the two listings come out whole")
  func markupAndStorageGrowth() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.root + "/text/markup-and-storage-growth.txt")))
    let stacks = Self.decode(bytes).threads.filter { !$0.frames.isEmpty }
    #expect(stacks.count == 2)
    let held = try #require(stacks.first?.frames.first)
    #expect(held.framePointer == Address(0x0012_F9A0) && held.returnAddress == Address(0x77F8_E9A4))
    #expect(held.symbol?.displayText == "ntdll!RtlAllocateHeap+0x20")
    #expect(stacks.last?.frames.first?.symbol?.function == "Func<int>")
  }

  @Test("control bytes inside rows read as blanks, with a warning for the NUL")
  func controlBytes() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.root + "/text/control-bytes.txt")))
    let report = Self.decode(bytes)
    let frame = try #require(report.threads.first { !$0.frames.isEmpty }?.frames.first)
    #expect(frame.returnAddress == Address(0x77F8_E9A4))
    #expect(frame.symbol?.displayText == "mod!f+0x1")
    #expect(report.diagnostics.contains { $0.message.hasPrefix("NUL bytes in the text") })
  }
}
