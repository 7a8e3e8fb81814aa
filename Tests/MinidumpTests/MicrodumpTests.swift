//===--- MicrodumpTests.swift - Breakpad microdumps read from log text ------===//
//
// Composed microdumps (SyntheticMicrodump, in the writer's record layout) read
// back field by field: system, crash reason, stack, context, modules; behind
// logcat prefixes or none, with CR LF, among other log lines; and damaged ones
// (a gap in the stack, bad hex, more stack than announced, short records) give
// diagnostics naming their lines, never a trap.
//
//===----------------------------------------------------------------------===//

import ByteReading
import CrashCore
import CrashTestSupport
import Foundation
import Minidump
import Testing

@Suite("Breakpad microdumps")
struct MicrodumpTests {
  static let stackBase: UInt64 = 0x0000_007F_E2BA_6000

  static func sample() -> SyntheticMicrodump {
    var stack = StackSection(base: stackBase)
    for index in 0..<300 { stack.d32(UInt32(index) &* 0x0101_0101) }
    let context = SyntheticContext.arm64(
      pc: 0x55_5F63_6F6C, sp: stackBase + 0x20, fp: stackBase + 0x40, lr: 0x55_5F63_6F6C, oldLayout: true)
    var microdump = SyntheticMicrodump(context: context, stack: stack, stackPointer: stackBase + 0x20)
    microdump.modules = [
      (0x55_5F60_8000, 0xC_0000, "d6d1fec9a15de7f38a236898871a2e770", "/data/local/tmp/breakpad_unittests"),
      (0x7F_8029_5000, 0x9_E000, "479D5438753E27F019F2C9980DDBF4F30", "/system/lib64/libc.so"),
    ]
    microdump.crash = (11, "SIGSEGV", 0x45)
    return microdump
  }

  static func read(_ text: String) -> Microdump {
    Array(text.utf8).withUnsafeBytes { Microdump(text: $0) }
  }

  @Test("Every record read back: system, crash, stack, context, modules")
  func fields() throws {
    let sample = Self.sample()
    let microdump = Self.read(sample.text())
    #expect(microdump.diagnostics.isEmpty, "\(microdump.diagnostics)")
    #expect(microdump.operatingSystem == "Android")
    #expect(microdump.osVersion == "OS 64 VERSION INFO")
    #expect(microdump.cpu == "arm64" && microdump.architecture == .arm64)
    #expect(microdump.hardwareArchitecture == "aarch64")
    #expect(microdump.processorCount == 2)
    #expect(microdump.product == "TestApp:1.2.3")
    #expect(microdump.crash?.signal == 11 && microdump.crash?.name == "SIGSEGV" && microdump.crash?.address == 0x45)
    #expect(microdump.stackPointer == Self.stackBase + 0x20)
    #expect(microdump.stackStart == Self.stackBase)
    #expect(microdump.stack == sample.stack.finished())
    #expect(MicrodumpMemory(microdump).uint32(at: Self.stackBase + 8) == 0x0202_0202)
    #expect(MicrodumpMemory(microdump).uint64(at: Self.stackBase + 1_196) == nil)
    guard case .arm64(let registers) = try microdump.context() else {
      Issue.record("no ARM64 registers")
      return
    }
    #expect(registers[.pc] == 0x55_5F63_6F6C && registers[.sp] == Self.stackBase + 0x20)
    #expect(microdump.modules.map(\.name) == ["breakpad_unittests", "libc.so"])
    #expect(microdump.modules.map(\.path) == ["/data/local/tmp/breakpad_unittests", "/system/lib64/libc.so"])
    #expect(microdump.modules.map(\.debugIdentifier) == ["D6D1FEC9A15DE7F38A236898871A2E770", "479D5438753E27F019F2C9980DDBF4F30"])
    #expect(microdump.modules.map(\.debugFile) == ["breakpad_unittests", "libc.so"])
    #expect(microdump.modules.first?.size == 0xC_0000)
  }

