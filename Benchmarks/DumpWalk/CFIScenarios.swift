//===--- CFIScenarios.swift - Linux amd64 dumps walked by STACK CFI ----------===//
//
// `dump-bench --cfi-scenarios DIR [--count N] [--seed S]` writes N minidumps
// (DIR/cfi-K.dmp) of one Linux amd64 module and a Breakpad symbol store for it
// (DIR/store/NAME/ID/NAME.sym): 48 functions of 256 bytes, each with a FUNC and
// its STACK CFI, of one of two kinds: a leaf-style function whose CFA is rsp plus
// a fixed size (`.cfa: $rsp K + .ra: .cfa -8 + ^`, K a multiple of 8 up to 512),
// or one that pushes rbp and sets it from rsp (INIT `.cfa: $rsp 8 +`, then at +1
// `.cfa: $rsp 16 + $rbp: .cfa -16 + ^`, at +4 `.cfa: $rbp 16 +`). In each dump four
// threads' stacks hold a chain of 2 to 40 frames laid out by those rules: each
// return address at its frame's CFA minus 8, just past a call inside the next
// function; a pushing function's saved rbp at CFA minus 16, and rbp pointing
// there while it runs. The other words point nowhere, so only CFI finds frames.
// scripts/check-breakpad walks them with Breakpad's processor and with analyse.
//
//===----------------------------------------------------------------------===//

import CrashCore
import CrashTestSupport
import Minidump

#if canImport(Glibc)
  import Glibc
#endif

enum CFIScenarios {
  static let base: UInt64 = 0x0000_7f12_3400_0000
  static let functionCount = 48
  static let functionSize: UInt64 = 0x100
  static let firstFunction: UInt64 = 0x1000

  /// Writes the dumps and the store under `directory` (which must exist).
  static func write(to directory: String, count: Int, seed: UInt64) throws(GenerationError) {
    var random = SplitMix(seed: seed)
    // Per function: whether it pushes rbp, and for the others the CFA's offset from rsp.
    let pushes = (0..<functionCount).map { _ in random.next() % 2 == 0 }
    let offsets = (0..<functionCount).map { _ in 8 * (1 + random.next() % 64) }
    var module = SyntheticModule(base: base, size: 0x10000, name: "/usr/lib/libscenario.so")
    module.elfBuildID = (0..<20).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    let dumps = linuxDumps(count: count, processor: 9, machine: "x86_64", module: module, random: &random) {
      chain(thread: $0, pushes: pushes, offsets: offsets, random: &$1)
    }
    var records = functionRecords(count: functionCount, at: firstFunction, size: functionSize, named: "scenario_function_")
    for index in 0..<functionCount {
      let start = function(index)
      if pushes[index] {
        records += "STACK CFI INIT \(hex(start)) \(hex(functionSize)) .cfa: $rsp 8 + .ra: .cfa -8 + ^\n"
        records += "STACK CFI \(hex(start + 1)) .cfa: $rsp 16 + $rbp: .cfa -16 + ^\n"
        records += "STACK CFI \(hex(start + 4)) .cfa: $rbp 16 +\n"
      } else {
        records += "STACK CFI INIT \(hex(start)) \(hex(functionSize)) .cfa: $rsp \(offsets[index]) + .ra: .cfa -8 + ^\n"
      }
    }
    try writeScenarios(dumps, named: "cfi", to: directory, module: "Linux x86_64", records: records)
  }

  /// `count` Linux dumps of `module` (processor 9 amd64, 12 arm64; `machine` as `uname -m`
  /// says it), each of four threads `thread` lays out (given the thread's number), the first
  /// crashed by SIGSEGV.
  static func linuxDumps(
    count: Int, processor: UInt16, machine: String, module: SyntheticModule, random: inout SplitMix,
    thread: (Int, inout SplitMix) -> SyntheticThread
  ) -> [SyntheticMinidump] {
    var dumps: [SyntheticMinidump] = []
    for _ in 0..<count {
      var dump = SyntheticMinidump()
      dump.processorArchitecture = processor
      dump.platformID = 0x8201
      dump.osVersion = (0, 0, 0)
      dump.servicePack = "Linux 6.1.0 #1 SMP \(machine)"
      dump.modules = [module]
      for number in 0..<4 { dump.threads.append(thread(number, &random)) }
      let first = dump.threads[0]
      dump.exception = (threadID: first.id, code: 11, address: 0, parameters: [], context: first.context)
      dumps.append(dump)
    }
    return dumps
  }

