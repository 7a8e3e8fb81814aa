//===--- WindowsFrameScenarios.swift - x86 dumps walked by STACK WIN ---------===//
//
// `dump-bench --win-scenarios DIR [--count N] [--seed S]` writes N Windows x86
// minidumps (DIR/win-K.dmp) of one module with a CodeView record and its
// Breakpad store (DIR/store/scenario.pdb/ID/scenario.sym): 48 functions of 256
// bytes, each with a FUNC and one STACK WIN record of one of two kinds, as
// dump_syms writes them from a PDB:
//   - FPO data (type 0) of a function that keeps no frame pointer: `local_size`
//     and `saved_register_size` bytes below the return address, found from the
//     callee's esp past the callee's stdcall parameters (Breakpad's
//     .raSearchStart, with .cbCalleeParams), then esp just above it;
//   - frame data (type 4) of a function that pushes ebp and sets it from esp, with
//     the program `$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =`.
// Each function pops 0 to 32 bytes of parameters (`parameter_size`), which lie
// between its return address and its caller's locals. In one thread in four
// whose innermost function is FPO, a stale copy of its eip sits where its return
// address is looked for (a system call's), the return address one word above.
// Four threads per dump hold chains of 2 to 40 frames laid out by those records;
// every other word (and ebp, where no frame has set it) points nowhere, so only
// the STACK WIN records find the frames. scripts/check-breakpad walks them with
// Breakpad's processor and with analyse.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport

#if canImport(Glibc)
  import Glibc
#endif

enum WindowsFrameScenarios {
  static let base: UInt32 = 0x0040_0000
  static let functionCount = 48
  static let functionSize: UInt32 = 0x100
  static let firstFunction: UInt32 = 0x1000

  /// Writes the dumps and the store under `directory` (which must exist).
  static func write(to directory: String, count: Int, seed: UInt64) throws(CFIScenarios.GenerationError) {
    var random = SplitMix(seed: seed)
    // Per function: whether it keeps a frame pointer; its locals and saved registers.
    let framed = (0..<functionCount).map { _ in random.next() % 2 == 0 }
    let locals = (0..<functionCount).map { _ in UInt32(4 * (random.next() % 17)) }
    let saved = (0..<functionCount).map { _ in UInt32(4 * (random.next() % 5)) }
    // Parameter bytes each pops on return (stdcall), up to 8 arguments: past the three words
    // Breakpad searches above .raSearchStart, so a walk that leaves out .cbCalleeParams misses.
    let parameters = (0..<functionCount).map { _ in UInt32(4 * (random.next() % 9)) }
    var module = SyntheticModule(base: UInt64(base), size: 0x10000, name: "C:\\\\scenario\\\\scenario.exe")
    module.codeView = (pdb: "scenario.pdb", guid: (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }, age: 1)
    module.timestamp = 0x3A2B_1C0D
    var dumps: [SyntheticMinidump] = []
    for _ in 0..<count {
      var dump = SyntheticMinidump()
      dump.modules = [module]
      for thread in 0..<4 {
        dump.threads.append(
          chain(thread: thread, framed: framed, locals: locals, saved: saved, parameters: parameters, random: &random))
      }
      let first = dump.threads[0]
      dump.exception = (threadID: first.id, code: 0xC000_0005, address: 0, parameters: [], context: first.context)
      dumps.append(dump)
    }
    var records = ""
    for index in 0..<functionCount {
      records += "FUNC \(hex(function(index))) \(hex(functionSize)) 0 scenario_function_\(index)\n"
    }
    for index in 0..<functionCount {
      let start = hex(function(index))
      if framed[index] {
        records += "STACK WIN 4 \(start) \(hex(functionSize)) 3 0 \(hex(parameters[index])) \(hex(saved[index])) "
          + "\(hex(locals[index])) 0 1 $T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =\n"
      } else {
        records += "STACK WIN 0 \(start) \(hex(functionSize)) 0 0 \(hex(parameters[index])) \(hex(saved[index])) "
          + "\(hex(locals[index])) 0 0 0\n"
      }
    }
    try CFIScenarios.writeScenarios(dumps, named: "win", to: directory, module: "windows x86", records: records)
  }

  /// One thread: a chain of frames through random functions, laid out by their records.
  static func chain(
    thread: Int, framed: [Bool], locals: [UInt32], saved: [UInt32], parameters: [UInt32], random: inout SplitMix
  ) -> SyntheticThread {
    let stackBase = 0x0012_0000 + UInt32(thread) * 0x1_0000
    func junk() -> UInt32 { 0x9000_0000 | UInt32(truncatingIfNeeded: random.next() & 0x0FFF_FFFC) }
    let depth = 2 + Int(random.next() % 39)
    let functions = (0..<depth).map { _ in Int(random.next() % UInt64(functionCount)) }
    // Return addresses land past a call, and past a framed function's prologue.
    let positions = (0..<depth).map { _ in 5 + UInt32(random.next() % UInt64(functionSize - 5)) }
    // Where each frame's return address is, from the first frame's esp up: above its callee's
    // parameters, its locals and saved registers (and, for a framed function, above the saved
    // ebp its ebp points at).
    let firstESP = stackBase + 4 * UInt32(random.next() % 8)
    let eip = base + function(functions[0]) + positions[0]
    // One thread in four stops in an FPO function just back from a system call, whose return
    // address (its own eip) is still on the stack where its own is looked for: Breakpad skips
    // that word for the context frame.
    let staleCopy = !framed[functions[0]] && random.next() % 4 == 0
    var esp = firstESP
    var returnSlots: [UInt32] = []
    for level in 0..<depth {
      let function = functions[level]
      let below = level > 0 ? parameters[functions[level - 1]] : 0
      var slot = esp + below + locals[function] + saved[function] + (framed[function] ? 4 : 0)
      if level == 0 && staleCopy { slot += 4 }
      returnSlots.append(slot)
      esp = slot + 4
    }
    var ebps = [UInt32](repeating: 0, count: depth)
    var memory: [UInt32: UInt32] = [:]
    for level in stride(from: depth - 1, through: 0, by: -1) {
      if framed[functions[level]] {
        ebps[level] = returnSlots[level] - 4
        memory[returnSlots[level] - 4] = level + 1 < depth ? ebps[level + 1] : junk()
      } else {
        ebps[level] = level + 1 < depth ? ebps[level + 1] : junk()
      }
      memory[returnSlots[level]] = level + 1 < depth ? base + function(functions[level + 1]) + positions[level + 1] : 0
    }
    if staleCopy { memory[returnSlots[0] - 4] = eip }
    var words: [UInt32] = []
    var address = stackBase
    while address < returnSlots[depth - 1] + 32 {
      words.append(memory[address] ?? junk())
      address += 4
    }
    let stack = words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    let context = SyntheticContext.x86(eip: eip, esp: firstESP, ebp: ebps[0])
    return SyntheticThread(id: UInt32(200 + thread), context: context, stackBase: UInt64(stackBase), stack: stack)
  }

  static func function(_ index: Int) -> UInt32 { firstFunction + UInt32(index) * functionSize }

  static func hex(_ value: UInt32) -> String { String(value, radix: 16) }
}
