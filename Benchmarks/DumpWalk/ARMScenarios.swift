//===--- ARMScenarios.swift - 32-bit ARM dumps for the ARM walker ------------===//
//
// `dump-bench --arm-scenarios DIR [--count N] [--seed S]` writes three sets of N
// 32-bit ARM minidumps (Thumb code) of one module, each set with its Breakpad
// store:
//   DIR/cfi: Linux; 48 functions of 256 bytes, each with a FUNC and STACK CFI of
//     one of two kinds, as compilers lay them out and dump_syms writes them:
//     `push {r4, r7, lr}` then `sub sp, #N` (INIT `.cfa: sp 0 + .ra: lr`, at +2
//     `.cfa: sp 12 + .ra: .cfa -4 + ^ r4: .cfa -12 + ^ r7: .cfa -8 + ^`, at +4
//     `.cfa: sp 12+N +`), or `push {lr}` then `sub sp, #N` (`.cfa: sp 4+N +
//     .ra: .cfa -4 + ^` from +2).
//   DIR/scan: Linux; FUNC records only, every frame's return address at the top
//     of its frame: only scanning finds the callers (Breakpad follows no frame
//     pointer on Linux ARM).
//   DIR/frame-pointer: iOS; FUNC records only; every function does `push {r7,
//     lr}`, `mov r7, sp`, `sub sp, #N`: the chain of r7 records finds the callers.
// Four threads per dump hold chains of 2 to 40 frames laid out by those rules.
// The innermost frame is either at its function's entry (nothing saved yet, lr
// holding the return address) or in its body with lr left by a call it made.
// Return addresses carry the Thumb bit. Every other word points nowhere.
// scripts/check-breakpad walks them with Breakpad's processor and with analyse.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport

enum ARMScenarios {
  static let base: UInt64 = 0xb6f0_0000
  static let functionCount = 48
  static let functionSize: UInt64 = 0x100
  static let firstFunction: UInt64 = 0x1000

  /// The sets: walked by STACK CFI, by scanning, by r7 frame records (iOS).
  enum Kind: String, CaseIterable {
    case cfi
    case scan
    case framePointer = "frame-pointer"
  }

  /// Writes the three sets under `directory` (which must exist).
  static func write(to directory: String, count: Int, seed: UInt64) throws(CFIScenarios.GenerationError) {
    for kind in Kind.allCases {
      try CFIScenarios.makeDirectory("\(directory)/\(kind.rawValue)")
      try write(kind, to: "\(directory)/\(kind.rawValue)", count: count, seed: seed)
    }
  }

  static func write(_ kind: Kind, to directory: String, count: Int, seed: UInt64) throws(CFIScenarios.GenerationError) {
    var random = SplitMix(seed: seed)
    // Per function: whether it pushes r4 and r7 with lr (else lr alone), and the bytes it
    // reserves after its pushes (a multiple of 8; small enough for Breakpad's scan window).
    let pushesRecord = (0..<functionCount).map { _ in kind == .framePointer || (kind == .cfi && random.next() % 2 == 0) }
    let reserved = (0..<functionCount).map { _ in 8 * (random.next() % 7) }
    var module = SyntheticModule(base: base, size: 0x10000, name: "/system/lib/libscenario_arm.so")
    module.elfBuildID = (0..<20).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    var dumps = CFIScenarios.linuxDumps(count: count, processor: 5, machine: "armv7l", module: module, random: &random) {
      chain(thread: $0, kind: kind, pushesRecord: pushesRecord, reserved: reserved, random: &$1)
    }
    if kind == .framePointer {
      for index in dumps.indices {
        dumps[index].platformID = 0x8102  // iOS
        dumps[index].servicePack = "iPhone OS 9.3.5 13G36"
      }
    }
    var records = CFIScenarios.functionRecords(
      count: functionCount, at: firstFunction, size: functionSize, named: "scenario_function_")
    if kind == .cfi {
      for index in 0..<functionCount {
        let start = function(index)
        records += "STACK CFI INIT \(hex(start)) \(hex(functionSize)) .cfa: sp 0 + .ra: lr\n"
        let pushed: UInt64 = pushesRecord[index] ? 12 : 4
        if pushesRecord[index] {
          records += "STACK CFI \(hex(start + 2)) .cfa: sp 12 + .ra: .cfa -4 + ^ r4: .cfa -12 + ^ r7: .cfa -8 + ^\n"
        } else {
          records += "STACK CFI \(hex(start + 2)) .cfa: sp 4 + .ra: .cfa -4 + ^\n"
        }
        if reserved[index] > 0 { records += "STACK CFI \(hex(start + 4)) .cfa: sp \(pushed + reserved[index]) +\n" }
      }
    }
    let system = kind == .framePointer ? "iOS arm" : "Linux arm"
    try CFIScenarios.writeScenarios(dumps, named: "arm", to: directory, module: system, records: records)
  }

