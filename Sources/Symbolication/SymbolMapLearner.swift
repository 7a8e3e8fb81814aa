//===--- SymbolMapLearner.swift - Symbol maps recovered from listings -------===//
//
// A listing row that prints `MODULE!function+offset` at a known address fixes
// where `function` starts in that build: start = displayed address − offset −
// module load address. (The displayed address is the instruction pointer for
// frame 0, the return address for callers: debuggers measure offsets from it.)
//
// Listings of one build agree on every function they share; a function at two
// different starts means two builds. Stacks are merged into a build when they
// share at least one function at the same start and contradict it nowhere; a
// stack that shares nothing with any build starts a new one (it may be the same
// build, but nothing proves it).
//
// Each build becomes a Breakpad file holding only what the listings prove: a
// FUNC record per function whose size is the proven extent (start through the
// last address a listing showed in it, so nothing past it is ever named), INFO
// lines for the sources, the load address and every exact address seen
// (RETURN_SITE), which later lets an address-only listing of the same build be
// recognised. A function that no listing fixes — a top frame whose instruction
// pointer was not printed — has no FUNC; but the row below it shows the call
// that entered it (CALL_TARGET: the caller's return site and the callee's
// name), so a frame called from that site can still be named.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// One function start proven by one listing row.
public struct LearnedFact: Sendable, Hashable {
  /// The module as the listing printed it.
  public var module: String
  /// The function name as printed.
  public var function: String
  /// The function's start, module-relative.
  public var start: UInt64
  /// The displayed address, module-relative (a return site or instruction pointer).
  public var site: UInt64
  /// The printed offset.
  public var offset: UInt64
  /// `source:line` of the row.
  public var origin: String
}

/// A call a listing shows: the row above a caller's is the function its call entered.
public struct LearnedCall: Sendable, Hashable {
  /// The caller's return site, module-relative (the address the caller's row displays).
  public var site: UInt64
  /// The function the call entered (same module).
  public var callee: String
  /// `source:line` of the callee's row.
  public var origin: String
}

/// The functions of one build of one module, as the listings prove them.
public struct LearnedBuild: Sendable, Hashable {
  /// The module as listings print it (`EMSMTA`).
  public var module: String
  /// Breakpad's CPU name (`x86`, `alpha`).
  public var architecture: String
  /// Where the module was loaded in the listings.
  public var loadAddress: UInt64
  /// How the load address is known (`module-list`, `given`, `absolute` when the listings
  /// gave none and addresses are kept as printed).
  public var loadAddressSource: String
  /// Function starts, module-relative.
  public var functions: [String: UInt64]
  /// Every fact, sorted by site.
  public var facts: [LearnedFact]
  /// Calls the listings show, sorted by site; a site whose calls enter different functions
  /// (an indirect call) is left out.
  public var calls: [LearnedCall] = []

  /// The sources (input names) the build was learned from, sorted.
  public var sources: [String] {
    Array(Set(facts.map { String($0.origin.prefix { $0 != ":" }) })).sorted()
  }

  /// A stable identifier for the build: a hash of its function starts (not a PDB id).
  public var identifier: String {
    var first: UInt64 = 0xcbf2_9ce4_8422_2325
    var second: UInt64 = 0x8422_2325_cbf2_9ce4
    for (name, start) in functions.sorted(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
      for byte in Array("\(module.lowercased()) \(name) \(start);".utf8) {
        first = (first ^ UInt64(byte)) &* 0x100_0000_01b3
        second = (second ^ UInt64(byte)) &* 0x100_0000_01b3 ^ (second >> 29)
      }
    }
    return (HexFormat.digits(first, width: 16) + HexFormat.digits(second, width: 16)).uppercased() + "0"
  }

