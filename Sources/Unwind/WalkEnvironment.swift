//===--- WalkEnvironment.swift - What every stack walker works with ---------===//
//
// The memory, the modules, the unwind data and the limits, and the two things
// every walker does with them: find the unwind records for an address, and
// scan stack words for one that points into a module.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Whether the last scan used its whole window (for the walk's stop reason).
final class ScanRecord {
  var exhaustedBytes: Int?
}

struct WalkEnvironment {
  let memory: any StackMemory
  let modules: ModuleIndex
  let unwindData: (any UnwindDataProvider)?
  let options: WalkOptions
  let lastScan = ScanRecord()

  /// Why a walk that found no caller stopped.
  var noCallerReason: String {
    if let bytes = lastScan.exhaustedBytes { return "no return address within \(bytes) bytes scanned (the scan limit)" }
    return "no caller found"
  }

  init(memory: any StackMemory, modules: ModuleIndex, unwindData: (any UnwindDataProvider)?, options: WalkOptions) {
    self.memory = memory
    self.modules = modules
    self.unwindData = unwindData
    self.options = options
  }

  /// The unwind records of the module holding `address`, and the address relative to it.
  func unwindInfo(at address: UInt64) -> (info: any UnwindInfoSource, relative: UInt64)? {
    guard let module = modules.module(containing: address), let info = unwindData?.unwindInfo(for: module) else {
      return nil
    }
    return (info, address - module.base.rawValue)
  }

  /// The first word at or above `start`, within `words` words of `wordSize` bytes, whose value
  /// (masked by `mask`) may be a return address (`mayBeReturnAddress`) and passes `accept`.
  /// Scanning stops below `options.scanLimit` (the process's start block, when known).
  func scan(
    from start: UInt64, words: Int, wordSize: Int, mask: UInt64 = .max, accept: (UInt64) -> Bool = { _ in true }
  ) -> (location: UInt64, address: UInt64)? {
    var location = start
    lastScan.exhaustedBytes = nil
    for _ in 0..<words {
      if let limit = options.scanLimit, location >= limit { return nil }
      let read = wordSize == 4 ? memory.uint32(at: location).map(UInt64.init) : memory.uint64(at: location)
      guard let word = read else { return nil }
      let value = word & mask
      if mayBeReturnAddress(value), accept(value) { return (location, value) }
      location &+= UInt64(wordSize)
    }
    lastScan.exhaustedBytes = words * wordSize
    return nil
  }

  /// Whether a word found by scanning may be a return address, as Breakpad judges one: the
  /// call it returns from (the byte before it) lies inside a module, so a module's base address
  /// is none; and when the module's symbol file is at hand, inside a function it knows (not
  /// below its first function, not in a gap between functions).
  func mayBeReturnAddress(_ value: UInt64) -> Bool {
    guard value > 0xFFFF, let module = modules.module(containing: value &- 1) else { return false }
    guard let symbols = unwindData?.unwindInfo(for: module) else { return true }
    return symbols.covers(value &- 1 &- module.base.rawValue)
  }
}
