//===--- Symbolicator.swift - Names, lines and inlines for a report's frames -===//
//
// For every module that has frames: find its symbol file (by debug id when the
// input gives one, then by a Windows image's code id, else by name with the build
// chosen from evidence — see BuildEvidence), then look up each frame's instruction
// address relative to the module's load address. Frames that printed a name are
// checked against the map (a mismatch is a diagnostic); frames that printed only an
// address gain a name. Each module's outcome is recorded in `CrashReport.moduleSymbols`.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// Resolves the frames of reports against a symbol store.
public final class Symbolicator: Sendable {
  /// The store symbol files come from.
  public let store: SymbolStore

  /// A symbolicator over `store`.
  public init(store: SymbolStore) {
    self.store = store
  }

  /// `report` with frames resolved, module statuses and any mismatch diagnostics added.
  public func symbolicate(_ report: CrashReport) -> CrashReport {
    var report = report
    let modules = ModuleIndex(report.modules)
    let groups = moduleFrames(report, modules)
    var sources: [LoadedModule] = []
    for key in groups.keys.sorted() {
      guard let group = groups[key] else { continue }
      resolve(module: group.name, frames: group.frames, in: &report, sources: &sources)
    }
    addTailCalls(&report, sources)
    nameUnresolvedByModule(&report, modules)
    return report
  }

  /// A module's symbols as used, and its load address.
  private struct LoadedModule {
    let name: String
    let source: any SymbolSource
    let base: UInt64
  }

  /// A frame no map names, inside a listed module, reads `MODULE+0xoffset` (WinDbg's form):
  /// where it is, with no function invented. A frame a listing printed only as an address
  /// (gdb's `0x0000555555554a77 in ?? ()`) is placed the same way, keeping what was printed.
  private func nameUnresolvedByModule(_ report: inout CrashReport, _ modules: ModuleIndex) {
    for threadIndex in report.threads.indices {
      let architecture = report.threads[threadIndex].architecture
      for frameIndex in report.threads[threadIndex].frames.indices {
        let frame = report.threads[threadIndex].frames[frameIndex]
        let printedOnlyAnAddress = frame.symbol.map { $0.function == nil && $0.module == nil && $0.moduleOffset == nil } ?? true
        guard printedOnlyAnAddress, frame.resolution == nil, let instruction = frame.instruction,
          let displayed = frame.displayedAddress(on: architecture), let module = modules.module(containing: instruction.rawValue)
        else { continue }
        var placed = FrameSymbol(module: module.stem, moduleOffset: displayed.rawValue &- module.base.rawValue, moduleBase: module.base)
        placed.printedText = frame.symbol?.printedText
        report.threads[threadIndex].frames[frameIndex].symbol = placed
      }
    }
  }

  // MARK: - Grouping frames by module

  private func moduleFrames(_ report: CrashReport, _ modules: ModuleIndex) -> [String: (name: String, frames: [ModuleFrame])] {
    var groups: [String: (name: String, frames: [ModuleFrame])] = [:]
    for (threadIndex, thread) in report.threads.enumerated() {
      for (frameIndex, frame) in thread.frames.enumerated() {
        guard let instruction = frame.instruction, instruction.rawValue != 0,
          let displayed = frame.displayedAddress(on: thread.architecture)
        else { continue }
        guard let name = moduleName(of: frame, at: instruction, in: modules, architecture: thread.architecture) else { continue }
        let key = StoreEntry.moduleKey(for: name)
        let entry = ModuleFrame(
          thread: threadIndex, frame: frameIndex, lookupAddress: instruction.rawValue,
          displayedAddress: displayed.rawValue, printedFunction: frame.symbol?.function,
          printedOffset: frame.symbol?.function == nil ? nil : frame.symbol?.offset)
        groups[key, default: (name, [])].frames.append(entry)
      }
    }
    return groups
  }

  private func moduleName(of frame: StackFrame, at address: Address, in modules: ModuleIndex, architecture: Architecture) -> String? {
    if let module = frame.symbol?.module, !module.isEmpty { return module }
    if let module = modules.module(containing: address.rawValue) { return module.stem }
    // A learned map for another processor (an NT 4 program's, for a Go program's amd64 frame
    // at the same address) is no guess for it.
    let learned = store.learnedEntries(containing: address.rawValue).filter { entry in
      architecture == .unknown || entry.architecture == nil || entry.architecture == architecture
    }
    guard Set(learned.map(\.moduleKey)).count == 1 else { return nil }
    return learned.first?.debugFile
  }

