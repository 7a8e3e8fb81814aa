//===--- Stub.swift - The program when not built for fuzzing -----------------===//

#if !FUZZING
  @main
  enum FuzzStub {
    static func main() {
      print("fuzz-crash was built without fuzzing; use scripts/fuzz (it builds with -sanitize=fuzzer,address -DFUZZING)")
    }
  }
#endif
