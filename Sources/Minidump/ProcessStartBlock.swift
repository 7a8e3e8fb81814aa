//===--- ProcessStartBlock.swift - Where a Linux process's first stack frame ends -===//
//
// The kernel starts a Linux process with this block at the top of the main
// thread's stack, where `_start` finds it:
//
//   argc | argv[0] … argv[argc-1] | 0 | envp[0] … | 0 | auxv: (type, value) pairs … (0, 0)
//
// (the strings they point at lie above). Nothing below it called into it, yet
// some of its words point into modules (`AT_ENTRY` is `_start`, `AT_PHDR` the
// executable's headers, `AT_BASE` the loader, `AT_SYSINFO_EHDR` the vDSO): a
// walk that scans that far finds frames that never were. The block is found
// from its auxiliary vector, which holds `AT_PAGESZ` (6) with a page size and
// `AT_PHENT` (4) with the size of a program header (32 or 56), then followed
// back over the environment and the arguments to `argc`, which counts them.
//
//===----------------------------------------------------------------------===//

/// The process start block on a Linux main thread's stack.
public enum ProcessStartBlock {
  /// Bytes of stack read at most, from the stack pointer up.
  static let maximumBytes = 1 << 20
  /// Arguments and environment entries followed back at most.
  static let maximumEntries = 1 << 16

  /// The address of `argc` (where the block starts) on the stack that holds `stackPointer`,
  /// for words of `wordSize` bytes (4 or 8); nil when that stack holds no such block.
  public static func start(in memory: MinidumpMemory, stackPointer: UInt64, wordSize: Int) -> UInt64? {
    guard wordSize == 4 || wordSize == 8, let range = memory.range(containing: stackPointer) else { return nil }
    let available = range.size - (stackPointer - range.start)
    let length = Int(min(available, UInt64(maximumBytes))) / wordSize * wordSize
    guard length >= 8 * wordSize, let bytes = memory.bytes(at: stackPointer, length: length) else { return nil }
    let words = Words(bytes: bytes, size: wordSize)
    guard let auxv = auxiliaryVector(words, programHeaderSize: wordSize == 8 ? 56 : 32),
      let argc = argumentCount(words, auxiliaryVector: auxv)
    else { return nil }
    return stackPointer + UInt64(argc * wordSize)
  }

  /// Words of a stack, read little-endian.
  struct Words {
    let bytes: UnsafeRawBufferPointer
    let size: Int
    var count: Int { bytes.count / size }
    subscript(index: Int) -> UInt64 {
      size == 8
        ? bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self).littleEndian
        : UInt64(bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self).littleEndian)
    }
  }

  /// The index of the auxiliary vector's first pair: found by its page size, confirmed by its
  /// program header size a few pairs away, then followed back pair by pair.
  static func auxiliaryVector(_ words: Words, programHeaderSize: UInt64) -> Int? {
    var index = 0
    while index + 1 < words.count {
      defer { index += 1 }
      guard words[index] == 6, isPageSize(words[index + 1]) else { continue }
      // AT_PHENT within twenty pairs, at the same parity.
      let low = max(index % 2, index - 40)
      let high = min(words.count - 2, index + 40)
      guard stride(from: low, through: high, by: 2).contains(where: { words[$0] == 4 && words[$0 + 1] == programHeaderSize })
      else { continue }
      var first = index
      while first >= 2, isAuxiliaryType(words[first - 2]) { first -= 2 }
      return first
    }
    return nil
  }

  /// The index of `argc`, given the auxiliary vector's: past the environment's terminator and
  /// entries, the arguments' terminator, to the word that counts the arguments.
  static func argumentCount(_ words: Words, auxiliaryVector auxv: Int) -> Int? {
    guard auxv >= 2, words[auxv - 1] == 0 else { return nil }
    var index = auxv - 2
    var entries = 0
    // The environment: non-zero pointers up to the arguments' terminator.
    while index >= 0, words[index] != 0 {
      entries += 1
      guard entries <= maximumEntries else { return nil }
      index -= 1
    }
    guard index >= 1 else { return nil }
    let terminator = index
    // The arguments, back to the word equal to their number.
    var candidate = terminator - 1
    while candidate >= 0, terminator - candidate - 1 <= maximumEntries {
      if words[candidate] == UInt64(terminator - candidate - 1) { return candidate }
      guard words[candidate] != 0 else { return nil }
      candidate -= 1
    }
    return nil
  }

  private static func isPageSize(_ value: UInt64) -> Bool {
    value >= 4096 && value <= 1 << 30 && value & (value - 1) == 0
  }

  /// `AT_IGNORE` (1) to the highest type Linux defines so far (under 64), never `AT_NULL`.
  private static func isAuxiliaryType(_ value: UInt64) -> Bool { value >= 1 && value < 64 }
}