  // MARK: - Choosing the symbol file

  private func resolve(
    module name: String, frames: [ModuleFrame], in report: inout CrashReport, sources: inout [LoadedModule]
  ) {
    let listed = report.modules.first { StoreEntry.moduleKey(for: $0.name) == StoreEntry.moduleKey(for: name) }
    // 1. By debug id, when the input gives one: every file in that build's directory.
    if let listed, let debugFile = listed.debugFile, let identifier = listed.debugIdentifier {
      do {
        let entries = try store.entries(
          debugFile: debugFile, debugIdentifier: identifier, buildID: listed.buildID, modulePath: listed.path)
        if !entries.isEmpty {
          return use(entries, base: listed.base.rawValue, module: name, frames: frames, detail: "by debug id", in: &report, sources: &sources)
        }
      } catch {
        report.diagnostics.append(Diagnostic(.warning, "symbols for \(name): \(error.description)"))
      }
    }
    // 2. A Windows image by its code id (time stamp and size), as symbol stores file images:
    //    what a text's `lmv` record or a dump without a usable debug id gives; in symstore's
    //    spelling, then in dump_syms' upper case.
    if let listed {
      for codeIdentifier in listed.codeIdentifierSpellings {
        do {
          let entries = try store.entries(debugFile: listed.fileName, debugIdentifier: codeIdentifier)
          if !entries.isEmpty {
            return use(entries, base: listed.base.rawValue, module: name, frames: frames, detail: "by code id", in: &report, sources: &sources)
          }
        } catch {
          report.diagnostics.append(Diagnostic(.warning, "symbols for \(name): \(error.description)"))
        }
      }
    }
    // 3. A module whose input recorded its path but no id at all (a core of a program linked
    //    without a build id): the ELF file of its name without one, which nothing can check.
    if let listed, listed.debugIdentifier == nil, listed.buildID == nil, listed.path?.hasPrefix("/") == true {
      let entries = store.entries(unidentifiedModule: listed.debugFile ?? listed.name, modulePath: listed.path)
      if !entries.isEmpty {
        return use(
          entries, base: listed.base.rawValue, module: name, frames: frames,
          detail: "by name: neither the module nor the file has a build id to check", in: &report, sources: &sources)
      }
    }
    // 4. By name, the build chosen from the frames.
    let candidates = store.entries(forModule: name)
    guard !candidates.isEmpty else {
      report.moduleSymbols.append(ModuleSymbols(module: name, status: .missing))
      return
    }
    var fitting: [(entry: StoreEntry, base: UInt64, evidence: BuildEvidence)] = []
    var reasons: [String] = []
    // A module listed at 0 (a tombstone's, Windows Error Reporting's: no load address was
    // printed) has module-relative frames, which every map reads at 0, its own load address too.
    let framesAreRelative = listed?.base.rawValue == 0
    for entry in candidates {
      let listedBase = entry.addressesAreAbsolute && !framesAreRelative ? nil : listed?.base.rawValue
      guard let base = listedBase ?? entry.loadAddress else {
        reasons.append("\(entry.path): no load address known for \(name)")
        continue
      }
      let loaded: LoadedSymbols
      switch store.load(entry) {
      case .success(let symbols): loaded = symbols
      case .failure(let error):
        reasons.append("could not be loaded: \(error.message)")
        continue
      }
      let evidence = BuildEvidence(source: loaded.source, entry: entry, base: base, frames: frames)
      if evidence.conflicts > 0 && !evidence.outweighsConflicts {
        reasons.append("\(entry.debugIdentifier): \(evidence.firstConflict ?? "conflicts")")
      } else if evidence.score > 0 || (!entry.isLearned && candidates.count == 1) {
        fitting.append((entry, base, evidence))
      } else {
        reasons.append("\(entry.debugIdentifier): no frame at an address this map knows")
      }
    }
    let best = fitting.max { $0.evidence.score < $1.evidence.score }
    guard let best, fitting.filter({ $0.evidence.score == best.evidence.score }).count == 1 else {
      let detail =
        fitting.count > 1
        ? "\(fitting.count) builds fit equally well" : "\(candidates.count) map(s), none fits: " + Self.summary(reasons)
      report.moduleSymbols.append(ModuleSymbols(module: name, status: .unknownBuild, detail: detail))
      report.diagnostics.append(Diagnostic(.warning, "\(name): unknown build (\(detail))"))
      return
    }
    let evidence = best.evidence
    let detail =
      evidence.score == 0
      ? "the only map for \(name); build not verified"
      : "build chosen by \(evidence.agreements) named frame(s) and \(evidence.returnSiteHits) known address(es)"
        + (evidence.conflicts > 0 ? "; \(evidence.conflicts) frame(s) disagree" : "")
    use([best.entry], base: best.base, module: name, frames: frames, detail: detail, in: &report, sources: &sources)
  }

