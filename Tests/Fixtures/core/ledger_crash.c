/* A small program that crashes two calls deep, built without the C library so that its core
   is small. Tests/Fixtures/core/build.sh builds it for x86-64 and AArch64 and makes its cores. */
typedef unsigned long size_t;

struct journal { long *entries; size_t count; };

__attribute__((noinline)) static long journal_write(struct journal *journal, long amount) {
  journal->entries[journal->count] = amount; /* entries is NULL: the fault */
  journal->count += 1;
  return amount;
}

__attribute__((noinline)) static long ledger_close(struct journal *journal, long balance) {
  long written = journal_write(journal, balance * 2);
  return written + 1;
}

__attribute__((noinline, used)) long ledger_main(void) {
  struct journal journal = { 0, 3 };
  return ledger_close(&journal, 21);
}

/* The entry point: the return address is undefined (the end of the stack), as crt1's says. */
#if defined(__x86_64__)
__asm__(".globl _start\n.type _start, @function\n_start:\n.cfi_startproc\n.cfi_undefined rip\nxor %ebp, %ebp\n"
        "call ledger_main\nmov %rax, %rdi\nmov $60, %eax\nsyscall\n.cfi_endproc\n.size _start, . - _start\n");
#elif defined(__aarch64__)
__asm__(".globl _start\n.type _start, %function\n_start:\n.cfi_startproc\n.cfi_undefined x30\nmov x29, #0\n"
        "mov x30, #0\nbl ledger_main\nmov x8, #93\nsvc #0\n.cfi_endproc\n.size _start, . - _start\n");
#endif
