//===--- CrashpadInfoTests.swift - Crashpad's stream: report id, annotations ---===//
//
// Dumps written by SyntheticMinidump with a Crashpad info stream laid out as
// Crashpad's minidump_extensions.h declares it: process annotations as Electron
// sets them, a module's list annotation (macOS's CrashReporterClient message),
// simple annotations and annotation objects; then the same stream damaged.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Minidump
import Testing

@Suite("Crashpad's info stream")
struct CrashpadInfoTests {
  static func dump(_ crashpad: SyntheticCrashpadInfo) -> SyntheticMinidump {
    var dump = SyntheticMinidump.linuxAmd64(
      module: SyntheticModule(base: 0x5555_0000_0000, size: 0x10000, name: "/opt/Ledger/ledger"), rip: 0x5555_0000_1000)
    dump.modules.append(SyntheticModule(base: 0x7F00_0000_0000, size: 0x20000, name: "/usr/lib/libc.so.6"))
    dump.crashpad = crashpad
    return dump
  }

  static var electron: SyntheticCrashpadInfo {
    var info = SyntheticCrashpadInfo()
    info.reportID = [0x78, 0x56, 0x34, 0x12, 0xBC, 0x9A, 0xF0, 0xDE, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]
    info.annotations = [("prod", "Electron"), ("ver", "28.1.0"), ("ptype", "renderer"), ("_productName", "Ledger")]
    var libc = SyntheticCrashpadInfo.Module(index: 1)
    libc.list = ["assertion failed: total >= 0"]
    libc.simple = [("abort_message", "fortify: buffer overflow")]
    libc.objects = [(name: "crash_key", type: 1, value: Array("account 17".utf8)), (name: "blob", type: 0x8001, value: [1, 2, 3])]
    info.modules = [libc]
    info.addressMask = 0x7F_FFFF_FFFF
    return info
  }

