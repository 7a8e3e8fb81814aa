//===--- ARMWalkTests.swift - 32-bit ARM stacks: dump → walker → frames ------===//
//
// Stacks stated with StackSection in 32-bit ARM form (Thumb code: return
// addresses carry bit 0; `push {r4, r7, lr}` saves lr at the top of a frame;
// iOS keeps {saved r7, saved lr} records at r7), written as ARM minidumps
// (Breakpad's MDRawContextARM and the Windows CONTEXT), read back and walked.
// The frames expected are those Breakpad's StackwalkerARM finds
// (scripts/check-breakpad compares generated ARM dumps with it as well).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Minidump
import Testing
import Unwind

@Suite("32-bit ARM stack walks")
struct ARMWalkTests {
  static let base: UInt64 = 0xb6f0_0000
  static let stackBase: UInt64 = 0xbe80_0000
  /// Functions: a leaf at +0x1000, then f1 +0x2000, f2 +0x3000, main +0x4000.
  static func at(_ offset: UInt64) -> UInt64 { base + offset }
  /// A return address into Thumb code at `offset`: bit 0 set.
  static func thumb(_ offset: UInt64) -> UInt32 { UInt32(at(offset) | 1) }

  static func dump(context: SyntheticContext, stack: StackSection, platform: UInt32 = 0x8201) -> SyntheticMinidump {
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 5
    dump.platformID = platform
    dump.threads = [SyntheticThread(id: 7, context: context, stackBase: stack.base, stack: stack.finished())]
    dump.modules = [SyntheticModule(base: base, size: 0x10000, name: "/system/lib/libapp.so")]
    return dump
  }

  /// Writes `dump`, reads it back and walks thread 0 with `options`.
  static func walk(
    _ dump: SyntheticMinidump, unwind: (any UnwindDataProvider)? = nil, options: WalkOptions = WalkOptions()
  ) throws -> [StackFrame] {
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let minidump = try MinidumpFile(path: file.path)
    #expect(minidump.diagnostics.isEmpty)
    #expect(minidump.systemInfo?.architecture == .arm)
    let context = try minidump.context(at: try #require(minidump.threads.first).context)
    guard case .arm(let registers) = context else {
      Issue.record("not an ARM context: \(context)")
      return []
    }
    return StackwalkerARM(
      memory: MinidumpMemory(minidump), modules: minidump.modules.map(\.codeModule), unwindData: unwind, options: options
    ).walk(context: registers).frames
  }

  @Test("STACK CFI: a leaf (.ra: lr), push {r4, r7, lr} with locals, push {lr}; r4 … r11 kept where not saved")
  func callFrameInfo() throws {
    let symbols = """
      MODULE Linux arm 00000000000000000000000000000000 libapp.so
      FUNC 1000 100 0 leaf
      FUNC 2000 100 0 f1
      FUNC 3000 100 0 f2
      FUNC 4000 100 0 main
      STACK CFI INIT 1000 100 .cfa: sp 0 + .ra: lr
      STACK CFI INIT 2000 100 .cfa: sp 0 + .ra: lr
      STACK CFI 2002 .cfa: sp 12 + .ra: .cfa -4 + ^ r4: .cfa -12 + ^ r7: .cfa -8 + ^
      STACK CFI 2004 .cfa: sp 28 +
      STACK CFI INIT 3000 100 .cfa: sp 0 + .ra: lr
      STACK CFI 3002 .cfa: sp 4 + .ra: .cfa -4 + ^
      STACK CFI INIT 4000 100 .cfa: sp 0 + .ra: lr
      STACK CFI 4002 .cfa: sp 8 + .ra: .cfa -4 + ^ r7: .cfa -8 + ^

      """
    var stack = StackSection(base: Self.stackBase)
    stack.fill(16)  // f1's locals
    stack.d32(0x4444)  // saved r4
    stack.d32(0x7777)  // saved r7
    stack.d32(Self.thumb(0x3010))  // return into f2
    stack.d32(Self.thumb(0x4010))  // f2's frame: lr alone
    stack.d32(0x7070)  // main's: saved r7, then lr 0 (the end of the stack)
    stack.d32(0)
    stack.fill(16)
    let finished = stack
    let unwind = try TestUnwindData(moduleBase: Self.base, symbolText: symbols)
    let context = SyntheticContext.arm(
      pc: UInt32(Self.at(0x1010)), sp: UInt32(Self.stackBase), lr: Self.thumb(0x2010), general: [4: 0x1234, 5: 0x5555])
    let frames = try Self.walk(Self.dump(context: context, stack: finished), unwind: unwind)
    #expect(
      frames.map(\.instruction)
        == [Self.at(0x1010), Self.at(0x200f), Self.at(0x300f), Self.at(0x400f)].map { Address($0) })
    #expect(frames.map(\.trust) == [.context, .cfi, .cfi, .cfi])
    // The leaf's caller keeps its sp (the leaf reserved nothing); the others' are their CFAs.
    #expect(frames.map(\.framePointer) == [0, 0, 28, 32].map { Address(Self.stackBase + $0) })
    #expect(frames[0].returnAddress == Address(UInt64(Self.thumb(0x2010))))
    guard case .arm(let f2)? = frames[2].context, case .arm(let f1)? = frames[1].context else {
      Issue.record("frames without ARM registers")
      return
    }
    #expect(f1[.r4] == 0x1234 && f1[.r5] == 0x5555)  // the leaf saved nothing
    #expect(f2[.r4] == 0x4444 && f2[.r7] == 0x7777)  // f1 saved them
  }

