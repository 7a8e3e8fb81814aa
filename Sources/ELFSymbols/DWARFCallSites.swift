//===--- DWARFCallSites.swift - Calls and tail calls from DWARF call sites ---===//
//
// DWARF 5's DW_TAG_call_site (GCC's DW_TAG_GNU_call_site before it) records,
// inside the function that makes it, each call's return address
// (DW_AT_call_return_pc; DW_AT_low_pc in the GNU form), the function it calls
// (DW_AT_call_origin; DW_AT_abstract_origin) and whether it is a tail call, a
// jump that leaves no frame (DW_AT_call_tail_call; DW_AT_GNU_tail_call).
//
// With them, as gdb does (dwarf2/frame-tailcall.c): where a frame's caller
// returns to a call site whose target is not the frame's function, the target
// reached it by tail calls; the chains of tail calls from the target to the
// frame's function are followed (at most 8 deep, 32 chains); the jumps every
// chain begins with and every chain ends with are the missing frames (all of
// one chain's when only one leads there). A target is named by
// its DIE: a concrete subprogram's entry, or the concrete copy of an abstract
// one or of a declaration (DW_AT_abstract_origin, DW_AT_specification), else a
// concrete subprogram of the same name (a function declared in another unit).
// DWARFIndex gathers the records in its walk; this holds them, resolved to
// entry addresses, for searches that use no libdw.
//
//===----------------------------------------------------------------------===//

/// Calls and tail calls by return address and function entry (file addresses).
struct DWARFCallSites {
  /// Return addresses of the calls whose target is known, sorted (a call may have several
  /// candidates: the copies of one abstract function, GCC's `.constprop` and `.isra` clones).
  private var returns: [UInt64] = []
  /// The entry of a function each call in `returns` may reach.
  private var targets: [UInt64] = []
  /// Calls of functions with no concrete copy here (another unit's or another module's), by
  /// return address: the called function's name (an index into the walk's strings).
  private var externalCalls: [UInt64: Int32] = [:]
  /// By a function's entry: its tail calls, each the address after the jump and a target's entry.
  private var tailCalls: [UInt64: [(site: UInt64, target: UInt64)]] = [:]
  /// Concrete functions' entries by name (an index into the walk's strings): their linkage
  /// names and their plain names.
  private(set) var entriesByName = CandidateTable<Int32>()

  /// Tail calls a chain may pass through at most.
  static let maximumDepth = 8
  /// Chains followed at most before the search gives up.
  static let maximumChains = 32
  /// Candidate entries kept for one DIE or name.
  static let maximumCandidates = 4

  /// A call site as the walk found it, before its target is resolved.
  struct Record {
    /// The address after the call (or the tail call's jump).
    var returnAddress: UInt64
    /// The DIE offset of the function called.
    var origin: UInt64
    /// The called function's name (an index into the walk's strings), or −1.
    var originName: Int32
    /// Whether it is a tail call.
    var isTail: Bool
    /// The entry of the concrete function the call is in.
    var caller: UInt64
  }

  /// Resolves `records` with the concrete functions the walk found: entries by DIE offset (a
  /// concrete subprogram's own, its abstract origin's, its specification's) and by name.
  init(records: [Record], entriesByDIE: CandidateTable<UInt64>, entriesByName: CandidateTable<Int32>) {
    self.entriesByName = entriesByName
    var calls: [(UInt64, UInt64)] = []
    for record in records {
      var candidates = entriesByDIE[record.origin]
      if candidates.isEmpty { candidates = entriesByName[record.originName] }
      if candidates.isEmpty, record.originName >= 0 { externalCalls[record.returnAddress] = record.originName }
      for target in candidates {
        if record.isTail { tailCalls[record.caller, default: []].append((record.returnAddress, target)) }
        calls.append((record.returnAddress, target))
      }
    }
    calls.sort { $0 < $1 }
    returns = calls.map(\.0)
    targets = calls.map(\.1)
  }

  /// An index with no call sites.
  init() {}

  /// Whether any call site was recorded.
  var isEmpty: Bool { returns.isEmpty && externalCalls.isEmpty }