  /// The first few reasons, then a count.
  private static func summary(_ reasons: [String]) -> String {
    let shown = reasons.prefix(3).joined(separator: "; ")
    return reasons.count > 3 ? shown + "; and \(reasons.count - 3) more" : shown
  }

  // MARK: - Applying a symbol file

  private func use(
    _ entries: [StoreEntry], base: UInt64, module name: String, frames: [ModuleFrame], detail: String,
    in report: inout CrashReport, sources loadedModules: inout [LoadedModule]
  ) {
    var sources: [LoadedSymbols] = []
    for entry in entries {
      switch store.load(entry) {
      case .success(let symbols): sources.append(symbols)
      case .failure(let error):
        report.diagnostics.append(Diagnostic(.warning, "symbols for \(name): \(error.message)"))
      }
    }
    guard let first = sources.first else {
      report.moduleSymbols.append(ModuleSymbols(module: name, status: .missing, detail: "no symbol file could be loaded"))
      return
    }
    let combined: any SymbolSource =
      sources.count == 1 ? first.source : CombinedSymbolSource(sources.map(\.source))
    let loaded = LoadedSymbols(
      source: combined, isCorrupt: sources.allSatisfy(\.isCorrupt), diagnostics: sources.flatMap(\.diagnostics))
    let status: ModuleSymbols.Status = loaded.isCorrupt ? .corrupt : .loaded
    report.moduleSymbols.append(ModuleSymbols(module: name, status: status, origin: loaded.source.origin, detail: detail))
    var unnamed: [ModuleFrame] = []
    for frame in frames where frame.lookupAddress >= base {
      guard let answer = loaded.source.lookup(frame.lookupAddress - base) else {
        unnamed.append(frame)
        continue
      }
      let offset = frame.displayedAddress &- base &- answer.functionStart
      var agreement = FrameResolution.Agreement.supplied
      if let printed = frame.printedFunction {
        // The same function by another of its names (an ELF alias) agrees too.
        let sameName =
          BuildEvidence.sameFunction(printed, answer.function.name)
          || loaded.source.names(startingAt: answer.functionStart).contains { BuildEvidence.sameFunction(printed, $0) }
        let same = sameName && (frame.printedOffset == nil || frame.printedOffset == offset)
        agreement = same ? .confirmed : .mismatch
        if !same {
          let shown = printed + (frame.printedOffset.map { "+" + HexFormat.prefixed($0) } ?? "")
          report.diagnostics.append(
            Diagnostic(
              .warning,
              "thread \(frame.thread) frame \(frame.frame): the listing prints \(name)!\(shown), "
                + "\(loaded.source.origin.path) says \(answer.function.name)+\(HexFormat.prefixed(offset)) "
                + "(wrong map or different build)",
              line: report.threads[frame.thread].frames[frame.frame].lines?.first))
        }
      }
      var stackFrame = report.threads[frame.thread].frames[frame.frame]
      stackFrame.resolution = FrameResolution(
        module: name, lookup: answer, functionAddress: Address(base &+ answer.functionStart), offset: offset,
        agreement: agreement)
      if stackFrame.sourceLine == nil { stackFrame.sourceLine = answer.sourceLine }
      report.threads[frame.thread].frames[frame.frame] = stackFrame
    }
    loadedModules.append(LoadedModule(name: name, source: loaded.source, base: base))
    nameByCallSite(unnamed, entries: entries, base: base, module: name, frames: frames, in: &report)
  }

