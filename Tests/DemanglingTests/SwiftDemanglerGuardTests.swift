//===--- SwiftDemanglerGuardTests.swift - Names that abort the runtime's printer --===//
//
// The Swift runtime's node printer calls abort() on names that leave a generic
// requirement outside a signature (found by the `names` fuzz target). Such a
// name must stay as it was, the process must go on, and names read before and
// after it, on this thread and on others at the same time, must still read.
//
//===----------------------------------------------------------------------===//

import Demangling
import Testing

@Suite("Swift names the runtime's printer aborts on")
struct SwiftDemanglerGuardTests {
  /// Same-shape requirements (`RV`, `Rv`) with no generic signature around them; each ends
  /// `swift-demangle` 6.3.1 with status 134.
  static let aborting = ["$s$_RVs", "_$s$_RVs", "$sxRVs", "$sxRvs", "$sxqd__RVs", "$sxRVz"]

  @Test("a name that aborts the runtime's printer stays as it was; the next name still reads")
  func abortingNameStaysMangled() {
    #expect(SwiftDemangler.demangle("$s6ledger7JournalC5closeSiyF") == "Journal.close()")
    let before = SwiftDemangler.faultCount
    for name in Self.aborting {
      #expect(SwiftDemangler.isMangled(name))
      #expect(SwiftDemangler.read(name) == .faulted)
      #expect(SwiftDemangler.demangle(name) == nil)
      #expect(SymbolDemangler.demangle(name) == nil)
    }
    #expect(SwiftDemangler.faultCount >= before + Self.aborting.count)
    #expect(SwiftDemangler.demangle("$s6ledger6LedgerV4postyySiF") == "Ledger.post(_:)")
    #expect(SwiftDemangler.read("$s12NotAName") == .unreadable)
  }

  @Test("aborting and sound names on eight threads at once: every sound name reads")
  func concurrentGuards() async {
    let results = await withTaskGroup(of: Bool.self) { group in
      for worker in 0..<8 {
        group.addTask {
          var allRead = true
          for round in 0..<200 {
            if (round + worker) % 100 == 0 {
              allRead = allRead && SwiftDemangler.demangle("$s$_RVs") == nil
            } else {
              allRead = allRead && SwiftDemangler.demangle("$s6ledger5totalyxSayxGSzRzlF") == "total<A>(_:)"
            }
          }
          return allRead
        }
      }
      return await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(results == Array(repeating: true, count: 8))
  }
}
