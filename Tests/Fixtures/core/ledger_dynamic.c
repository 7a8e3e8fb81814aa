/* A dynamically linked program that faults inside the C library: strlen of a NULL note two
 * calls below main. Built for AArch64 by build.sh and run under qemu-aarch64, whose core lists
 * no file mappings: the libraries are found through the dynamic linker's list (r_debug). */
#include <stdio.h>
#include <string.h>

struct entry {
  const char *note;
  long amount;
};

__attribute__((noinline)) size_t ledger_note_length(const struct entry *entry) {
  return strlen(entry->note) + 1; /* note is NULL: the fault, in the C library */
}

__attribute__((noinline)) long ledger_total(const struct entry *entries, int count) {
  long total = 0;
  for (int index = 0; index < count; index++) total += entries[index].amount * (long)ledger_note_length(&entries[index]);
  return total;
}

int main(void) {
  struct entry entries[] = {{"opening", 100}, {NULL, 42}};
  printf("%ld\n", ledger_total(entries, 2));
  return 0;
}