  @Test("Read alike behind logcat's prefixes, without them, with CR LF, among other log lines")
  func logShapes() {
    var sample = Self.sample()
    let plain = Self.read(sample.text())
    sample.prefix = "12-04 10:00:00.123  3728  3728 W google-breakpad: "
    sample.carriageReturns = true
    let threadtime = Self.read("I/ActivityManager( 1000): Start proc\n" + sample.text() + "I/ActivityManager( 1000): died\n")
    sample.prefix = ""
    sample.carriageReturns = false
    let bare = Self.read(sample.text())
    for other in [threadtime, bare] {
      #expect(other.diagnostics.isEmpty, "\(other.diagnostics)")
      #expect(other.stack == plain.stack)
      #expect(other.contextBytes == plain.contextBytes)
      #expect(other.modules == plain.modules)
      #expect(other.operatingSystem == plain.operatingSystem && other.osVersion == plain.osVersion)
    }
  }

  @Test("Only the first of several microdumps is read, and the others are counted")
  func several() {
    let sample = Self.sample()
    var second = sample
    second.cpu = "x86"
    let microdump = Self.read(sample.text() + second.text() + second.text())
    #expect(microdump.cpu == "arm64")
    #expect(microdump.laterMicrodumps == 2)
    #expect(microdump.modules.count == 2)
  }

  @Test("A gap in the stack, bad hex, more stack than announced: the stack is cut there, the line named")
  func damagedStack() throws {
    let lines = Self.sample().text().split(separator: "\n").map(String.init)
    let stackLines = lines.indices.filter { lines[$0].contains(": S 0 ") == false && lines[$0].contains(": S ") }
    try #require(stackLines.count >= 3)
    // A gap: the second chunk moved 16 bytes on.
    var gap = lines
    gap[stackLines[1]] = gap[stackLines[1]].replacingOccurrences(of: "S 0000007FE2BA6180", with: "S 0000007FE2BA6190")
    let gapped = Self.read(gap.joined(separator: "\n"))
    #expect(gapped.stack.count == 384)
    #expect(gapped.diagnostics.contains { $0.line == stackLines[1] + 1 && $0.message.contains("do not follow") })
    // Odd hex.
    var odd = lines
    odd[stackLines[0]] += "F"
    let oddHex = Self.read(odd.joined(separator: "\n"))
    #expect(oddHex.stack.isEmpty)
    #expect(oddHex.diagnostics.contains { $0.line == stackLines[0] + 1 })
    // More stack than the S 0 record announced.
    var extra = lines
    extra.insert(lines[stackLines.last!], at: stackLines.last! + 1)
    let tooMuch = Self.read(extra.joined(separator: "\n"))
    #expect(tooMuch.stack.count == Self.sample().stack.finished().count)
    #expect(!tooMuch.diagnostics.isEmpty)
  }

  @Test("A stack whose first chunk is not where `S 0` said is read from the chunk, with a note")
  func stackStartFromFirstChunk() {
    let text = Self.sample().text().replacingOccurrences(of: "0000007FE2BA6020 0000007FE2BA6000", with: "0000007FE2BA6020 0000007FE2BA5000")
    let microdump = Self.read(text)
    #expect(microdump.stackStart == Self.stackBase)
    #expect(microdump.stack == Self.sample().stack.finished())
    #expect(microdump.diagnostics.count == 1)
  }

  @Test("Short or damaged O, R, M and C records are named and skipped")
  func damagedRecords() {
    let prefix = "W/google-breakpad( 1): "
    let text = [
      "-----BEGIN BREAKPAD MICRODUMP-----", "O A", "R nothing", "M 1234 0", "C 0G", "S 0 1 2", "M 10 0 20 ABC lib.so",
      "-----END BREAKPAD MICRODUMP-----",
    ].map { prefix + $0 }.joined(separator: "\n")
    let microdump = Self.read(text)
    #expect(microdump.diagnostics.map(\.line) == [2, 3, 4, 5, 6])
    #expect(microdump.modules.map(\.name) == ["lib.so"])
    #expect(microdump.contextBytes == nil)
    #expect(throws: ReadError.self) { try microdump.context() }
  }

  @Test("Microdump.contains finds the BEGIN line anywhere in a sample, and nothing else")
  func detection() {
    #expect(Microdump.contains(Array(("noise\n" + Self.sample().text()).utf8)))
    #expect(!Microdump.contains(Array("-----BEGIN BREAKPAD MINIDUMP-----".utf8)))
    #expect(!Microdump.contains([UInt8]()))
  }
}
