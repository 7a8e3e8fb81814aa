//===--- DescriptorBudget.swift - How many files may stay open for reads ----===//
//
// A mapped symbol file is read through `pread` once it has been indexed, so
// that a lookup costs the bytes it reads and not the 64 KiB of mapping the
// kernel makes resident around every page it faults in. That needs the file's
// descriptor kept open as long as the file is cached. A batch may cache many
// files, and descriptors are a limited resource shared with the inputs being
// opened; the budget keeps at most a quarter of the soft limit (and never more
// than 256) for this. A file that finds the budget spent reads through its
// mapping, as before.
//
//===----------------------------------------------------------------------===//

import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The process-wide count of descriptors kept open by mapped files.
enum DescriptorBudget {
  /// At most this many descriptors are kept: a quarter of `RLIMIT_NOFILE`'s soft limit, at most 256.
  static let limit: Int = {
    var limits = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 16 }
    let soft = limits.rlim_cur == rlim_t.max ? 1 << 20 : Int(clamping: limits.rlim_cur)
    return min(256, soft / 4)
  }()

  private static let kept = Atomic<Int>(0)

  /// Takes one descriptor from the budget; false when it is spent.
  static func take() -> Bool {
    let limit = limit
    var current = kept.load(ordering: .relaxed)
    while current < limit {
      let (exchanged, original) = kept.compareExchange(
        expected: current, desired: current + 1, ordering: .relaxed)
      if exchanged { return true }
      current = original
    }
    return false
  }

  /// Gives back a descriptor taken with `take()`.
  static func giveBack() {
    kept.subtract(1, ordering: .relaxed)
  }

  /// Descriptors kept now (tests).
  static var inUse: Int { kept.load(ordering: .relaxed) }
}
