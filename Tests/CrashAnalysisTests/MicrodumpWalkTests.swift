//===--- MicrodumpWalkTests.swift - A microdump in a log, walked -------------===//
//
// `analyse` on a log holding a Breakpad microdump walks its thread as it walks
// a minidump's: here an ARM64 leaf and a chain of frame records (the stack of
// ARM64WalkTests), with the module from the M record and the signal from the R
// record; a 32-bit ARM one walked by scanning; a MIPS one lists its modules and
// says its stack is not walked. (scripts/check-breakpad compares Breakpad's own
// arm64 and arm microdumps with their reference outputs, frame by frame.)
//
//===----------------------------------------------------------------------===//

import CrashAnalysis
import CrashCore
import CrashTestSupport
import Testing

@Suite("Microdumps walked")
struct MicrodumpWalkTests {
  static let base: UInt64 = 0x0000_5555_0000_0000
  static let stackBase: UInt64 = 0x0000_7fff_f000_0000
  static func at(_ offset: UInt64) -> UInt64 { base + offset }

  /// A leaf at +0x1010 with nothing saved, then f1's, f2's and main's frame records.
  static func microdump(cpu: String = "arm64") -> SyntheticMicrodump {
    var stack = StackSection(base: stackBase)
    stack.fill(32)
    stack.arm64FrameRecords(returning: [at(0x3010), at(0x4010), 0])
    let context = SyntheticContext.arm64(
      pc: at(0x1010), sp: stackBase, fp: stack.address(of: "record1"), lr: at(0x2010), oldLayout: true)
    var microdump = SyntheticMicrodump(context: context, stack: stack, stackPointer: stackBase)
    microdump.cpu = cpu
    microdump.modules = [(base, 0x10000, "0123456789ABCDEF0123456789ABCDEF0", "/system/lib64/libapp.so")]
    microdump.crash = (11, "SIGSEGV", 0x45)
    return microdump
  }

  static func report(_ text: String) throws -> CrashReport {
    let file = try TemporaryFile(text: "I/ActivityManager( 1000): Start proc 3728\n" + text, suffix: ".log")
    return try Analyser().analyse(path: file.path)
  }

  @Test("An ARM64 microdump: the leaf, then the frame-record chain; module, signal, system")
  func arm64() throws {
    let report = try Self.report(Self.microdump().text())
    #expect(report.input.kind == .microdump)
    #expect(report.exception?.description == "SIGSEGV")
    #expect(report.exception?.address == Address(0x45))
    #expect(report.system.first { $0.key == "Operating system" }?.value == "Android OS 64 VERSION INFO")
    #expect(report.modules.map(\.name) == ["libapp.so"])
    let thread = try #require(report.threads.first)
    #expect(thread.isCrashed && thread.architecture == .arm64)
    #expect(thread.frames.map(\.instruction) == [Self.at(0x1010), Self.at(0x200c), Self.at(0x300c), Self.at(0x400c)].map { Address($0) })
    #expect(thread.frames.map(\.trust) == [.context, .framePointer, .framePointer, .framePointer])
  }

  @Test("A microdump after 3 MB of other log lines (a whole `adb logcat -d`) is found and walked")
  func deepInALog() throws {
    var log = ""
    for index in 0..<40_000 { log += "I/ActivityManager( 1000): line \(index) of a busy log, nothing to see here\n" }
    let report = try Self.report(log + Self.microdump().text() + log)
    #expect(report.input.kind == .microdump)
    #expect(report.threads.first?.frames.count == 4)
  }

  @Test("A BEGIN line across the 1 MiB pieces the search reads is found wherever it is cut", arguments: [-1, 0, 1, 2, 34, 35])
  func beginLineAcrossPieces(shift: Int) throws {
    // The marker follows the 26-byte logcat prefix; its first byte goes `shift` bytes past 1 MiB,
    // where the first piece (1 MiB and the marker's length) ends and the next, overlapping, starts.
    let fillerLength = (1 << 20) + shift - 26
    let filler = String(repeating: String(repeating: "x", count: 99) + "\n", count: fillerLength / 100)
      + String(repeating: "y", count: fillerLength % 100)
    let file = try TemporaryFile(text: filler + Self.microdump().text(), suffix: ".log")
    let report = try Analyser().analyse(path: file.path)
    #expect(report.input.kind == .microdump)
  }

  @Test("A 32-bit ARM microdump (Android, Thumb code): walked by scanning, 8-digit words")
  func arm() throws {
    let base: UInt64 = 0xb6f0_0000
    let stackBase: UInt64 = 0xbe80_0000
    var stack = StackSection(base: stackBase)
    stack.fill(8)
    stack.d32(UInt32(base + 0x2010) | 1)  // return into f1
    stack.fill(8)
    stack.d32(UInt32(base + 0x4010) | 1)  // return into main
    stack.fill(16)
    let context = SyntheticContext.arm(pc: UInt32(base + 0x1010), sp: UInt32(stackBase), lr: 0)
    var microdump = SyntheticMicrodump(context: context, stack: stack, stackPointer: stackBase)
    microdump.cpu = "arm"
    microdump.modules = [(base, 0x10000, "0123456789ABCDEF0123456789ABCDEF0", "/system/lib/libapp.so")]
    let report = try Self.report(microdump.text())
    let thread = try #require(report.threads.first)
    #expect(thread.architecture == .arm)
    #expect(thread.frames.map(\.instruction) == [0x1010, 0x200f, 0x400f].map { Address(base + $0) })
    #expect(thread.frames.map(\.trust) == [.context, .scan, .scan])
    #expect(!report.diagnostics.contains { $0.message.contains("not walked") })
    let text = TextReportWriter.render(report)
    #expect(text.contains("Child-SP RetAddr"))
    #expect(text.contains("01 be80000c b6f04011"))
  }

  @Test("A MIPS microdump: modules listed, the stack not walked, and said so")
  func mipsIsNotWalked() throws {
    let report = try Self.report(Self.microdump(cpu: "mips").text())
    #expect(report.modules.count == 1)
    #expect(report.threads.first?.frames.isEmpty == true)
    #expect(report.diagnostics.contains { $0.message.contains("CPU is mips") })
  }
}