  /// One thread: a chain of frames through random functions, laid out by their kind.
  static func chain(
    thread: Int, kind: Kind, pushesRecord: [Bool], reserved: [UInt64], random: inout SplitMix
  ) -> SyntheticThread {
    let stackBase = 0xbe80_0000 + UInt64(thread) * 0x1_0000
    func junk() -> UInt64 { 0x0011_0000 | (random.next() & 0xFFFC) }
    let depth = 2 + Int(random.next() % 39)
    let functions = (0..<depth).map { _ in Int(random.next() % UInt64(functionCount)) }
    let atEntry = random.next() % 3 == 0
    // Return addresses land past a call in a function's body, beyond its prologue.
    let positions = (0..<depth).map { level in
      level == 0 && atEntry ? 0 : 8 + 2 * (random.next() % ((functionSize - 8) / 2))
    }
    func frameSize(_ index: Int) -> UInt64 { (pushesRecord[index] ? 12 : 4) + reserved[index] }
    // Each frame's stack pointer while it runs, and its CFA (its caller's stack pointer).
    var stackPointers: [UInt64] = [stackBase + 8 * (random.next() % 4)]
    for level in 0..<depth {
      let size = level == 0 && atEntry ? 0 : frameSize(functions[level])
      stackPointers.append(stackPointers[level] + size)
    }
    func returnAddress(into level: Int) -> UInt64 {
      level < depth ? (base + function(functions[level]) + positions[level]) | 1 : 0
    }
    // r7 while each frame runs: a record-keeping frame's points at {saved r7, lr} (iOS), or
    // is saved below lr (Linux, `push {r4, r7, lr}`); the others leave their caller's.
    var r7 = [UInt64](repeating: 0, count: depth + 1)
    var memory: [UInt64: UInt64] = [:]
    for level in stride(from: depth - 1, through: 0, by: -1) {
      let cfa = stackPointers[level + 1]
      if level == 0 && atEntry {
        r7[0] = r7[1]
        continue
      }
      memory[cfa - 4] = returnAddress(into: level + 1)
      if pushesRecord[functions[level]] {
        memory[cfa - 8] = r7[level + 1]
        if kind == .cfi { memory[cfa - 12] = junk() }  // r4
        r7[level] = kind == .framePointer ? cfa - 8 : junk()
      } else {
        r7[level] = r7[level + 1]
      }
    }
    var words: [UInt32] = []
    let top = stackPointers[depth] + 32
    var address = stackBase
    while address < top {
      words.append(UInt32(truncatingIfNeeded: memory[address] ?? junk()))
      address += 4
    }
    let stack = words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    let pc = base + function(functions[0]) + positions[0]
    // At entry lr holds the return address; in the body, the return point of a call it made.
    let lr = atEntry ? returnAddress(into: 1) : (base + function(functions[0]) + 4 + 2 * (positions[0] / 4)) | 1
    let context = SyntheticContext.arm(
      pc: UInt32(pc), sp: UInt32(stackPointers[0]), lr: UInt32(lr), general: [7: UInt32(truncatingIfNeeded: r7[0])])
    return SyntheticThread(id: UInt32(100 + thread), context: context, stackBase: stackBase, stack: stack)
  }

  static func function(_ index: Int) -> UInt64 { firstFunction + UInt64(index) * functionSize }

  static func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}
