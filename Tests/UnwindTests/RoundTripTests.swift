//===--- RoundTripTests.swift - Frame records → dump → walker → the same -----===//
//
// Each test states frames and memory with StackSection, writes a synthetic
// minidump, reads it back and walks it: the walker must find the stated frame
// pointers, return addresses and parameters, by the stated strategy.
//
//===----------------------------------------------------------------------===//

import BreakpadSymbols
import CrashCore
import CrashTestSupport
import Foundation
import Minidump
import Testing
import Unwind

/// Unwind records from a Breakpad file written by the test, for one module.
final class TestUnwindData: UnwindDataProvider {
  let moduleBase: UInt64
  let symbols: BreakpadSymbolFile

  init(moduleBase: UInt64, symbolText: String) throws {
    self.moduleBase = moduleBase
    let file = try TemporaryFile(text: symbolText, suffix: ".sym")
    symbols = try BreakpadSymbolFile(path: file.path)
  }

  func unwindInfo(for module: CodeModule) -> (any UnwindInfoSource)? {
    module.base.rawValue == moduleBase ? symbols : nil
  }
}

@Suite("Stack walking round trips")
struct RoundTripTests {
  static var module: SyntheticModule { SyntheticModule(base: 0x0040_0000, size: 0x10000, name: "app.exe") }