  /// FUNC records of `count` functions of `size` bytes from `first` on, named `prefix` and their number.
  static func functionRecords(count: Int, at first: UInt64, size: UInt64, named prefix: String) -> String {
    var records = ""
    for index in 0..<count {
      records += "FUNC \(hex(first + UInt64(index) * size)) \(hex(size)) 0 \(prefix)\(index)\n"
    }
    return records
  }

  /// Creates the directory `path` unless it exists.
  static func makeDirectory(_ path: String) throws(GenerationError) {
    guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw GenerationError(message: "\(path): cannot create the directory") }
  }

  /// Writes `dumps` as DIR/NAME-K.dmp, and the Breakpad store of their one module: DIR/store,
  /// the MODULE line for `module` (operating system and CPU) and the debug file and id the
  /// dump's reader gives the module, then `records`.
  static func writeScenarios(
    _ dumps: [SyntheticMinidump], named name: String, to directory: String, module: String, records: String
  ) throws(GenerationError) {
    for (number, dump) in dumps.enumerated() { try save(dump.bytes(), to: "\(directory)/\(name)-\(number).dmp") }
    let probe = "\(directory)/\(name)-0.dmp"
    guard let parsed = try? MinidumpFile(path: probe), let code = parsed.modules.first?.codeModule,
      let debugFile = code.debugFile, let identifier = code.debugIdentifier
    else { throw GenerationError(message: "\(probe): the generated dump does not read back") }
    let folder = "\(directory)/store/\(debugFile)/\(identifier)"
    for path in ["\(directory)/store", "\(directory)/store/\(debugFile)", folder] { try makeDirectory(path) }
    let stem = debugFile.hasSuffix(".pdb") ? String(debugFile.dropLast(4)) : debugFile
    try save(Array("MODULE \(module) \(identifier) \(debugFile)\n\(records)".utf8), to: "\(folder)/\(stem).sym")
  }

  /// One thread: a chain of frames through random functions, laid out by their CFI.
  static func chain(thread: Int, pushes: [Bool], offsets: [UInt64], random: inout SplitMix) -> SyntheticThread {
    let stackBase = 0x7ffc_0000_0000 + UInt64(thread) * 0x10_0000
    func junk() -> UInt64 { 0x1111_0000_0000_0000 | (random.next() & 0xFFFF_FFFF) }
    let depth = 2 + Int(random.next() % 39)
    let functions = (0..<depth).map { _ in Int(random.next() % UInt64(functionCount)) }
    // Return addresses land past a call, and past a pushing function's prologue.
    let positions = (0..<depth).map { _ in 5 + random.next() % (functionSize - 5) }
    // Each frame's CFA, from the first frame's rsp up.
    let firstRSP = stackBase + 8 * (random.next() % 8)
    var cfas: [UInt64] = []
    var rsp = firstRSP
    for level in 0..<depth {
      let size = pushes[functions[level]] ? 16 + 8 * (random.next() % 32) : offsets[functions[level]]
      cfas.append(rsp + size)
      rsp = rsp + size
    }
    // rbp while each frame runs: a pushing function's points at its saved rbp; the others
    // leave their caller's as it was.
    var rbps = [UInt64](repeating: 0, count: depth)
    var memory: [UInt64: UInt64] = [:]
    for level in stride(from: depth - 1, through: 0, by: -1) {
      if pushes[functions[level]] {
        rbps[level] = cfas[level] - 16
        memory[cfas[level] - 16] = level + 1 < depth ? rbps[level + 1] : junk()
      } else {
        rbps[level] = level + 1 < depth ? rbps[level + 1] : junk()
      }
      memory[cfas[level] - 8] = level + 1 < depth ? base + function(functions[level + 1]) + positions[level + 1] : 0
    }
    var words: [UInt64] = []
    let top = cfas[depth - 1] + 32
    var address = stackBase
    while address < top {
      words.append(memory[address] ?? junk())
      address += 8
    }
    let stack = words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    let rip = base + function(functions[0]) + positions[0]
    let context = SyntheticContext.amd64(rip: rip, rsp: firstRSP, rbp: rbps[0])
    return SyntheticThread(id: UInt32(100 + thread), context: context, stackBase: stackBase, stack: stack)
  }

  static func function(_ index: Int) -> UInt64 { firstFunction + UInt64(index) * functionSize }

  static func hex(_ value: UInt64) -> String { String(value, radix: 16) }

  static func save(_ bytes: [UInt8], to path: String) throws(GenerationError) {
    guard let file = fopen(path, "wb") else { throw GenerationError(message: "\(path): cannot write") }
    defer { fclose(file) }
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw GenerationError(message: "\(path): short write") }
  }

  struct GenerationError: Error {
    let message: String
  }
}
