// Crashes on a second thread through a closure and an optional unwrap, for the
// Swift runtime's backtrace.
import Foundation

struct Ledger {
  var entries: [String: Int] = [:]
  @inline(never) func balance(of name: String) -> Int { entries[name]! }
}

@inline(never) func settle(_ ledger: Ledger, _ names: [String]) -> Int {
  names.map { ledger.balance(of: $0) }.reduce(0, +)
}

let worker = Thread {
  let ledger = Ledger(entries: ["a": 1])
  print(settle(ledger, ["a", "b"]))
}
worker.name = "settler"
worker.start()
Thread.sleep(forTimeInterval: 5)
