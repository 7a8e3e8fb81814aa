//===--- ARM64WalkTests.swift - 64-bit ARM stacks: dump → walker → frames ----===//
//
// Stacks stated with StackSection in ARM64 form (a frame record is {saved x29,
// saved x30} at x29; `bl` leaves the return address in x30), written as ARM64
// minidumps (the Windows/Crashpad CONTEXT and Breakpad's old one), read back
// and walked. The frames expected are those Breakpad's StackwalkerARM64 finds
// (scripts/check-breakpad compares generated ARM64 dumps with it as well).
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Minidump
import Testing
import Unwind

@Suite("ARM64 stack walks")
struct ARM64WalkTests {
  static let base: UInt64 = 0x0000_5555_0000_0000
  static let stackBase: UInt64 = 0x0000_7fff_f000_0000
  /// Functions: a leaf at +0x1000, then f1 +0x2000, f2 +0x3000, main +0x4000.
  static func at(_ offset: UInt64) -> UInt64 { base + offset }

  static func dump(context: SyntheticContext, stack: StackSection) -> SyntheticMinidump {
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 12
    dump.platformID = 0x8201
    dump.threads = [SyntheticThread(id: 7, context: context, stackBase: stack.base, stack: stack.finished())]
    dump.modules = [SyntheticModule(base: base, size: 0x10000, name: "/system/lib64/libapp.so")]
    return dump
  }

  /// f1's, f2's and main's frame records, from `stack`'s current address: each {caller's
  /// record, return address into the caller}, main's {0, 0}; 16 bytes of locals above each.
  static func records(_ stack: inout StackSection) {
    stack.arm64FrameRecords(returning: [at(0x3010), at(0x4010), 0])
  }

  @Test("a leaf at the top: its caller from lr, then the frame-record chain to the end")
  func leafThenChain() throws {
    var stack = StackSection(base: Self.stackBase)
    stack.fill(32)  // the leaf's stack: it saved nothing
    Self.records(&stack)
    let finished = stack
    let context = SyntheticContext.arm64(
      pc: Self.at(0x1010), sp: Self.stackBase, fp: finished.address(of: "record1"), lr: Self.at(0x2010))
    let frames = try RoundTripTests.walk(Self.dump(context: context, stack: finished))
    #expect(frames.map(\.instruction) == [Self.at(0x1010), Self.at(0x200c), Self.at(0x300c), Self.at(0x400c)].map { Address($0) })
    #expect(frames.map(\.trust) == [.context, .framePointer, .framePointer, .framePointer])
    #expect(frames[1].framePointer == Address(finished.address(of: "record1") + 16))
    #expect(frames[0].returnAddress == Address(Self.at(0x2010)))
    guard case .arm64(let registers)? = frames[0].context else {
      Issue.record("frame 0 has no ARM64 context")
      return
    }
    #expect(registers[.lr] == Self.at(0x2010))
  }

  @Test("Breakpad's older ARM64 CONTEXT (64-bit flags, cpsr after pc) walks the same")
  func oldContextLayout() throws {
    var stack = StackSection(base: Self.stackBase)
    stack.fill(32)
    Self.records(&stack)
    let finished = stack
    let fp = finished.address(of: "record1")
    let current = try RoundTripTests.walk(
      Self.dump(context: .arm64(pc: Self.at(0x1010), sp: Self.stackBase, fp: fp, lr: Self.at(0x2010)), stack: finished))
    let old = try RoundTripTests.walk(
      Self.dump(
        context: .arm64(pc: Self.at(0x1010), sp: Self.stackBase, fp: fp, lr: Self.at(0x2010), cpsr: 0x2000_0000, oldLayout: true),
        stack: finished))
    #expect(old.map(\.instruction) == current.map(\.instruction))
    guard case .arm64(let registers)? = old[0].context else {
      Issue.record("frame 0 has no ARM64 context")
      return
    }
    #expect(registers[.cpsr] == 0x2000_0000)
    #expect(registers[.fp] == fp)
  }