  /// Writes `dump`, reads it back, walks thread 0.
  static func walk(_ dump: SyntheticMinidump, unwind: (any UnwindDataProvider)? = nil) throws -> [StackFrame] {
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let minidump = try MinidumpFile(path: file.path)
    #expect(minidump.diagnostics.isEmpty)
    let context = try minidump.context(at: try #require(minidump.threads.first).context)
    let modules = minidump.modules.map(\.codeModule)
    switch context {
    case .x86(let registers):
      return StackwalkerX86(memory: MinidumpMemory(minidump), modules: modules, unwindData: unwind).walk(context: registers).frames
    case .alpha(let registers):
      return StackwalkerAlpha(memory: MinidumpMemory(minidump), modules: modules, unwindData: unwind).walk(context: registers).frames
    case .amd64(let registers):
      return StackwalkerAMD64(memory: MinidumpMemory(minidump), modules: modules, unwindData: unwind).walk(context: registers).frames
    case .arm64(let registers):
      return StackwalkerARM64(memory: MinidumpMemory(minidump), modules: modules, unwindData: unwind).walk(context: registers).frames
    case .arm(let registers):
      return StackwalkerARM(memory: MinidumpMemory(minidump), modules: modules, unwindData: unwind).walk(context: registers).frames
    case .riscv64(let registers):
      return StackwalkerRISCV64(memory: MinidumpMemory(minidump), modules: modules, unwindData: unwind).walk(context: registers).frames
    }
  }

  static func x86Dump(eip: UInt32, esp: UInt64, ebp: UInt32, stack: StackSection) -> SyntheticMinidump {
    var dump = SyntheticMinidump()
    dump.threads = [
      SyntheticThread(
        id: 1, context: .x86(eip: eip, esp: UInt32(esp), ebp: ebp), stackBase: stack.base, stack: stack.finished())
    ]
    dump.modules = [module]
    return dump
  }

  @Test("x86 EBP chain: frame pointers, return addresses and [ebp+8…] parameters come back")
  func ebpChain() throws {
    var stack = StackSection(base: 0x8000_0000)
    stack.fill(16)
    let records: [(UInt32, UInt32, UInt32, UInt32)] = [
      (0x0040_1234, 1, 2, 3), (0x0040_2345, 4, 5, 6), (0x0040_3456, 7, 8, 9), (0, 0, 0, 0),
    ]
    for (index, record) in records.enumerated() {
      stack.mark("frame\(index)")
      if index + 1 < records.count { stack.d32(label: "frame\(index + 1)") } else { stack.d32(0) }
      stack.d32(record.0)
      stack.d32(record.1)
      stack.d32(record.2)
      stack.d32(record.3)
      stack.fill(12)  // locals of the caller
    }
    let frames = try Self.walk(
      Self.x86Dump(eip: 0x0040_0100, esp: stack.base, ebp: UInt32(stack.address(of: "frame0")), stack: stack))
    #expect(frames.count == 4)
    for (index, record) in records.enumerated() {
      #expect(frames[index].framePointer == Address(stack.address(of: "frame\(index)")))
      #expect(frames[index].returnAddress == Address(UInt64(record.0)))
      #expect(frames[index].parameters == [UInt64(record.1), UInt64(record.2), UInt64(record.3)])
    }
    #expect(frames.map(\.trust) == [.context, .framePointer, .framePointer, .framePointer])
    #expect(frames[1].instruction == Address(0x0040_1233))  // return address − 1
  }

  @Test("x86 FPO via STACK WIN: a function without a frame pointer, then the EBP chain resumes")
  func fpo() throws {
    // Frame 0 is an FPO function at 0x401000 (4 bytes of locals, 4 of saved registers, no EBP frame):
    // ESP → [local][saved esi][return address]; EBP still belongs to its caller.
    var stack = StackSection(base: 0x8000_0000)
    stack.d32(0xdead_beef)  // local
    stack.d32(0x1234_5678)  // saved esi
    stack.d32(0x0040_2010)  // return address into frame 1
    stack.fill(8)
    stack.mark("frame1")
    stack.d32(0)  // frame 1's saved EBP: end of the chain
    stack.d32(0)
    stack.d32(0xa)
    stack.d32(0xb)
    stack.d32(0xc)
    let symbols = """
      MODULE windows x86 00000000000000000000000000000000 app.pdb
      FUNC 1000 100 0 fpo_function
      FUNC 2000 100 0 caller
      STACK WIN 0 1000 100 0 0 0 4 4 0 0 0

      """
    let unwind = try TestUnwindData(moduleBase: 0x0040_0000, symbolText: symbols)
    let frames = try Self.walk(
      Self.x86Dump(eip: 0x0040_1010, esp: stack.base, ebp: UInt32(stack.address(of: "frame1")), stack: stack),
      unwind: unwind)
    #expect(frames.count == 2)
    #expect(frames[1].trust == .frameData)
    #expect(frames[1].instruction == Address(0x0040_200f))
    #expect(frames[1].framePointer == Address(stack.address(of: "frame1")))
    #expect(frames[1].parameters == [0xa, 0xb, 0xc])
    #expect(frames[0].returnAddress == Address(0x0040_2010))
  }

  @Test("x86 scanning: no frame pointer and no unwind data, a return address on the stack is found")
  func scan() throws {
    var stack = StackSection(base: 0x8000_0000)
    stack.d32(0x11)
    stack.d32(0x22)
    stack.d32(0x0040_5678)  // the only word pointing into a module
    stack.fill(64)
    // EBP points nowhere readable, so the chain cannot be followed.
    let frames = try Self.walk(Self.x86Dump(eip: 0x0040_0100, esp: stack.base, ebp: 0x1000, stack: stack))
    #expect(frames.count >= 2)
    #expect(frames[1].trust == .scan)
    #expect(frames[1].instruction == Address(0x0040_5677))
  }

  @Test("x86 FPO: a stdcall callee's parameters lie between its return address and its caller's locals (.cbCalleeParams)")
  func stdcallCalleeParameters() throws {
    // a (FPO, 4 bytes of locals, pops 16 bytes of parameters) ← b (FPO, 8 of locals, 4 of saved
    // registers) ← c (FPO, nothing), which returns to 0.
    var stack = StackSection(base: 0x8000_0000)
    stack.d32(0x1111_1111)  // a's local
    stack.d32(0x0040_2010)  // return into b
    for _ in 0..<4 { stack.d32(0x2222_2222) }  // a's parameters, pushed by b
    stack.d32(0x3333_3333)  // b's locals
    stack.d32(0x3333_3333)
    stack.d32(0x4444_4444)  // b's saved register
    stack.d32(0x0040_3010)  // return into c
    stack.d32(0)  // c's return address: the end
    stack.fill(16)
    let symbols = """
      MODULE windows x86 00000000000000000000000000000000 app.pdb
      FUNC 1000 100 0 a
      FUNC 2000 100 0 b
      FUNC 3000 100 0 c
      STACK WIN 0 1000 100 0 0 10 0 4 0 0 0
      STACK WIN 0 2000 100 0 0 0 4 8 0 0 0
      STACK WIN 0 3000 100 0 0 0 0 0 0 0 0

      """
    let unwind = try TestUnwindData(moduleBase: 0x0040_0000, symbolText: symbols)
    let frames = try Self.walk(Self.x86Dump(eip: 0x0040_1010, esp: stack.base, ebp: 0x5555_5555, stack: stack), unwind: unwind)
    #expect(frames.map(\.instruction) == [0x0040_1010, 0x0040_200f, 0x0040_300f].map { Address($0) })
    #expect(frames.map(\.trust) == [.context, .frameData, .frameData])
  }

  @Test("x86 scanning restores ebp from the word below the return address, and the EBP chain goes on from there")
  func scanRestoresFramePointer() throws {
    var stack = StackSection(base: 0x8000_0000)
    stack.d32(0x1111_1111)  // a local of frame 0, whose ebp (0x10) leads nowhere
    stack.d32(label: "record")  // the caller's ebp, pushed by the function frame 0 returns into
    stack.d32(0x0040_1234)  // return address, found by scanning
    stack.fill(8)
    stack.mark("record")
    stack.d32(0)  // the end of the chain
    stack.d32(0x0040_2345)
    stack.fill(16)
    let frames = try Self.walk(Self.x86Dump(eip: 0x0040_1000, esp: stack.base, ebp: 0x10, stack: stack))
    #expect(frames.map(\.instruction) == [0x0040_1000, 0x0040_1233, 0x0040_2344].map { Address($0) })
    #expect(frames.map(\.trust) == [.context, .scan, .framePointer])
  }

  @Test("x86: a frame chain that loops ends the walk with the stack pointer rule")
  func loopingChain() throws {
    var stack = StackSection(base: 0x8000_0000)
    stack.mark("frame0")
    stack.d32(label: "frame0")  // saved EBP points at itself
    stack.d32(0x0040_1234)
    stack.fill(32)
    let frames = try Self.walk(
      Self.x86Dump(eip: 0x0040_0100, esp: stack.base, ebp: UInt32(stack.address(of: "frame0")), stack: stack))
    #expect(frames.count <= 3)
  }

  static func alphaDump(fir: UInt64, sp: UInt64, ra: UInt64, a0: UInt64, stack: StackSection) -> SyntheticMinidump {
    var dump = SyntheticMinidump()
    dump.processorArchitecture = 2
    dump.processorLevel = 21164
    dump.threads = [
      SyntheticThread(
        id: 1, context: .alpha(fir: fir, sp: sp, ra: ra, integer: [0x180: a0]), stackBase: stack.base,
        stack: stack.finished())
    ]
    dump.modules = [SyntheticModule(base: 0x0200_0000, size: 0x10000, name: "store.exe")]
    return dump
  }

  @Test("Alpha with STACK CFI (Alpha register names): frame sizes and ra slots give the callers")
  func alphaCFI() throws {
    // f1 at 0x2001000 allocates 0x20 and saves ra at sp+0; f2 at 0x2002000 allocates 0x30, ra at sp+8.
    var stack = StackSection(base: 0x1000_0000)
    stack.d64(0x0200_2044)  // f1's saved ra → into f2
    stack.fill(0x18)
    stack.d64(0)  // f2 frame: sp+0
    stack.d64(0x0200_3088)  // f2's saved ra at sp+8 → into f3
    stack.fill(0x20)
    stack.fill(0x40)
    let symbols = """
      MODULE windows alpha 00000000000000000000000000000000 store.pdb
      FUNC 1000 100 0 f1
      FUNC 2000 100 0 f2
      FUNC 3000 100 0 f3
      STACK CFI INIT 1000 100 .cfa: $sp 32 + .ra: .cfa 32 - ^
      STACK CFI INIT 2000 100 .cfa: $sp 48 + .ra: .cfa 40 - ^

      """
    let unwind = try TestUnwindData(moduleBase: 0x0200_0000, symbolText: symbols)
    let frames = try Self.walk(
      Self.alphaDump(fir: 0x0200_1010, sp: stack.base, ra: 0x0200_2044, a0: 0x1234, stack: stack), unwind: unwind)
    #expect(frames.count >= 3)
    #expect(frames[0].framePointer == Address(0x1000_0000))
    #expect(frames[0].returnAddress == Address(0x0200_2044))
    #expect(frames[0].parameters.first == 0x1234)
    #expect(frames[0].parameterSource == .registers)
    #expect(frames[1].framePointer == Address(0x1000_0020))
    #expect(frames[1].instruction == Address(0x0200_2040))  // ra − 4
    #expect(frames[1].trust == .cfi)
    #expect(frames[1].returnAddress == Address(0x0200_3088))
    #expect(frames[2].framePointer == Address(0x1000_0050))
    #expect(frames[2].trust == .cfi)
  }

  @Test("Alpha without symbols: the leaf's ra, then scanning")
  func alphaNoSymbols() throws {
    var stack = StackSection(base: 0x1000_0000)
    stack.d64(0x55)
    stack.d64(0x0200_3088)  // a return address saved by the caller's caller
    stack.fill(0x40)
    let frames = try Self.walk(Self.alphaDump(fir: 0x0200_1010, sp: stack.base, ra: 0x0200_2044, a0: 1, stack: stack))
    #expect(frames.count >= 3)
    #expect(frames[1].trust == .returnAddressRegister)
    #expect(frames[1].instruction == Address(0x0200_2040))
    #expect(frames[2].trust == .scan)
    #expect(frames[2].instruction == Address(0x0200_3084))
  }
}

@Suite("Dump layouts")
struct DumpLayoutTests {
  @Test("an NT 4.0 x86 CONTEXT without ExtendedRegisters (0xCC bytes) and a Memory64List walk the same")
  func shortContextAndMemory64() throws {
    var dump = ExampleDumps.q276222()
    let thread = dump.threads[0]
    dump.threads[0].context = .x86(
      eip: ExampleDumps.q276222InstructionPointer, esp: ExampleDumps.q276222StackPointer,
      ebp: ExampleDumps.q276222Frames[0].0, extended: false)
    dump.exception = nil
    dump.usesMemory64List = true
    _ = thread
    let file = try TemporaryFile(dump.bytes(), suffix: ".dmp")
    let minidump = try MinidumpFile(path: file.path)
    #expect(minidump.diagnostics.isEmpty)
    #expect(minidump.threads[0].context.size == 0xCC)
    #expect(minidump.memoryRanges.count == 1)
    guard case .x86(let registers) = try minidump.context(at: minidump.threads[0].context) else {
      Issue.record("not x86")
      return
    }
    let frames = StackwalkerX86(memory: MinidumpMemory(minidump), modules: minidump.modules.map(\.codeModule))
      .walk(context: registers).frames
    #expect(frames.count == 9)
    #expect(frames.map { $0.framePointer?.rawValue } == ExampleDumps.q276222Frames.map { UInt64($0.0) })
  }
}
