/* Helpers inlined into their callers at -O2: two levels of inlining across files. */
#ifndef CHECKSUM_H
#define CHECKSUM_H

static inline unsigned rotate(unsigned value, int bits) {
  return (value << bits) | (value >> (32 - bits));
}

static inline unsigned mix(unsigned hash, unsigned char byte) {
  hash ^= byte;
  hash = rotate(hash, 5) * 0x9e3779b1u;
  return hash;
}

unsigned checksum(const unsigned char *bytes, unsigned long count);
int parse_record(const char *text, int *fields, int limit);

#endif
