//===--- ListPaddingTests.swift - Lists whose count is padded to 8 bytes ----===//
//
// Breakpad's writer on macOS (and other 64-bit ABIs) puts 4 bytes of padding
// after the count of the thread, module and memory lists, and counts them in
// the stream's size; the 8.7.3 symbolic wheel's macOS fixture dump is one. The
// reader skips them when the size says exactly that, as Breakpad's does, and
// reads every record as from the same dump unpadded; a size that says anything
// else is read as before.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Minidump
import Testing

@Suite("Lists padded after their count")
struct ListPaddingTests {
  static func dump(padded: Bool) -> SyntheticMinidump {
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 9
    dump.platformID = 0x8101
    dump.padsListCounts = padded
    let stack = (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    dump.threads = [
      SyntheticThread(
        id: 0x307, context: .amd64(rip: 0x1_09BA_8C15, rsp: 0x7FFF_5606_4110, rbp: 0x7FFF_5606_4258),
        stackBase: 0x7FFF_5606_4100, stack: stack),
      SyntheticThread(
        id: 0x1403, context: .amd64(rip: 0x7FFF_E7EE_B235, rsp: 0x7000_0000_1000, rbp: 0),
        stackBase: 0x7000_0000_1000, stack: stack),
    ]
    dump.modules = [
      SyntheticModule(base: 0x1_09B9_B000, size: 0x11000, name: "/Users/travis/build/crash"),
      SyntheticModule(base: 0x7FFF_E7EE_6000, size: 0x6000, name: "/usr/lib/system/libdyld.dylib"),
    ]
    dump.extraMemory = [(base: 0x1_09B9_B000, bytes: Array(repeating: 0xCC, count: 64))]
    return dump
  }

  @Test("Threads, modules and memory read alike from the padded and the unpadded dump")
  func paddedListsReadAlike() throws {
    let plainFile = try TemporaryFile(Self.dump(padded: false).bytes(), suffix: ".dmp")
    let paddedFile = try TemporaryFile(Self.dump(padded: true).bytes(), suffix: ".dmp")
    let plain = try MinidumpFile(path: plainFile.path)
    let padded = try MinidumpFile(path: paddedFile.path)
    #expect(padded.diagnostics.isEmpty, "\(padded.diagnostics)")
    #expect(padded.threads.map(\.id) == [0x307, 0x1403])
    #expect(padded.threads.map(\.stack.start) == plain.threads.map(\.stack.start))
    #expect(padded.threads.map(\.stack.size) == plain.threads.map(\.stack.size))
    #expect(padded.threads.map(\.context.size) == plain.threads.map(\.context.size))
    let paddedStack = try #require(MinidumpMemory(padded).bytes(at: 0x7FFF_5606_4100, length: 256))
    #expect(Array(paddedStack) == (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    #expect(padded.modules.map(\.name) == ["/Users/travis/build/crash", "/usr/lib/system/libdyld.dylib"])
    #expect(padded.modules.map(\.base) == plain.modules.map(\.base))
    #expect(padded.memoryRanges.count == 3)
    #expect(padded.memoryRanges.map(\.start) == plain.memoryRanges.map(\.start))
    #expect(padded.memoryRanges.map(\.size) == plain.memoryRanges.map(\.size))
  }

  @Test("A list whose size is neither exact nor padded by 4 is read from right after its count")
  func otherSizesReadAsBefore() throws {
    var bytes = Self.dump(padded: false).bytes()
    // The directory's thread-list entry: grow its size by 12 bytes (not a padding of 4).
    let directory = Int(UInt32(bytes[12]) | UInt32(bytes[13]) << 8 | UInt32(bytes[14]) << 16 | UInt32(bytes[15]) << 24)
    let streams = Int(bytes[8])
    for index in 0..<streams where bytes[directory + index * 12] == 3 {
      bytes[directory + index * 12 + 4] &+= 12
    }
    let file = try TemporaryFile(bytes, suffix: ".dmp")
    let parsed = try MinidumpFile(path: file.path)
    #expect(parsed.threads.map(\.id) == [0x307, 0x1403])
  }
}
