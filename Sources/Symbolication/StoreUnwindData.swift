//===--- StoreUnwindData.swift - Unwind records from the symbol store -------===//
//
// Gives the stack walkers the STACK WIN / STACK CFI records of a module's
// Breakpad file — or of a Windows debug file (PE image, PDB, .dbg, cabinet) or an ELF
// file (its .eh_frame, read where the walk asks) — found by debug file and id (what a dump records). Names play no part
// in walking; a module without such a file is walked without them.
//
//===----------------------------------------------------------------------===//

import CrashCore
import Synchronization
import Unwind

/// A symbol store as the walkers' source of unwind records. Sendable: one can serve every
/// task of a task group (the cache is behind a lock).
public final class StoreUnwindData: UnwindDataProvider, Sendable {
  private let store: SymbolStore
  private let cache = Mutex<[String: (any UnwindInfoSource)?]>([:])

  /// Unwind records from `store`.
  public init(store: SymbolStore) {
    self.store = store
  }

  /// The Breakpad (or converted Windows) file of `module`, when the store has one for its
  /// debug id; for a module with a recorded path but no id at all (a program linked without a
  /// build id), the ELF file of its name (`SymbolStore.entries(unidentifiedModule:modulePath:)`).
  public func unwindInfo(for module: CodeModule) -> (any UnwindInfoSource)? {
    guard let debugFile = module.debugFile else { return nil }
    let identifier = module.debugIdentifier
    guard identifier != nil || (module.buildID == nil && module.path?.hasPrefix("/") == true) else { return nil }
    let key = debugFile + "/" + (identifier ?? "?" + (module.path ?? ""))
    if let cached = cache.withLock({ $0[key] }) { return cached }
    var found: (any UnwindInfoSource)?
    let entries: [StoreEntry]?
    if let identifier {
      entries = try? store.entries(
        debugFile: debugFile, debugIdentifier: identifier, buildID: module.buildID, modulePath: module.path)
    } else {
      entries = store.entries(unidentifiedModule: debugFile, modulePath: module.path)
    }
    if let entries {
      for entry in entries {
        switch entry.format {
        case .breakpad, .windows, .elf:
          // An ELF file answers for its call frames where the walk asks (ELFSymbolFile's
          // cfiRules), loaded once with its symbols.
          if case .success(let loaded) = store.load(entry), let source = loaded.source.unwindInfoSource {
            found = source
          }
        case .linkerMap:
          continue
        }
        if found != nil { break }
      }
    }
    cache.withLock { $0[key] = found }
    return found
  }

  /// The file under the store's system roots at `processPath`, else the file of its name in a
  /// root (`SymbolStore.imageFile(forProcessPath:)`).
  public func imageFile(forProcessPath processPath: String) -> String? {
    store.imageFile(forProcessPath: processPath)
  }
}