  @Test("without CFI, a function that has made calls shows its stale lr once, as Breakpad's walk does")
  func staleLinkRegister() throws {
    var stack = StackSection(base: Self.stackBase)
    stack.fill(16)
    stack.mark("record0")  // frame 0's own record: {f1's record, return into f1}
    stack.d64(label: "record1")
    stack.d64(Self.at(0x2010))
    stack.fill(16)
    Self.records(&stack)
    let finished = stack
    let context = SyntheticContext.arm64(
      pc: Self.at(0x1030), sp: Self.stackBase, fp: finished.address(of: "record0"), lr: Self.at(0x1020))
    let frames = try RoundTripTests.walk(Self.dump(context: context, stack: finished))
    #expect(
      frames.map(\.instruction)
        == [Self.at(0x1030), Self.at(0x101c), Self.at(0x200c), Self.at(0x300c), Self.at(0x400c)].map { Address($0) })
  }

  @Test("STACK CFI: a leaf (.ra: x30), a function with a frame record (.cfa: x29 …), one that saves only x30")
  func callFrameInfo() throws {
    let symbols = """
      MODULE Linux arm64 00000000000000000000000000000000 libapp.so
      FUNC 1000 100 0 leaf
      FUNC 2000 100 0 f1
      FUNC 3000 100 0 f2
      FUNC 4000 100 0 main
      STACK CFI INIT 1000 100 .cfa: sp 0 + .ra: x30
      STACK CFI INIT 2000 100 .cfa: sp 0 + .ra: x30
      STACK CFI 2004 .cfa: sp 32 + .ra: .cfa -24 + ^ x29: .cfa -32 + ^
      STACK CFI 2008 .cfa: x29 32 +
      STACK CFI INIT 3000 100 .cfa: sp 0 + .ra: x30
      STACK CFI 3004 .cfa: sp 48 + .ra: .cfa -8 + ^
      STACK CFI INIT 4000 100 .cfa: sp 0 + .ra: x30
      STACK CFI 4004 .cfa: sp 32 + .ra: .cfa -24 + ^ x29: .cfa -32 + ^
      STACK CFI 4008 .cfa: x29 32 +

      """
    var stack = StackSection(base: Self.stackBase)
    stack.mark("f1")  // f1's frame: its record at the bottom, 16 bytes of locals
    stack.d64(label: "main")  // saved x29: main's record (f2 keeps no record)
    stack.d64(Self.at(0x3010))  // saved x30: return into f2
    stack.fill(16)
    stack.fill(40)  // f2's frame: 48 bytes, x30 saved at the top
    stack.d64(Self.at(0x4010))
    stack.mark("main")
    stack.d64(0)
    stack.d64(0)  // main returns nowhere: the end of the stack
    stack.fill(16)
    let finished = stack
    let unwind = try TestUnwindData(moduleBase: Self.base, symbolText: symbols)
    let context = SyntheticContext.arm64(
      pc: Self.at(0x1010), sp: Self.stackBase, fp: finished.address(of: "f1"), lr: Self.at(0x2010),
      general: [19: 0x1919])
    let frames = try RoundTripTests.walk(Self.dump(context: context, stack: finished), unwind: unwind)
    #expect(frames.map(\.instruction) == [Self.at(0x1010), Self.at(0x200c), Self.at(0x300c), Self.at(0x400c)].map { Address($0) })
    #expect(frames.map(\.trust) == [.context, .cfi, .cfi, .cfi])
    // The leaf's caller keeps its sp (the leaf reserved nothing); the others' are their CFAs.
    #expect(frames.map(\.framePointer) == [0, 0, 32, 80].map { Address(Self.stackBase + $0) })
  }

  @Test("from code with CFI into code without: the frame's own record gives its x29 and x30 where Breakpad stops")
  func cfiIntoFrameRecords() throws {
    // f0 (CFI, saves only x30) ← f1 (no CFI, a frame record) ← f2 (no CFI, record {0, 0}).
    let symbols = """
      MODULE Linux arm64 00000000000000000000000000000000 libapp.so
      FUNC 1000 100 0 f0
      FUNC 2000 100 0 f1
      FUNC 3000 100 0 f2
      STACK CFI INIT 1000 100 .cfa: sp 0 + .ra: x30
      STACK CFI 1004 .cfa: sp 32 + .ra: .cfa -8 + ^

      """
    var stack = StackSection(base: Self.stackBase)
    stack.fill(24)
    stack.d64(Self.at(0x2010))  // f0's saved x30, at the top of its 32 bytes
    stack.mark("record1")  // f1's record, at its sp
    stack.d64(label: "record2")
    stack.d64(Self.at(0x3010))
    stack.fill(16)
    stack.mark("record2")
    stack.d64(0)
    stack.d64(0)
    stack.fill(16)
    let finished = stack
    let unwind = try TestUnwindData(moduleBase: Self.base, symbolText: symbols)
    // f0 keeps no record, so x29 is still f1's.
    let context = SyntheticContext.arm64(
      pc: Self.at(0x1010), sp: Self.stackBase, fp: finished.address(of: "record1"), lr: Self.at(0x1008))
    let frames = try RoundTripTests.walk(Self.dump(context: context, stack: finished), unwind: unwind)
    #expect(frames.map(\.instruction) == [Self.at(0x1010), Self.at(0x200c), Self.at(0x300c)].map { Address($0) })
    #expect(frames.map(\.trust) == [.context, .cfi, .framePointer])
  }

  @Test("scanning when the frame pointer leads nowhere: a word just past a call in a module")
  func scanning() throws {
    var stack = StackSection(base: Self.stackBase)
    stack.d64(0x1234)
    stack.d64(Self.base)  // the module's base: no call ends there
    stack.d64(0xdead_beef)
    stack.d64(Self.at(0x2010))
    stack.fill(32)
    let context = SyntheticContext.arm64(pc: Self.at(0x1010), sp: Self.stackBase, fp: 0x10_0000, lr: 0)
    let frames = try RoundTripTests.walk(Self.dump(context: context, stack: stack))
    #expect(frames.count >= 2)
    #expect(frames[1].trust == .scan)
    #expect(frames[1].instruction == Address(Self.at(0x200c)))
    #expect(frames[1].framePointer == Address(Self.stackBase + 32))
  }

  @Test("pointer-authentication bits above the modules' address space are masked off return addresses")
  func pointerAuthentication() throws {
    let signed: UInt64 = 0x002a_0000_0000_0000
    var stack = StackSection(base: Self.stackBase)
    stack.fill(32)
    stack.arm64FrameRecords(returning: [signed | Self.at(0x3010), 0])
    let finished = stack
    let context = SyntheticContext.arm64(
      pc: Self.at(0x1010), sp: Self.stackBase, fp: finished.address(of: "record1"), lr: signed | Self.at(0x2010))
    let frames = try RoundTripTests.walk(Self.dump(context: context, stack: finished))
    #expect(frames.map(\.instruction) == [Self.at(0x1010), Self.at(0x200c), Self.at(0x300c)].map { Address($0) })
  }

  @Test("the dump's pointer-authentication mask (Crashpad's address_mask) strips a return address no module holds")
  func dumpMaskStripsAddressesOutsideModules() throws {
    let signed: UInt64 = 0x002a_0000_0000_0000
    // A return address into JIT code: no module covers it, so the modules' extent cannot tell
    // its authentication bits from its address; the dump's mask can.
    let jit: UInt64 = 0x0000_7f00_1234_5678
    var stack = StackSection(base: Self.stackBase)
    stack.fill(32)
    stack.arm64FrameRecords(returning: [signed | jit, 0])
    let finished = stack
    let context = SyntheticContext.arm64(
      pc: Self.at(0x1010), sp: Self.stackBase, fp: finished.address(of: "record1"), lr: signed | Self.at(0x2010))
    let file = try TemporaryFile(Self.dump(context: context, stack: finished).bytes(), suffix: ".dmp")
    let minidump = try MinidumpFile(path: file.path)
    guard case .arm64(let registers) = try minidump.context(at: try #require(minidump.threads.first).context) else {
      Issue.record("no ARM64 context")
      return
    }
    let modules = ModuleIndex(minidump.modules.map(\.codeModule))
    /// The return address the frame record gives: where the second frame returns to, the third
    /// frame's instruction.
    func recordCaller(mask: UInt64?) -> Address? {
      var options = WalkOptions()
      options.pointerAuthenticationMask = mask
      let walker = StackwalkerARM64(memory: MinidumpMemory(minidump), moduleIndex: modules, options: options)
      let frames = walker.walk(context: registers).frames
      #expect(frames.count == 3 && frames[0].returnAddress == Address(Self.at(0x2010)))
      guard frames.count == 3 else { return nil }
      #expect(frames[2].instruction == frames[1].returnAddress.map { Address($0.rawValue - 4) })
      return frames[1].returnAddress
    }
    #expect(recordCaller(mask: nil) == Address(signed | jit))
    // Linux's 48-bit user addresses: the codes live in bits 48 and up.
    #expect(recordCaller(mask: 0xFFFF_0000_0000_0000) == Address(jit))
    #expect(recordCaller(mask: 0) == Address(signed | jit))
  }
}
