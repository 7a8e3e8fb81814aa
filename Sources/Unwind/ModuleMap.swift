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
    var low = 0
    var high = modules.count
    while low < high {
      let middle = (low + high) / 2
      if modules[middle].base.rawValue <= address { low = middle + 1 } else { high = middle }
    }
    guard low > 0 else { return nil }
    let module = modules[low - 1]
    return module.contains(Address(address)) ? module : nil
  }
}