  /// The Breakpad text of the map.
  /// Every text taken from an input (file names, module and function names) is put on one
  /// line first (`SymbolFileText.field`): a file named `x⏎FUNC 0 … INJECTED` cannot plant a record.
  public func symbolFileText() -> String {
    var lines = ["MODULE windows \(architecture) \(identifier) \(SymbolFileText.field(module))"]
    lines.append("INFO LEARNED_FROM " + sources.map(SymbolFileText.field).joined(separator: " "))
    lines.append("INFO LOAD_ADDRESS \(String(loadAddress, radix: 16)) \(loadAddressSource)")
    lines.append(
      "INFO GENERATOR analyse symbols learn: start = displayed address - printed offset - load address; "
        + "FUNC size = proven extent")
    let lowest = functions.values.min() ?? 0
    let highest = facts.map(\.site).max() ?? 0
    lines.append("INFO ADDRESS_RANGE \(String(lowest, radix: 16)) \(String(highest, radix: 16))")
    var seen = Set<UInt64>()
    for fact in facts where seen.insert(fact.site).inserted {
      lines.append(
        "INFO RETURN_SITE \(String(fact.site, radix: 16)) \(SymbolFileText.field(fact.function))+0x\(String(fact.offset, radix: 16)) "
          + SymbolFileText.name(fact.origin))
    }
    // A site's call entered one function in every listing that shows it: a direct call.
    var callees: [UInt64: Set<String>] = [:]
    for call in calls { callees[call.site, default: []].insert(call.callee) }
    var written = Set<UInt64>()
    for call in calls where callees[call.site]?.count == 1 && written.insert(call.site).inserted {
      lines.append(
        "INFO CALL_TARGET \(String(call.site, radix: 16)) \(SymbolFileText.field(call.callee)) "
          + SymbolFileText.name(call.origin))
    }
    // FUNC sizes are the proven extent: from the start through the last address a listing
    // showed in the function. Addresses past it are not claimed for any function.
    var extent: [String: UInt64] = [:]
    for fact in facts where functions[fact.function] == fact.start {
      extent[fact.function] = max(extent[fact.function] ?? 0, fact.offset + 1)
    }
    for (name, start) in functions.sorted(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
      lines.append("FUNC \(String(start, radix: 16)) \(String(extent[name] ?? 1, radix: 16)) 0 \(SymbolFileText.name(name))")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// Text from inputs made safe for a line of a `.sym` file.
enum SymbolFileText {
  /// A name at the end of a record (spaces allowed): one line, capped.
  static func name(_ text: String) -> String { TextLimits.capped(TextLimits.singleLine(text)) }
  /// A field between spaces: one line, no blanks, capped.
  static func field(_ text: String) -> String {
    String(name(text).map { $0 == " " ? "_" : $0 })
  }
}

/// Collects facts from decoded listings and groups them into builds.
public struct SymbolMapLearner {
  /// Load addresses for modules whose listings carry no module list, by module key.
  public var givenBases: [String: UInt64] = [:]
  /// Modules to learn (module keys); empty means all.
  public var modules: Set<String> = []
  /// Why rows were not used.
  public private(set) var skipped: [Diagnostic] = []

  private var stacks:
    [(architecture: String, module: String, base: UInt64, baseSource: String, facts: [LearnedFact], calls: [LearnedCall])] = []

  /// A learner with no facts yet.
  public init() {}

  /// Takes the facts of every named frame in `report`; `source` names it (`Q276222`).
  public mutating func add(_ report: CrashReport, source: String) {
    for thread in report.threads {
      let architecture: String
      switch thread.architecture {
      case .x86: architecture = "x86"
      case .alpha: architecture = "alpha"
      default: continue
      }
      var perModule: [String: (module: String, base: UInt64, baseSource: String, facts: [LearnedFact])] = [:]
      var calls: [String: [LearnedCall]] = [:]
      for (index, frame) in thread.frames.enumerated() {
        // The row below a named row is its caller: the caller's displayed address is the
        // return site of the call that entered this function (same module, no inlining).
        if index + 1 < thread.frames.count, !frame.isInlined, let callee = frame.symbol?.function,
          let module = frame.symbol?.module
        {
          let caller = thread.frames[index + 1]
          let key = StoreEntry.moduleKey(for: module)
          if !caller.isInlined, let callerModule = caller.symbol?.module, StoreEntry.moduleKey(for: callerModule) == key,
            modules.isEmpty || modules.contains(key),
            let returnSite = caller.displayedAddress(on: thread.architecture),
            let base = report.modules.first(where: { StoreEntry.moduleKey(for: $0.name) == key })?.base.rawValue ?? givenBases[key],
            returnSite.rawValue >= base
          {
            calls[key, default: []].append(
              LearnedCall(site: returnSite.rawValue - base, callee: callee, origin: "\(source):\(frame.lines?.first ?? 0)"))
          }
        }
        guard let symbol = frame.symbol, let module = symbol.module, let function = symbol.function,
          let offset = symbol.offset, let displayed = frame.displayedAddress(on: thread.architecture)
        else { continue }
        let key = StoreEntry.moduleKey(for: module)
        guard modules.isEmpty || modules.contains(key) else { continue }
        let listed = report.modules.first { StoreEntry.moduleKey(for: $0.name) == key }
        guard let base = listed?.base.rawValue ?? givenBases[key] else {
          note("\(source): \(module) has no load address (no module list; give --base \(module)=ADDRESS)", frame)
          continue
        }
        guard displayed.rawValue >= base, displayed.rawValue - base >= offset else {
          note("\(source): \(module)!\(function)+\(HexFormat.prefixed(offset)) lies below the load address", frame)
          continue
        }
        if let end = listed?.end, displayed >= end {
          note("\(source): \(module)!\(function) at \(displayed) is outside the module's image", frame)
          continue
        }
        let site = displayed.rawValue - base
        let fact = LearnedFact(
          module: module, function: function, start: site - offset, site: site, offset: offset,
          origin: "\(source):\(frame.lines?.first ?? 0)")
        let baseSource = listed != nil ? "module-list" : base == 0 ? "absolute" : "given"
        perModule[key, default: (module, base, baseSource, [])].facts.append(fact)
      }
      for key in perModule.keys.sorted() {
        guard let group = perModule[key] else { continue }
        stacks.append((architecture, group.module, group.base, group.baseSource, group.facts, calls[key] ?? []))
      }
    }
  }

  private mutating func note(_ message: String, _ frame: StackFrame) {
    if skipped.count < 1000 { skipped.append(Diagnostic(.note, message, line: frame.lines?.first)) }
  }

  /// The builds the facts prove, per module, in a stable order.
  public func builds() -> [LearnedBuild] {
    var builds: [LearnedBuild] = []
    for stack in stacks {
      // A stack that contradicts itself (one function, two starts) is left out.
      var starts: [String: UInt64] = [:]
      var consistent = true
      for fact in stack.facts {
        if let known = starts[fact.function], known != fact.start { consistent = false }
        starts[fact.function] = fact.start
      }
      guard consistent else { continue }
      let key = StoreEntry.moduleKey(for: stack.module)
      let compatible = builds.indices.filter { index in
        let build = builds[index]
        guard StoreEntry.moduleKey(for: build.module) == key, build.architecture == stack.architecture,
          build.loadAddress == stack.base
        else { return false }
        var shared = 0
        for (name, start) in starts {
          guard let known = build.functions[name] else { continue }
          if known != start { return false }
          shared += 1
        }
        return shared > 0
      }
      if let target = compatible.first, compatible.count == 1 {
        builds[target].functions.merge(starts) { old, _ in old }
        builds[target].facts += stack.facts
        builds[target].calls += stack.calls
      } else if compatible.isEmpty {
        builds.append(
          LearnedBuild(
            module: stack.module, architecture: stack.architecture, loadAddress: stack.base,
            loadAddressSource: stack.baseSource, functions: starts, facts: stack.facts, calls: stack.calls))
      }
      // A stack that fits two builds would join them on its own word; it is left out.
    }
    return builds.map { build in
      var sorted = build
      sorted.facts.sort { ($0.site, $0.origin) < ($1.site, $1.origin) }
      sorted.calls.sort { ($0.site, $0.callee, $0.origin) < ($1.site, $1.callee, $1.origin) }
      return sorted
    }.sorted { ($0.module.lowercased(), $0.identifier) < ($1.module.lowercased(), $1.identifier) }
  }
}
