//===--- ScanScenarios.swift - Windows dumps whose frames only scanning finds ---===//
//
// `dump-bench --scan-scenarios DIR [--count N] [--seed S]` writes two sets of N
// Windows minidumps, DIR/x86 and DIR/amd64, each with a Breakpad store holding
// FUNC records (no unwind data) for one of its two modules:
//   - app.exe (with symbols): 48 slots of 256 bytes, 40 of them functions, the
//     others gaps no FUNC covers;
//   - nosyms.dll (no symbol file).
// Four threads per dump hold chains of 2 to 40 return addresses, 1 to 25 words
// apart, into app.exe's functions (and, one in six, into nosyms.dll); the frame
// pointer register and every other word point nowhere a frame-pointer step can
// use, so every caller is found by scanning. Between the return addresses lie
// decoys a scan must pass over as Breakpad's does: app.exe's base address (no
// call ends there), small numbers and junk. (Addresses in app.exe's gaps, which
// minidump_stackwalk rejects with the symbol file loaded, are left out: the
// processor in symbolic's wheel resolves no names, so it takes any address in a
// module; BreakpadAgreementTests checks that rule.) In one x86 thread in two the word below the last of them is
// a saved ebp leading to a chain of frame records further up, which both walks
// follow once scanning has found that return address (Breakpad restores ebp from
// the word below a return address it scanned to). After the last return address
// come 40 junk words, so both walks end there. scripts/check-breakpad compares Breakpad's frames, all found
// by scanning, with analyse's in order.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport

enum ScanScenarios {
  static let functionSize: UInt64 = 0x100
  static let firstFunction: UInt64 = 0x1000
  static let slotCount = 48

  /// The two sets: 32-bit and 64-bit Windows.
  enum Kind: String, CaseIterable {
    case x86
    case amd64

    var wordSize: UInt64 { self == .x86 ? 4 : 8 }
    var appBase: UInt64 { self == .x86 ? 0x0040_0000 : 0x0000_0001_4000_0000 }
    var dllBase: UInt64 { self == .x86 ? 0x1000_0000 : 0x0000_7ffa_1000_0000 }
    var stackBase: UInt64 { self == .x86 ? 0x0012_0000 : 0x0000_00a1_2340_0000 }
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
    // Eight slots are gaps: in the module, in no function.
    var isFunction = [Bool](repeating: true, count: slotCount)
    while isFunction.filter({ !$0 }).count < 8 { isFunction[Int(random.next() % UInt64(slotCount))] = false }
    var app = SyntheticModule(base: kind.appBase, size: 0x10000, name: "C:\\scan\\app.exe")
    app.codeView = (pdb: "app.pdb", guid: (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }, age: 1)
    var dll = SyntheticModule(base: kind.dllBase, size: 0x10000, name: "C:\\Windows\\System32\\nosyms.dll")
    dll.codeView = (pdb: "nosyms.pdb", guid: (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }, age: 1)
    var dumps: [SyntheticMinidump] = []
    for _ in 0..<count {
      var dump = SyntheticMinidump()
      dump.processorArchitecture = kind == .x86 ? 0 : 9
      dump.osVersion = (10, 0, 19045)
      dump.servicePack = nil
      dump.modules = [app, dll]
      for thread in 0..<4 {
        dump.threads.append(chain(kind, thread: thread, isFunction: isFunction, random: &random))
      }
      let first = dump.threads[0]
      dump.exception = (threadID: first.id, code: 0xC000_0005, address: 0, parameters: [], context: first.context)
      dumps.append(dump)
    }
    var records = ""
    for slot in 0..<slotCount where isFunction[slot] {
      records += "FUNC \(hex(function(slot))) \(hex(functionSize)) 0 scan_function_\(slot)\n"
    }
    try CFIScenarios.writeScenarios(
      dumps, named: "scan", to: directory, module: kind == .x86 ? "windows x86" : "windows x86_64", records: records)
  }

  /// One thread: return addresses 1 to 25 words apart with decoys between them.
  static func chain(_ kind: Kind, thread: Int, isFunction: [Bool], random: inout SplitMix) -> SyntheticThread {
    let functions = (0..<slotCount).filter { isFunction[$0] }
    let mask: UInt64 = kind == .x86 ? 0xFFFF_FFFF : .max
    func inside(_ slot: Int) -> UInt64 { kind.appBase + function(slot) + 5 + random.next() % (functionSize - 5) }
    func decoy() -> UInt64 {
      switch random.next() % 3 {
      case 0: return kind.appBase  // no call ends at a module's first byte
      case 1: return random.next() % 0x1_0000  // a small number
      default: return (0x9000_0000 | (random.next() & 0x0FFF_FFFC)) & mask  // nowhere
      }
    }
    func returnAddress() -> UInt64 {
      random.next() % 6 == 0
        ? kind.dllBase + 0x100 + random.next() % 0xF000 : inside(functions[Int(random.next() % UInt64(functions.count))])
    }
    let stackBase = kind.stackBase + UInt64(thread) * 0x1_0000
    let depth = 2 + Int(random.next() % 39)
    var words: [UInt64] = []
    for _ in 1..<depth {
      for _ in 0..<(1 + Int(random.next() % 24)) { words.append(decoy()) }
      words.append(returnAddress())
    }
    // x86, one thread in two: the word below the last return address found by scanning is a
    // saved ebp, the first of a chain of frame records ({saved ebp, return address}, the last
    // {0, 0}) further up, which the walk follows from there (Breakpad restores ebp so).
    if kind == .x86 && random.next() % 2 == 0 {
      let records = 1 + Int(random.next() % 8)
      let savedEBPIndex = words.count - 2
      var previous = savedEBPIndex
      for record in 0..<records {
        for _ in 0..<Int(random.next() % 10) { words.append(decoy()) }
        words[previous] = stackBase + UInt64(words.count) * kind.wordSize
        previous = words.count
        words.append(0)
        words.append(record + 1 < records ? returnAddress() : 0)
      }
    }
    for _ in 0..<40 { words.append((0x9000_0000 | (random.next() & 0x0FFF_FFFC)) & mask) }
    let stack = words.flatMap { word in (0..<Int(kind.wordSize)).map { UInt8(truncatingIfNeeded: word >> UInt64(8 * $0)) } }
    let pc = inside(functions[Int(random.next() % UInt64(functions.count))])
    let context: SyntheticContext =
      kind == .x86
      ? .x86(eip: UInt32(pc), esp: UInt32(stackBase), ebp: 0x0000_0010)
      : .amd64(rip: pc, rsp: stackBase, rbp: 0x0000_0010)
    return SyntheticThread(id: UInt32(300 + thread), context: context, stackBase: stackBase, stack: stack)
  }

  static func function(_ slot: Int) -> UInt64 { firstFunction + UInt64(slot) * functionSize }

  static func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}
