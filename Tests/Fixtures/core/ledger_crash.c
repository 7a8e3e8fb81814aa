/* A small program that crashes two calls deep, built without the C library so that its core is
   small. Tests/Fixtures/core/build.sh builds it for x86-64, AArch64, x86, 32-bit ARM and RISC-V 64, and cores. */
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
#elif defined(__i386__)
__asm__(".globl _start\n.type _start, @function\n_start:\n.cfi_startproc\n.cfi_undefined eip\nxor %ebp, %ebp\n"
        "call ledger_main\nmov %eax, %ebx\nmov $1, %eax\nint $0x80\n.cfi_endproc\n.size _start, . - _start\n");
#elif defined(__arm__)
__asm__(".globl _start\n.type _start, %function\n_start:\n.fnstart\n.cfi_startproc\n.cfi_undefined lr\nmov fp, #0\n"
        "mov lr, #0\nbl ledger_main\nmov r7, #1\nsvc #0\n.cfi_endproc\n.cantunwind\n.fnend\n.size _start, . - _start\n");
#elif defined(__riscv) && __riscv_xlen == 64
__asm__(".globl _start\n.type _start, @function\n_start:\n.cfi_startproc\n.cfi_undefined ra\nli s0, 0\n"
        "li ra, 0\ncall ledger_main\nli a7, 93\necall\n.cfi_endproc\n.size _start, . - _start\n");
#endif
