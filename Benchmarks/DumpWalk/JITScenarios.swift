//===--- JITScenarios.swift - Linux amd64 rbp chains through JIT code -------===//
//
// `dump-bench --jit-scenarios DIR [--count N] [--seed S]` writes N Linux amd64
// minidumps (DIR/jit-K.dmp) and the Breakpad store of their one module,
// libapp.so (FUNC records only, no unwind data). Four threads per dump hold an
// rbp chain of 2 to 40 frame records ({saved rbp, return address}, 2 to 20 words
// apart, the last {0, 0}); one return address in three points into JIT code, an
// anonymous mapping no module covers, as a JavaScript or .NET runtime's frames
// do. Breakpad follows such a chain (the return address need only be canonical,
// the caller's rbp at or above its rsp), so every frame is found by the frame
// pointer; scripts/check-breakpad walks them with Breakpad's processor and with
// analyse.
//
//===----------------------------------------------------------------------===//

import CrashTestSupport

enum JITScenarios {
  static let base: UInt64 = 0x0000_5612_3400_0000
  static let jitBase: UInt64 = 0x0000_3a5b_0000_0000
  static let functionCount = 48
  static let functionSize: UInt64 = 0x100
  static let firstFunction: UInt64 = 0x1000

  /// Writes the dumps and the store under `directory` (which must exist).
  static func write(to directory: String, count: Int, seed: UInt64) throws(CFIScenarios.GenerationError) {
    var random = SplitMix(seed: seed)
    var module = SyntheticModule(base: base, size: 0x10000, name: "/usr/lib/libapp.so")
    module.elfBuildID = (0..<20).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    let dumps = CFIScenarios.linuxDumps(count: count, processor: 9, machine: "x86_64", module: module, random: &random) {
      chain(thread: $0, random: &$1)
    }
    let records = CFIScenarios.functionRecords(count: functionCount, at: firstFunction, size: functionSize, named: "app_function_")
    try CFIScenarios.writeScenarios(dumps, named: "jit", to: directory, module: "Linux x86_64", records: records)
  }

  /// One thread: a chain of frame records, a third of its return addresses into JIT code.
  static func chain(thread: Int, random: inout SplitMix) -> SyntheticThread {
    let stackBase = 0x7ffd_0000_0000 + UInt64(thread) * 0x10_0000
    func junk() -> UInt64 { 0x1111_0000_0000_0000 | (random.next() & 0xFFFF_FFF8) }
    func returnAddress() -> UInt64 {
      random.next() % 3 == 0
        ? jitBase + 0x1000 + random.next() % 0x10_0000
        : base + function(Int(random.next() % UInt64(functionCount))) + 5 + random.next() % (functionSize - 5)
    }
    let depth = 2 + Int(random.next() % 39)
    var words: [UInt64] = []
    for _ in 0..<(2 + Int(random.next() % 8)) { words.append(junk()) }  // frame 0's locals
    var previous: Int?
    var first = 0
    for level in 1...depth {
      if level > 1 { for _ in 0..<(Int(random.next() % 19)) { words.append(junk()) } }
      let record = words.count
      if let previous { words[previous] = stackBase + UInt64(record) * 8 } else { first = record }
      previous = record
      words.append(0)
      words.append(level < depth ? returnAddress() : 0)
    }
    for _ in 0..<8 { words.append(junk()) }
    let stack = words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> UInt64(8 * $0)) } }
    let rip = base + function(Int(random.next() % UInt64(functionCount))) + 5 + random.next() % (functionSize - 5)
    let context = SyntheticContext.amd64(rip: rip, rsp: stackBase, rbp: stackBase + UInt64(first) * 8)
    return SyntheticThread(id: UInt32(400 + thread), context: context, stackBase: stackBase, stack: stack)
  }

  static func function(_ index: Int) -> UInt64 { firstFunction + UInt64(index) * functionSize }

  static func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}
