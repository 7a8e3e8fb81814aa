// A small Swift program whose symbols are mangled as the compiler mangles them: a class method,
// a closure, a generic function (specialised when optimised) and a struct's method.
// Built by build.sh into `swift_names`; ELFSymbolsTests/SwiftNamesTests looks them up.

final class Journal {
  var entries: [Int] = []

  @inline(never)
  func close() -> Int {
    entries.reduce(0, +)
  }
}

struct Ledger {
  var balance: Int

  @inline(never)
  mutating func post(_ amount: Int) {
    balance += amount
  }
}

@inline(never)
func total<Entry: BinaryInteger>(_ entries: [Entry]) -> Entry {
  entries.reduce(0, +)
}

let journal = Journal()
journal.entries = CommandLine.arguments.map { $0.utf8.count }
var ledger = Ledger(balance: 0)
ledger.post(journal.close())
print(total(journal.entries), ledger.balance)
