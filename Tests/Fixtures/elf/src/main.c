/* A small program whose optimised code has inlined frames, static functions,
   recursion and a function that writes through a null pointer on request. */
#include <stdio.h>
#include <string.h>
#include "checksum.h"

struct record {
  int fields[8];
  int count;
};

static __attribute__((noinline)) int depth(int level) {
  if (level <= 0) return 0;
  return 1 + depth(level - 1);
}

static inline void crash_if(int condition) {
  if (condition) {
    volatile int *nowhere = 0;
    *nowhere = 42;
  }
}

static inline int total(const struct record *record) {
  int sum = 0;
  for (int index = 0; index < record->count; index++) sum += record->fields[index];
  crash_if(sum == 12345);
  return sum;
}

int main(int argc, char **argv) {
  struct record record;
  const char *text = argc > 1 ? argv[1] : "1 2 3";
  record.count = parse_record(text, record.fields, 8);
  unsigned hash = checksum((const unsigned char *)text, strlen(text));
  printf("%d %u %d\n", total(&record), hash, depth(argc));
  return 0;
}