  /// The functions that reached a frame's function by tail calls and left no frame, put back
  /// between it and its caller as gdb shows them: where the caller returns to a call site
  /// whose target is another function from which tail calls lead to the frame's (DWARF's call
  /// sites; other formats record none). The caller may be in another module: its call site
  /// names the function (`pthread_join`), the frame's module finds it and follows its jumps.
  private func addTailCalls(_ report: inout CrashReport, _ sources: [LoadedModule]) {
    guard !sources.isEmpty else { return }
    for threadIndex in report.threads.indices {
      let thread = report.threads[threadIndex]
      for index in thread.frames.indices.dropLast() {
        let frame = thread.frames[index]
        let caller = thread.frames[index + 1]
        guard var resolution = frame.resolution, resolution.lookup.kind == .function, !frame.isInlined,
          let callerModule = caller.resolution?.module, !caller.isInlined,
          let returnAddress = caller.displayedAddress(on: thread.architecture)?.rawValue,
          let own = sources.first(where: { $0.name == resolution.module }),
          let theirs = sources.first(where: { $0.name == callerModule }),
          returnAddress > theirs.base
        else { continue }
        let sites: [UInt64]
        if callerModule == resolution.module {
          sites = own.source.tailCallSites(
            returnAddress: returnAddress - own.base, calleeStart: resolution.lookup.functionStart)
        } else if let name = theirs.source.externalCallee(returnAddress: returnAddress - theirs.base) {
          sites = own.source.tailCallSites(fromFunctionNamed: name, calleeStart: resolution.lookup.functionStart)
        } else {
          continue
        }
        guard !sites.isEmpty else { continue }
        resolution.tailCallers = sites.compactMap { site in
          guard site > 0, let lookup = own.source.lookup(site - 1) else { return nil }
          return TailCallFrame(address: Address(own.base &+ site), lookup: lookup, offset: site &- lookup.functionStart)
        }
        report.threads[threadIndex].frames[index].resolution = resolution
      }
    }
  }

  /// Frames no FUNC covers, named by the call that entered them: when the caller's frame is
  /// in this module at a return site whose call the learned listings show entering one
  /// function (`INFO CALL_TARGET`), the frame is in that function. An inference, marked so.
  private func nameByCallSite(
    _ unnamed: [ModuleFrame], entries: [StoreEntry], base: UInt64, module name: String, frames: [ModuleFrame],
    in report: inout CrashReport
  ) {
    let targets = entries.reduce(into: [UInt64: String]()) { $0.merge($1.callTargets) { old, _ in old } }
    guard !targets.isEmpty, !unnamed.isEmpty else { return }
    var sites: [Int: [Int: UInt64]] = [:]  // thread → frame → return site (module-relative)
    for frame in frames where frame.displayedAddress >= base {
      sites[frame.thread, default: [:]][frame.frame] = frame.displayedAddress - base
    }
    for frame in unnamed {
      var stackFrame = report.threads[frame.thread].frames[frame.frame]
      guard stackFrame.symbol?.function == nil, !stackFrame.isInlined,
        let site = sites[frame.thread]?[frame.frame + 1], let callee = targets[site]
      else { continue }
      var symbol = stackFrame.symbol ?? FrameSymbol(module: name)
      symbol.module = symbol.module ?? name
      symbol.function = callee
      symbol.moduleOffset = frame.displayedAddress &- base
      symbol.moduleBase = Address(base)
      stackFrame.symbol = symbol
      stackFrame.annotations.append(.namedByCallSite)
      report.threads[frame.thread].frames[frame.frame] = stackFrame
      report.diagnostics.append(
        Diagnostic(
          .note,
          "thread \(frame.thread) frame \(frame.frame): no map covers \(name)+\(HexFormat.prefixed(frame.displayedAddress &- base)); "
            + "it is in \(callee), which the call returning to \(name)+\(HexFormat.prefixed(site)) enters in the learned listings "
            + "(an inference: the call is taken as direct)",
          line: stackFrame.lines?.first))
    }
  }
}
