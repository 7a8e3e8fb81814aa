#include "checksum.h"

unsigned checksum(const unsigned char *bytes, unsigned long count) {
  unsigned hash = 2166136261u;
  for (unsigned long index = 0; index < count; index++) {
    hash = mix(hash, bytes[index]);
  }
  return hash;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int read_number(const char **cursor) {
  int value = 0;
  while (is_digit(**cursor)) {
    value = value * 10 + (**cursor - '0');
    (*cursor)++;
  }
  return value;
}

int parse_record(const char *text, int *fields, int limit) {
  int count = 0;
  while (*text && count < limit) {
    if (is_digit(*text)) {
      fields[count++] = read_number(&text);
    } else {
      text++;
    }
  }
  return count;
}
