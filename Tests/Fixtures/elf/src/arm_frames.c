/* A 32-bit ARM (Thumb-2) shared object for the ARM walk tests (Tests/Fixtures/elf/build.sh):
   a leaf that saves nothing, a function that saves r4 and lr and calls the leaf twice, and an
   outer function that saves r4, r5, r7 and lr and calls it. Its call frames are in
   .debug_frame (ARM targets keep .ARM.exidx instead of .eh_frame). */
__attribute__((noinline)) int leaf(int x) { return x * 3 + 1; }
__attribute__((noinline)) int middle(int x) {
  int a = leaf(x);
  return leaf(a) + a;
}
__attribute__((visibility("default"))) int outer(int x) { return middle(x) + middle(x + 1); }
