//===--- Main.swift - Writes the example minidumps ---------------------------===//
//
//   swift run make-example-dumps        (from the repository root)
//
// Writes Examples/Q276222/emsmta.dmp, Examples/Alpha/store.dmp and the Alpha
// example's unwind data from ExampleDumps (CrashTestSupport).
//
//===----------------------------------------------------------------------===//

import CrashTestSupport

#if canImport(Glibc)
  import Glibc
#endif

@main
enum MakeExampleDumps {
  static func main() {
    let root = Fixtures.repositoryRoot
    write(ExampleDumps.q276222().bytes(), to: root + "/Examples/Q276222/emsmta.dmp")
    write(ExampleDumps.q177710().bytes(), to: root + "/Examples/Alpha/store.dmp")
    let directory = "\(root)/Examples/Alpha/symbols/store.pdb/\(ExampleDumps.q177710StoreIdentifier)"
    for path in ["\(root)/Examples/Alpha/symbols", "\(root)/Examples/Alpha/symbols/store.pdb", directory] {
      mkdir(path, 0o755)
    }
    write(Array(ExampleDumps.q177710SymbolFile().utf8), to: directory + "/store.sym")
  }

  static func write(_ bytes: [UInt8], to path: String) {
    guard let file = fopen(path, "wb") else {
      print("make-example-dumps: cannot write \(path)")
      exit(1)
    }
    defer { fclose(file) }
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else {
      print("make-example-dumps: cannot write \(path)")
      exit(1)
    }
    print("wrote \(path) (\(bytes.count) bytes)")
  }
}