  @Test("scanning on Linux: a module's base is no return address; a word just past a call is")
  func scanning() throws {
    var stack = StackSection(base: Self.stackBase)
    stack.d32(0x1234)
    stack.d32(UInt32(Self.base))  // the module's base: no call ends there
    stack.d32(0xdead_beef)
    stack.d32(Self.thumb(0x2010))
    stack.fill(32)
    let context = SyntheticContext.arm(pc: UInt32(Self.at(0x1010)), sp: UInt32(Self.stackBase), lr: 0)
    let frames = try Self.walk(Self.dump(context: context, stack: stack))
    #expect(frames.count >= 2)
    #expect(frames[1].trust == .scan)
    #expect(frames[1].instruction == Address(Self.at(0x200f)))
    #expect(frames[1].framePointer == Address(Self.stackBase + 16))
  }

  /// f1 → f2 → main, each keeping an iOS frame record {saved r7, lr} at r7 with 8 bytes of
  /// locals below it; main's record is {0, 0}.
  static func recordChain() -> StackSection {
    var stack = StackSection(base: stackBase)
    stack.fill(8)
    stack.mark("f1")
    stack.d32(label: "f2")
    stack.d32(thumb(0x3010))
    stack.fill(8)
    stack.mark("f2")
    stack.d32(label: "main")
    stack.d32(thumb(0x4010))
    stack.fill(8)
    stack.mark("main")
    stack.d32(0)
    stack.d32(0)
    stack.fill(16)
    return stack
  }

  @Test("iOS: the chain of r7 records finds the callers, the leaf's through lr")
  func iOSFrameRecords() throws {
    let stack = Self.recordChain()
    let context = SyntheticContext.arm(
      pc: UInt32(Self.at(0x1010)), sp: UInt32(Self.stackBase), lr: Self.thumb(0x2010),
      general: [7: UInt32(stack.address(of: "f1"))])
    var options = WalkOptions()
    options.armFramePointer = .r7
    let frames = try Self.walk(Self.dump(context: context, stack: stack, platform: 0x8102), options: options)
    #expect(
      frames.map(\.instruction)
        == [Self.at(0x1010), Self.at(0x200f), Self.at(0x300f), Self.at(0x400f)].map { Address($0) })
    #expect(frames.map(\.trust) == [.context, .framePointer, .framePointer, .framePointer])
    #expect(frames[2].framePointer == Address(stack.address(of: "f2") + 8))
  }

  @Test("Linux keeps no ARM frame records: the same stack is walked by scanning, as Breakpad walks it")
  func noRecordsOnLinux() throws {
    let stack = Self.recordChain()
    let context = SyntheticContext.arm(
      pc: UInt32(Self.at(0x1010)), sp: UInt32(Self.stackBase), lr: Self.thumb(0x2010),
      general: [7: UInt32(stack.address(of: "f1"))])
    let frames = try Self.walk(Self.dump(context: context, stack: stack))
    #expect(frames.dropFirst().allSatisfy { $0.trust == .scan })
    #expect(frames.map(\.instruction).dropFirst().first == Address(Self.at(0x300f)))
  }

  @Test("the Windows CONTEXT for ARM reads as Breakpad's layout does")
  func windowsContext() throws {
    let stack = Self.recordChain()
    let context = SyntheticContext.arm(
      pc: UInt32(Self.at(0x1010)), sp: UInt32(Self.stackBase), lr: Self.thumb(0x2010), general: [0: 0xaaaa, 11: 0xbbbb],
      windowsLayout: true)
    let file = try TemporaryFile(Self.dump(context: context, stack: stack, platform: 2).bytes(), suffix: ".dmp")
    let minidump = try MinidumpFile(path: file.path)
    let read = try minidump.context(at: try #require(minidump.threads.first).context)
    guard case .arm(let registers) = read else {
      Issue.record("not an ARM context: \(read)")
      return
    }
    #expect(registers[.r0] == 0xaaaa && registers[.r11] == 0xbbbb)
    #expect(registers[.pc] == Self.at(0x1010) && registers[.sp] == Self.stackBase)
    #expect(registers[.lr] == UInt64(Self.thumb(0x2010)) && registers[.cpsr] == 0x6000_0030)
  }

  @Test("a context whose flags name no ARM layout, or too short for r0 … cpsr, is an error at its offset")
  func damagedContext() throws {
    let good = SyntheticContext.arm(pc: 0x1000, sp: 0x2000, lr: 0).bytes
    let wrongFlags = SyntheticContext(raw: [0x0F, 0, 0x10, 0] + good.dropFirst(4))  // the x64 flag
    let short = SyntheticContext(raw: Array(good.prefix(0x40)))
    for context in [wrongFlags, short] {
      let file = try TemporaryFile(Self.dump(context: context, stack: Self.recordChain()).bytes(), suffix: ".dmp")
      let minidump = try MinidumpFile(path: file.path)
      #expect(throws: (any Error).self) { try minidump.context(at: try #require(minidump.threads.first).context) }
    }
  }
}
