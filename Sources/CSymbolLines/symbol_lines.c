//===--- symbol_lines.c - Line records of a Breakpad .sym file, in blocks ---===//
//
// See symbol_lines.h. Two 16-byte loads give bit masks of decimal digits, hex
// digits, blanks, CRs and line breaks over 32 bytes; the first line break ends
// the line, the runs of bytes that are neither blank nor CR are its fields, and
// each field's bits must all be digits of its kind. An address or size of 16
// digits (which might wrap past 2^64 when added) is left to the byte reader.
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

#else

int64_t symbol_line_record_end(const uint8_t *base, int64_t start, int64_t count) {
  (void)base;
  (void)start;
  (void)count;
  return -1;
}

#endif
