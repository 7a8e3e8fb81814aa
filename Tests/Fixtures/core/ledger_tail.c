/* Tail calls, as GCC makes them at -O2: ledger_main calls ledger_post, which jumps to
   ledger_book, which jumps to journal_append, which faults. Neither jump leaves a frame; the
   DWARF call sites (DW_TAG_call_site with DW_AT_call_tail_call, or DW_TAG_GNU_call_site with
   DW_AT_GNU_tail_call under -gdwarf-4) let gdb show both between journal_append and
   ledger_main. Built without the C library by Tests/Fixtures/core/build.sh, x86-64 only. */
struct journal { long *entries; long count; };

__attribute__((noinline)) void journal_append(struct journal *journal, long amount) {
  journal->entries[journal->count++] = amount; /* entries is NULL: the fault */
}

__attribute__((noinline)) void ledger_book(struct journal *journal, long amount) {
  journal->count += 1;
  journal_append(journal, amount * 2);
}

__attribute__((noinline)) void ledger_post(struct journal *journal, long amount) {
  journal->count += 1;
  ledger_book(journal, amount + 1);
}

__attribute__((noinline, used)) long ledger_main(void) {
  struct journal journal = { 0, 1 };
  ledger_post(&journal, 20);
  return journal.count;
}

__asm__(".globl _start\n.type _start, @function\n_start:\n.cfi_startproc\n.cfi_undefined rip\nxor %ebp, %ebp\n"
        "call ledger_main\nmov %rax, %rdi\nmov $60, %eax\nsyscall\n.cfi_endproc\n.size _start, . - _start\n");
