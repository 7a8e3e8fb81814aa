//===--- ModuleMap.swift - Which module holds an address ---------------------===//

import CrashCore

/// The loaded modules, sorted for lookups by address.
struct ModuleMap {
  private let modules: [CodeModule]

  init(_ modules: [CodeModule]) {
    self.modules = modules.filter { $0.size != nil }.sorted { $0.base < $1.base }
  }

  /// The module whose image holds `address`.
  func module(containing address: UInt64) -> CodeModule? {
    guard let index = SortedSearch.lastIndex(atOrBelow: address, count: modules.count, key: { modules[$0].base.rawValue })
    else { return nil }
    let module = modules[index]
    return module.contains(Address(address)) ? module : nil
  }
}
