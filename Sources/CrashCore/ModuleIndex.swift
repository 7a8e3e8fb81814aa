//===--- ModuleIndex.swift - Which module holds an address -------------------===//
//
// Modules sorted once by base address and searched by bisection. Built once
// per report and shared by every thread's walk and every frame's lookup: a
// linear search, or a sort per thread, over a hostile dump's 100,000 modules
// costs minutes.
//
//===----------------------------------------------------------------------===//

/// The loaded modules, sorted for lookups by address.
public struct ModuleIndex: Sendable {
  private let modules: [CodeModule]

  /// The modules that have a size, sorted by base address.
  public init(_ modules: [CodeModule]) {
    self.modules = modules.filter { $0.size != nil }.sorted { $0.base < $1.base }
  }

  /// The first address past the highest module's image, or nil when there are no modules.
  public var highestEnd: UInt64? { modules.lazy.map { $0.base.rawValue &+ ($0.size ?? 0) }.max() }

  /// The module whose image holds `address`.
  public func module(containing address: UInt64) -> CodeModule? {
    guard let index = SortedSearch.lastIndex(atOrBelow: address, count: modules.count, key: { modules[$0].base.rawValue })
    else { return nil }
    let module = modules[index]
    return module.contains(Address(address)) ? module : nil
  }
}
