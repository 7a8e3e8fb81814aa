/* An aarch64 shared object for the ARM64 walk tests (Tests/Fixtures/elf/build.sh):
   a leaf that saves nothing, a function that keeps a frame record and a callee-saved
   register and calls the leaf, and an outer function that calls it. */
__attribute__((noinline)) int leaf(int x) { return x * 3 + 1; }
__attribute__((noinline)) int middle(int x) {
  int a = leaf(x);
  return leaf(a) + a;
}
__attribute__((visibility("default"))) int outer(int x) { return middle(x) + middle(x + 1); }
