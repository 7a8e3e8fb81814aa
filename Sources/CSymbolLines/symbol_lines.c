//===--- symbol_lines.c - Records of a Breakpad .sym file, in blocks --------===//
//
// See symbol_lines.h. Two 16-byte loads give bit masks of decimal digits, hex
// digits, blanks, CRs and line breaks over 32 bytes; the first line break ends
// the line, the runs of bytes that are neither blank nor CR are its fields, and
// each field's bits must all be digits of its kind. An address or size of 16
// digits (which might wrap past 2^64 when added) is left to the byte reader.
// STACK WIN records' ten numbers are found the same way, from the blanks between
// them.
//
//===----------------------------------------------------------------------===//

#include "symbol_lines.h"

#if defined(__SSE2__)
#include <emmintrin.h>

/// Bytes of `block` whose value minus `low` is at most `span` (unsigned), as a bit mask.
static inline uint32_t in_range(__m128i block, uint8_t low, uint8_t span) {
  __m128i shifted = _mm_sub_epi8(block, _mm_set1_epi8((char)low));
  __m128i capped = _mm_min_epu8(shifted, _mm_set1_epi8((char)span));
  return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(capped, shifted));
}

static inline uint32_t equal_to(__m128i block, uint8_t byte) {
  return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8((char)byte)));
}

/// Bits `from..<to` set (0 <= from <= to <= 31).
static inline uint32_t bits(int from, int to) { return ((1u << to) - 1u) & ~((1u << from) - 1u); }

int64_t symbol_line_record_end(const uint8_t *base, int64_t start, int64_t count) {
  if (start < 0 || count - start < 32) return -1;
  const uint8_t *at = base + start;
  __m128i low = _mm_loadu_si128((const __m128i *)at);
  __m128i high = _mm_loadu_si128((const __m128i *)(at + 16));
  __m128i case_bit = _mm_set1_epi8(0x20);
  uint32_t decimal = in_range(low, '0', 9) | in_range(high, '0', 9) << 16;
  uint32_t letters = in_range(_mm_or_si128(low, case_bit), 'a', 5) | in_range(_mm_or_si128(high, case_bit), 'a', 5) << 16;
  uint32_t hex = decimal | letters;
  uint32_t blank = equal_to(low, ' ') | equal_to(high, ' ') << 16 | equal_to(low, '\t') | equal_to(high, '\t') << 16;
  uint32_t carriage = equal_to(low, '\r') | equal_to(high, '\r') << 16;
  uint32_t line_break = equal_to(low, '\n') | equal_to(high, '\n') << 16;
  if (line_break == 0) return -1;
  int length = __builtin_ctz(line_break);
  if (length == 0) return -1;
  uint32_t line = (1u << length) - 1u;
  uint32_t field = line & ~blank & ~carriage;
  // Exactly four runs of field bytes, the first at the start of the line.
  uint32_t starts = field & ~(field << 1);
  if ((starts & 1u) == 0) return -1;
  starts &= starts - 1u;
  if (starts == 0) return -1;
  int second = __builtin_ctz(starts);
  starts &= starts - 1u;
  if (starts == 0) return -1;
  int third = __builtin_ctz(starts);
  starts &= starts - 1u;
  if (starts == 0) return -1;
  int fourth = __builtin_ctz(starts);
  if ((starts & (starts - 1u)) != 0) return -1;
  uint32_t numbers = field & ~bits(0, third);
  if ((field & bits(0, third) & ~hex) != 0 || (numbers & ~decimal) != 0) return -1;
  // Each run ends at its highest bit: the address and size below 16 digits (so their sum
  // cannot wrap), the line and file numbers at most 18.
  int address_end = 32 - __builtin_clz(field & bits(0, second));
  int size_end = 32 - __builtin_clz(field & bits(second, third));
  int line_end = 32 - __builtin_clz(field & bits(third, fourth));
  int file_end = 32 - __builtin_clz(field & bits(fourth, length));
  if (address_end >= 16 || size_end - second >= 16 || line_end - third > 18 || file_end - fourth > 18) return -1;
  // A CR only after the last field.
  if ((carriage & bits(0, file_end)) != 0) return -1;
  return start + length + 1;
}

