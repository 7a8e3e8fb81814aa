//===--- StackWalker.swift - How every architecture's walker is built --------===//
//
// Each walker (x86, Alpha, amd64, arm64) is built over the same things: the
// thread's stack memory, the process's modules, the unwind data a symbol store
// has for them, and the limits. One map of modules serves every thread of a
// dump; the walkers find their memory, modules and limits in their environment.
//
//===----------------------------------------------------------------------===//

import CrashCore

/// A stack walker for one architecture, built over memory, modules, unwind data and limits.
public protocol StackWalker {
  /// A walker with modules already sorted (one map serves every thread of a dump).
  init(memory: any StackMemory, moduleIndex: ModuleIndex, unwindData: (any UnwindDataProvider)?, options: WalkOptions)
}

extension StackWalker {
  /// A walker over `memory`, with the process's modules and, optionally, unwind data.
  public init(
    memory: any StackMemory, modules: [CodeModule], unwindData: (any UnwindDataProvider)? = nil,
    options: WalkOptions = WalkOptions()
  ) {
    self.init(memory: memory, moduleIndex: ModuleIndex(modules), unwindData: unwindData, options: options)
  }
}

/// A walker's view of its environment.
protocol WalksInEnvironment {
  /// The memory, modules, unwind data and limits of the walk.
  var environment: WalkEnvironment { get }
}

extension WalksInEnvironment {
  var memory: any StackMemory { environment.memory }
  var modules: ModuleIndex { environment.modules }
  var options: WalkOptions { environment.options }
}
