//===--- Main.swift - Writes the example minidumps ---------------------------===//
//
//   swift run make-example-dumps        (from the repository root)
//
// Writes Examples/Q276222/emsmta.dmp from ExampleDumps (CrashTestSupport).
//
//===----------------------------------------------------------------------===//

import CrashTestSupport

#if canImport(Glibc)
  import Glibc
#endif

@main
enum MakeExampleDumps {
  static func main() {
    write(ExampleDumps.q276222().bytes(), to: Fixtures.repositoryRoot + "/Examples/Q276222/emsmta.dmp")
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