  /// The entries of the functions the call returning to `returnAddress` may reach.
  func targets(ofCallReturningTo returnAddress: UInt64) -> [UInt64] {
    var low = 0
    var high = returns.count
    while low < high {
      let middle = (low + high) >> 1
      if returns[middle] < returnAddress { low = middle + 1 } else { high = middle }
    }
    var found: [UInt64] = []
    while low < returns.count, returns[low] == returnAddress, found.count < Self.maximumCandidates {
      found.append(targets[low])
      low += 1
    }
    return found
  }

  /// The name of the function the call returning to `returnAddress` reaches, when it has no
  /// concrete copy here (an index into the walk's strings).
  func externalTarget(ofCallReturningTo returnAddress: UInt64) -> Int32? { externalCalls[returnAddress] }

  /// The tail calls between the call returning to `returnAddress` and the function entered at
  /// `callee`, innermost first (`tailCallSites(from:callee:)`).
  func tailCallSites(returnAddress: UInt64, callee: UInt64) -> [UInt64] {
    tailCallSites(from: targets(ofCallReturningTo: returnAddress), callee: callee)
  }

  /// The tail calls between a call that entered one of `firsts` and the function entered at
  /// `callee`: the address after each jump, innermost first; empty when the call reached
  /// `callee` itself or no chain leads there. Where several chains do, only the jumps they all
  /// begin with and all end with are kept, as gdb keeps them (a gap between).
  func tailCallSites(from firsts: [UInt64], callee: UInt64) -> [UInt64] {
    guard !firsts.isEmpty, !firsts.contains(callee) else { return [] }
    var search = ChainSearch(callee: callee)
    for first in firsts {
      search.visiting = [first]
      search.follow(from: first, in: tailCalls)
    }
    guard !search.gaveUp, let shortest = search.chains.min(by: { $0.count < $1.count }) else { return [] }
    var prefix = 0
    while prefix < shortest.count, search.chains.allSatisfy({ $0[prefix] == shortest[prefix] }) { prefix += 1 }
    var suffix = 0
    while prefix + suffix < shortest.count,
      search.chains.allSatisfy({ $0[$0.count - 1 - suffix] == shortest[shortest.count - 1 - suffix] })
    {
      suffix += 1
    }
    let kept = Array(shortest.prefix(prefix)) + Array(shortest.suffix(suffix))
    return kept.reversed()
  }

  /// A depth-first search over tail calls for the chains that end at one function.
  private struct ChainSearch {
    let callee: UInt64
    /// Chains found: the sites of their jumps, outermost first.
    var chains: [[UInt64]] = []
    var path: [UInt64] = []
    var visiting: Set<UInt64> = []
    var steps = 0
    var gaveUp = false

    init(callee: UInt64) { self.callee = callee }

    mutating func follow(from function: UInt64, in tailCalls: [UInt64: [(site: UInt64, target: UInt64)]]) {
      guard path.count < DWARFCallSites.maximumDepth else { return }
      for call in tailCalls[function] ?? [] {
        steps += 1
        guard steps <= DWARFCallSites.maximumChains * 16, chains.count < DWARFCallSites.maximumChains else {
          gaveUp = true
          return
        }
        path.append(call.site)
        if call.target == callee {
          if !chains.contains(path) { chains.append(path) }
        } else if !visiting.contains(call.target) {
          visiting.insert(call.target)
          follow(from: call.target, in: tailCalls)
          visiting.remove(call.target)
        }
        path.removeLast()
      }
    }
  }
}

/// Up to `DWARFCallSites.maximumCandidates` function entries per key: the first in one table
/// (nearly every key has one), the others beside it.
struct CandidateTable<Key: Hashable> {
  private var first: [Key: UInt64] = [:]
  private var others: [Key: [UInt64]] = [:]

  /// Adds `entry` under `key`, once.
  mutating func add(_ entry: UInt64, for key: Key) {
    guard let existing = first[key] else {
      first[key] = entry
      return
    }
    guard existing != entry else { return }
    var more = others[key] ?? []
    guard more.count + 1 < DWARFCallSites.maximumCandidates, !more.contains(entry) else { return }
    more.append(entry)
    others[key] = more
  }

  /// The entries under `key`, the first added first.
  subscript(key: Key) -> [UInt64] {
    guard let entry = first[key] else { return [] }
    return [entry] + (others[key] ?? [])
  }
}