/// The value of the hexadecimal digits `at[0..<length]` (already checked to be digits).
static inline uint64_t hex_value(const uint8_t *at, int length) {
  uint64_t value = 0;
  for (int index = 0; index < length; index++) {
    uint8_t byte = at[index];
    uint8_t digit = byte <= '9' ? (uint8_t)(byte - '0') : (uint8_t)((byte | 0x20) - 'a' + 10);
    value = value << 4 | digit;
  }
  return value;
}

static inline int is_hex_digit(uint8_t byte) {
  return (byte >= '0' && byte <= '9') || ((byte | 0x20) >= 'a' && (byte | 0x20) <= 'f');
}

int symbol_stack_win_fields(const uint8_t *base, int64_t start, int64_t end, int64_t count, uint64_t *type,
                            uint64_t *address, uint64_t *size) {
  if (start < 0 || end > count || end - start < 2 || count - start < 32) return 0;
  const uint8_t *at = base + start;
  __m128i low = _mm_loadu_si128((const __m128i *)at);
  __m128i high = _mm_loadu_si128((const __m128i *)(at + 16));
  __m128i case_bit = _mm_set1_epi8(0x20);
  uint32_t hex = in_range(low, '0', 9) | in_range(high, '0', 9) << 16 | in_range(_mm_or_si128(low, case_bit), 'a', 5) |
                 in_range(_mm_or_si128(high, case_bit), 'a', 5) << 16;
  uint32_t space = equal_to(low, ' ') | equal_to(high, ' ') << 16;
  uint32_t line = end - start >= 32 ? 0xFFFFFFFFu : bits(0, (int)(end - start));
  hex &= line;
  space &= line;
  // The spaces before the ten numbers and the one after them, the first at `start`.
  if ((space & 1u) == 0) return 0;
  int spaces[11];
  uint32_t remaining = space;
  for (int index = 0; index < 11; index++) {
    if (remaining == 0) return 0;
    spaces[index] = __builtin_ctz(remaining);
    remaining &= remaining - 1u;
  }
  // Nothing but spaces and digits before the eleventh space, each number 1 to 16 digits.
  if ((bits(0, spaces[10]) & ~space & ~hex) != 0) return 0;
  for (int index = 1; index < 11; index++) {
    int length = spaces[index] - spaces[index - 1] - 1;
    if (length < 1 || length > 16) return 0;
  }
  uint64_t kind = hex_value(at + spaces[0] + 1, spaces[1] - spaces[0] - 1);
  uint64_t first = hex_value(at + spaces[1] + 1, spaces[2] - spaces[1] - 1);
  uint64_t length = hex_value(at + spaces[2] + 1, spaces[3] - spaces[2] - 1);
  if (kind > 4 || first + length < first) return 0;
  int has_program = 0;
  for (int index = spaces[9] + 1; index < spaces[10]; index++) has_program |= at[index] != '0';
  int64_t next = start + spaces[10] + 1;
  if (next >= end) return 0;
  if (has_program) {
    // A program string: its first byte neither blank nor CR.
    uint8_t byte = base[next];
    if (byte == ' ' || byte == '\t' || byte == '\r') return 0;
  } else {
    // The allocates-base-pointer flag: 1 to 16 digits, then a blank or the line's end.
    int digits = 0;
    while (next + digits < end && is_hex_digit(base[next + digits])) digits++;
    if (digits < 1 || digits > 16) return 0;
    if (next + digits < end && base[next + digits] != ' ' && base[next + digits] != '\t') return 0;
  }
  *type = kind;
  *address = first;
  *size = length;
  return 1;
}

#else

int64_t symbol_line_record_end(const uint8_t *base, int64_t start, int64_t count) {
  (void)base;
  (void)start;
  (void)count;
  return -1;
}

int symbol_stack_win_fields(const uint8_t *base, int64_t start, int64_t end, int64_t count, uint64_t *type,
                            uint64_t *address, uint64_t *size) {
  (void)base;
  (void)start;
  (void)end;
  (void)count;
  (void)type;
  (void)address;
  (void)size;
  return 0;
}

#endif