  @Test("the report id, the process's annotations and a module's, as Crashpad wrote them")
  func readsAnnotations() throws {
    let file = try TemporaryFile(Self.dump(Self.electron).bytes(), suffix: ".dmp")
    let dump = try MinidumpFile(path: file.path)
    #expect(dump.diagnostics.isEmpty, "\(dump.diagnostics)")
    let info = try #require(dump.crashpadInfo)
    #expect(info.reportID == "12345678-9abc-def0-0123-456789abcdef")
    #expect(info.clientID == nil)
    #expect(info.addressMask == 0x7F_FFFF_FFFF)
    #expect(info.annotations.map(\.key) == ["prod", "ver", "ptype", "_productName"])
    #expect(info.annotations.first { $0.key == "ptype" }?.value == "renderer")
    let module = try #require(info.modules.first)
    #expect(info.modules.count == 1)
    #expect(module.moduleIndex == 1)
    #expect(module.listAnnotations == ["assertion failed: total >= 0"])
    #expect(module.simpleAnnotations == [CrashpadAnnotation(key: "abort_message", value: "fortify: buffer overflow")])
    #expect(
      module.annotationObjects == [
        CrashpadAnnotation(key: "crash_key", value: "account 17"), CrashpadAnnotation(key: "blob", value: "<3 bytes of type 0x8001>"),
      ])
  }

  @Test(
    "linux_inline.dmp, written by Crashpad: its 52-byte stream gives the report and client ids, version 4 UUIDs",
    .enabled(if: SharedFixtures.has("fixtures/breakpad"), "needs ../shared/fixtures/breakpad beside the checkout"))
  func realCrashpadDump() throws {
    let dump = try MinidumpFile(path: SharedFixtures.path("fixtures/breakpad/linux_inline.dmp"))
    let info = try #require(dump.crashpadInfo)
    // The version nibble (the third group's first digit) is 4 only when the fields are in
    // Crashpad's order: the check on the byte order.
    #expect(info.reportID == "83e6ce16-f67b-456c-ad43-22cb77180419")
    #expect(info.clientID == "ce727023-e35c-4883-a418-747f93336c5c")
    #expect(info.annotations.isEmpty && info.modules.isEmpty && info.addressMask == nil)
    #expect(!dump.diagnostics.contains { $0.message.contains("CRASHPAD") })
  }

  @Test("a module record of Crashpad before annotation objects (20 bytes) reads its two lists")
  func recordWithoutObjects() throws {
    var info = Self.electron
    info.modules[0].withoutObjects = true
    let file = try TemporaryFile(Self.dump(info).bytes(), suffix: ".dmp")
    let dump = try MinidumpFile(path: file.path)
    let module = try #require(dump.crashpadInfo?.modules.first)
    #expect(module.listAnnotations.count == 1 && module.simpleAnnotations.count == 1 && module.annotationObjects.isEmpty)
  }

  @Test("a module index past the module list is a warning; the rest of the stream reads")
  func moduleIndexOutOfRange() throws {
    var info = Self.electron
    info.modules[0].index = 9
    let file = try TemporaryFile(Self.dump(info).bytes(), suffix: ".dmp")
    let dump = try MinidumpFile(path: file.path)
    #expect(dump.crashpadInfo?.annotations.count == 4)
    #expect(dump.crashpadInfo?.modules.isEmpty == true)
    #expect(dump.diagnostics.contains { $0.message == "Crashpad's module list names module 9 of 2" })
  }

  /// The bytes of the Crashpad stream's parts: offsets found from the directory.
  static func crashpadStreamRVA(_ bytes: [UInt8]) -> Int {
    func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
    let directory = u32(12)
    for index in 0..<u32(8) where u32(directory + index * 12) == 0x4350_0001 { return u32(directory + index * 12 + 8) }
    return -1
  }

  @Test("Crashpad's stream listed before the module list still names its modules")
  func streamBeforeModuleList() throws {
    var bytes = Self.dump(Self.electron).bytes()
    func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
    let directory = u32(12)
    let types = (0..<u32(8)).map { u32(directory + $0 * 12) }
    let first = try #require(types.firstIndex(of: 4))
    let crashpad = try #require(types.firstIndex(of: 0x4350_0001))
    #expect(first < crashpad)
    // Swap the module list's and Crashpad's directory entries.
    for byte in 0..<12 { bytes.swapAt(directory + first * 12 + byte, directory + crashpad * 12 + byte) }
    let file = try TemporaryFile(bytes, suffix: ".dmp")
    let dump = try MinidumpFile(path: file.path)
    #expect(dump.diagnostics.isEmpty, "\(dump.diagnostics)")
    #expect(dump.crashpadInfo?.modules.first?.moduleIndex == 1)
    #expect(dump.crashpadInfo?.modules.first?.listAnnotations == ["assertion failed: total >= 0"])
  }

  @Test("a dictionary whose count runs past the file is an error naming the stream; the dump still reads")
  func countPastTheFile() throws {
    var bytes = Self.dump(Self.electron).bytes()
    let stream = Self.crashpadStreamRVA(bytes)
    let dictionary = Int(bytes[stream + 40]) | Int(bytes[stream + 41]) << 8 | Int(bytes[stream + 42]) << 16
    bytes[dictionary + 3] = 0x7F  // count 0x7F00_0004
    let file = try TemporaryFile(bytes, suffix: ".dmp")
    let dump = try MinidumpFile(path: file.path)
    #expect(dump.crashpadInfo == nil)
    #expect(dump.threads.count == 1 && dump.modules.count == 2)
    #expect(dump.diagnostics.contains { $0.severity == .error && $0.message.hasPrefix("MD_CRASHPAD_INFO_STREAM stream damaged") })
  }

  @Test("an annotation longer than 4 KiB is cut with the marker")
  func longAnnotationIsCut() throws {
    var info = SyntheticCrashpadInfo()
    info.annotations = [("switch-1", String(repeating: "x", count: 10_000))]
    let file = try TemporaryFile(Self.dump(info).bytes(), suffix: ".dmp")
    let value = try #require(try MinidumpFile(path: file.path).crashpadInfo?.annotations.first?.value)
    #expect(value.hasSuffix(TextLimits.cutMarker))
    #expect(value.utf8.count == 4096 + TextLimits.cutMarker.utf8.count)
  }
}
