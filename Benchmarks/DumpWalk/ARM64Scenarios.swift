//===--- ARM64Scenarios.swift - Linux ARM64 dumps for the ARM64 walker -------===//
//
// `dump-bench --arm64-scenarios DIR [--count N] [--seed S]` writes three sets of N
// Linux ARM64 minidumps of one module, each set with its Breakpad store:
//   DIR/cfi: 48 functions of 256 bytes, each with a FUNC and STACK CFI of one of
//     two kinds, as compilers lay them out and dump_syms writes them: one that
//     keeps a frame record (`stp x29, x30, [sp, #-N]!` then `mov x29, sp`: INIT
//     `.cfa: sp 0 + .ra: x30`, at +4 `.cfa: sp N + .ra: .cfa -(N-8) + ^ x29:
//     .cfa -N + ^`, at +8 `.cfa: x29 N +`), or one that only reserves N bytes
//     and saves x30 at the top (`.cfa: sp N + .ra: .cfa -8 + ^` from +4).
//   DIR/frame-pointer: FUNC records only; every function keeps a frame record,
//     so only the chain of records finds the callers.
//   DIR/mixed: half the functions have STACK CFI (of either kind), the others
//     keep frame records: walks go from CFI to frame records and back. A CFI
//     step does not recover x30; the next frame-record step takes it from the
//     callee's record, and where there is none Breakpad ends the walk while
//     analyse reads the frame's own record (StackwalkerARM64).
// Four threads per dump hold chains of 2 to 40 frames laid out by those rules.
// The innermost frame is either at its function's entry (nothing saved yet, lr
// holding the return address: a leaf) or in its body with lr left by a call it
// made (a point inside the function itself). Every other word points nowhere.
// scripts/check-breakpad walks them with Breakpad's processor and with analyse.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport

enum ARM64Scenarios {
  static let base: UInt64 = 0x0000_7f56_7800_0000
  static let functionCount = 48
  static let functionSize: UInt64 = 0x100
  static let firstFunction: UInt64 = 0x1000

  /// The sets: walked by STACK CFI, by frame records alone, by both in turn.
  enum Kind: String, CaseIterable {
    case cfi
    case framePointer = "frame-pointer"
    case mixed
  }

  /// Writes both sets under `directory` (which must exist).
  static func write(to directory: String, count: Int, seed: UInt64) throws(CFIScenarios.GenerationError) {
    for kind in Kind.allCases {
      try CFIScenarios.makeDirectory("\(directory)/\(kind.rawValue)")
      try write(kind, to: "\(directory)/\(kind.rawValue)", count: count, seed: seed)
    }
  }

  static func write(_ kind: Kind, to directory: String, count: Int, seed: UInt64) throws(CFIScenarios.GenerationError) {
    var random = SplitMix(seed: seed)
    // Per function: whether it has STACK CFI, whether it keeps a frame record (every one
    // without CFI does), and its frame size (a multiple of 16).
    let hasCFI = (0..<functionCount).map { _ in kind == .cfi || (kind == .mixed && random.next() % 2 == 0) }
    let keepsRecord = hasCFI.map { cfi in !cfi || random.next() % 2 == 0 }
    let sizes = (0..<functionCount).map { _ in 16 * (1 + random.next() % 16) }
    var module = SyntheticModule(base: base, size: 0x10000, name: "/usr/lib/libscenario_arm64.so")
    module.elfBuildID = (0..<20).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    let dumps = CFIScenarios.linuxDumps(count: count, processor: 12, machine: "aarch64", module: module, random: &random) {
      chain(thread: $0, keepsRecord: keepsRecord, sizes: sizes, random: &$1)
    }
    var records = CFIScenarios.functionRecords(
      count: functionCount, at: firstFunction, size: functionSize, named: "scenario_function_")
    for index in 0..<functionCount where hasCFI[index] {
      let start = function(index)
      let size = sizes[index]
      records += "STACK CFI INIT \(hex(start)) \(hex(functionSize)) .cfa: sp 0 + .ra: x30\n"
      if keepsRecord[index] {
        records += "STACK CFI \(hex(start + 4)) .cfa: sp \(size) + .ra: .cfa -\(size - 8) + ^ x29: .cfa -\(size) + ^\n"
        records += "STACK CFI \(hex(start + 8)) .cfa: x29 \(size) +\n"
      } else {
        records += "STACK CFI \(hex(start + 4)) .cfa: sp \(size) + .ra: .cfa -8 + ^\n"
      }
    }
    try CFIScenarios.writeScenarios(dumps, named: "arm64", to: directory, module: "Linux arm64", records: records)
  }

  /// One thread: a chain of frames through random functions, laid out by their kind.
  static func chain(thread: Int, keepsRecord: [Bool], sizes: [UInt64], random: inout SplitMix) -> SyntheticThread {
    let stackBase = 0x0000_ffff_e000_0000 + UInt64(thread) * 0x10_0000
    func junk() -> UInt64 { 0x1111_0000_0000_0000 | (random.next() & 0xFFFF_FFF0) }
    let depth = 2 + Int(random.next() % 39)
    let functions = (0..<depth).map { _ in Int(random.next() % UInt64(functionCount)) }
    let atEntry = random.next() % 3 == 0
    // Return addresses land past a call in a function's body, beyond its prologue.
    let positions = (0..<depth).map { level in
      level == 0 && atEntry ? 0 : 12 + 4 * (random.next() % ((functionSize - 12) / 4))
    }
    var stackPointers: [UInt64] = [stackBase + 16 * (random.next() % 4)]
    for level in 0..<depth {
      let size = level == 0 && atEntry ? 0 : sizes[functions[level]]
      stackPointers.append(stackPointers[level] + size)
    }
    // x29 while each frame runs: its own record, or its caller's x29 where it keeps none.
    var framePointers = [UInt64](repeating: 0, count: depth + 1)
    var memory: [UInt64: UInt64] = [:]
    for level in stride(from: depth - 1, through: 0, by: -1) {
      let returnAddress = level + 1 < depth ? base + function(functions[level + 1]) + positions[level + 1] : 0
      if level == 0 && atEntry {
        framePointers[0] = framePointers[1]
      } else if keepsRecord[functions[level]] {
        let record = stackPointers[level]
        framePointers[level] = record
        memory[record] = framePointers[level + 1]
        memory[record + 8] = returnAddress
      } else {
        framePointers[level] = framePointers[level + 1]
        memory[stackPointers[level + 1] - 8] = returnAddress
      }
    }
    var words: [UInt64] = []
    let top = stackPointers[depth] + 32
    var address = stackBase
    while address < top {
      words.append(memory[address] ?? junk())
      address += 8
    }
    let stack = words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    let pc = base + function(functions[0]) + positions[0]
    // At entry lr holds the return address; in the body, the return point of a call it made.
    let lr =
      atEntry
      ? base + function(functions[1]) + positions[1] : base + function(functions[0]) + 4 + 4 * (positions[0] / 8)
    let context = SyntheticContext.arm64(pc: pc, sp: stackPointers[0], fp: framePointers[0], lr: lr)
    return SyntheticThread(id: UInt32(100 + thread), context: context, stackBase: stackBase, stack: stack)
  }

  static func function(_ index: Int) -> UInt64 { firstFunction + UInt64(index) * functionSize }

  static func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}
