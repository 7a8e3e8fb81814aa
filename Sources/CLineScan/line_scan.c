//===--- line_scan.c - One pass over a text line: copy, blanks, tokens -----===//
//
// See line_scan.h. On x86-64 each block of sixteen bytes is copied and
// classified with SSE2 compares; the blanks' bit mask then gives the token
// edges directly, one step per token rather than one per byte. The last
// partial block is read from a copy padded with blanks. Elsewhere the same
// rules run a byte at a time.
//
//===----------------------------------------------------------------------===//

#include "line_scan.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline int is_blank(uint8_t byte) { return byte <= 0x20 || byte == 0x7F; }

/// What each byte is to the scan: its lead bit (bits 0–27) and its kind (bits 28–29).
static uint32_t byte_classes[256];
#define KIND_BLANK (1u << 28)
#define KIND_HEX (2u << 28)
#define KIND_OTHER (3u << 28)
#define KIND_MASK (3u << 28)

static void fill_byte_classes(void) {
  for (int byte = 0; byte < 256; byte++) {
    uint8_t lower = (uint8_t)byte | 0x20;
    uint32_t lead = (lower >= 'a' && lower <= 'z') ? 1u << (lower - 'a') : (byte == '*' ? 1u << 26 : 1u << 27);
    uint32_t kind = is_blank((uint8_t)byte) ? KIND_BLANK
                    : ((byte >= '0' && byte <= '9') || (lower >= 'a' && lower <= 'f')) ? KIND_HEX
                                                                                        : KIND_OTHER;
    byte_classes[byte] = lead | kind;
  }
}

/// Filled before `main` runs, so no call pays for a test of whether it is.
__attribute__((constructor)) static void line_scan_initialise(void) { fill_byte_classes(); }

static inline uint32_t lead_bit(uint8_t byte) { return byte_classes[byte] & ~KIND_MASK; }

/// A blank or non-hex second byte, or a third byte that is neither blank nor hex.
static inline int starts_word(uint8_t second, uint8_t third) {
  return (byte_classes[second] & KIND_MASK) != KIND_HEX || (byte_classes[third] & KIND_MASK) == KIND_OTHER;
}

/// The state carried from byte to byte.
typedef struct {
  int64_t last;
  int64_t found;
  int64_t start;
  int inToken;
  uint32_t leads;
  uint32_t wordLeads;
} scan_state;

static inline void open_token(scan_state *state, int64_t position, uint8_t lead, uint8_t second, uint8_t third) {
  state->start = position;
  uint32_t bit = lead_bit(lead);
  state->leads |= bit;
  if (starts_word(second, third)) state->wordLeads |= bit;
}

static inline void close_token(scan_state *state, int64_t *tokens, int64_t end) {
  tokens[2 * state->found] = state->start;
  tokens[2 * state->found + 1] = end;
  state->found += 1;
}

/// The tokens that start and end in sixteen bytes from `base`, given the blanks' bits and the
/// bits of the bytes to look at (`fresh`), and whether a token runs into the first of them
/// (`entering`, at its bit). A token's lead and the two bytes after it are read from `source`
/// (blanks past `total`).
static inline void take_edges(scan_state *state, int64_t *tokens, const uint8_t *source, int64_t total, int64_t base,
                              uint32_t blanks, uint32_t fresh, uint32_t entering) {
  blanks &= fresh;
  uint32_t filled = ~blanks & fresh;
  uint32_t before = ((filled << 1) | entering) & 0xFFFFu;
  uint32_t ends = blanks & before;
  uint32_t edges = (filled & ~before) | ends;
  while (edges != 0) {
    int bit = __builtin_ctz(edges);
    int64_t position = base + bit;
    if ((ends >> bit) & 1u) {
      close_token(state, tokens, position);
    } else {
      open_token(state, position, source[position], position + 1 < total ? source[position + 1] : 0x20,
                 position + 2 < total ? source[position + 2] : 0x20);
    }
    edges &= edges - 1;
  }
  state->inToken = (int)((filled >> 15) & 1u);
  if (filled != 0) state->last = base + 31 - __builtin_clz(filled);
}

#if defined(__SSE2__)
/// One block of sixteen bytes at `block` (offset `index` in the line: the line itself, or a
/// copy of its last bytes padded with blanks, of which `stored` are written to `output`).
static inline void scan_block(scan_state *state, const uint8_t *block, int64_t index, const uint8_t *source,
                              int64_t total, uint8_t *output, int64_t stored, int64_t *tokens,
                              __m128i *nul, __m128i *markup, __m128i *pasted, __m128i *escape) {
  const __m128i blank = _mm_set1_epi8(0x20);
  __m128i bytes = _mm_loadu_si128((const __m128i *)block);
  // Unsigned `byte <= 0x20`: the minimum with 0x20 is the byte itself.
  __m128i isBlank = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(bytes, blank), bytes),
                                 _mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x7F)));
  __m128i normalised = _mm_or_si128(_mm_andnot_si128(isBlank, bytes), _mm_and_si128(isBlank, blank));
  if (stored == 16) {
    _mm_storeu_si128((__m128i *)(output + index), normalised);
  } else {
    uint8_t copy[16];
    _mm_storeu_si128((__m128i *)copy, normalised);
    memcpy(output + index, copy, (size_t)stored);
  }
  *nul = _mm_or_si128(*nul, _mm_cmpeq_epi8(bytes, _mm_setzero_si128()));
  *markup = _mm_or_si128(*markup, _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('&')),
                                               _mm_cmpeq_epi8(bytes, _mm_set1_epi8('<'))));
  *pasted = _mm_or_si128(*pasted, _mm_or_si128(bytes, _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))));
  *escape = _mm_or_si128(*escape, _mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x1B)));

  // Padding blanks end a token like any blank; no token starts in them.
  take_edges(state, tokens, source, total, index, (uint32_t)_mm_movemask_epi8(isBlank), 0xFFFFu,
             (uint32_t)state->inToken);
}

/// The last `total - index` bytes (fewer than sixteen) of a line at least sixteen bytes
/// long past `from`: the block ending at `total` is read, and its first bytes, scanned
/// already, are masked off.
static inline void scan_tail(scan_state *state, const uint8_t *source, int64_t index, int64_t total,
                             uint8_t *output, int64_t *tokens, uint32_t *flags) {
  const __m128i blank = _mm_set1_epi8(0x20);
  int64_t base = total - 16;
  int skip = (int)(index - base);
  uint32_t fresh = (0xFFFFu << skip) & 0xFFFFu;
  __m128i bytes = _mm_loadu_si128((const __m128i *)(source + base));
  __m128i isBlank = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(bytes, blank), bytes),
                                 _mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x7F)));
  // The bytes before `index` are written again with the values they already have.
  _mm_storeu_si128((__m128i *)(output + base),
                   _mm_or_si128(_mm_andnot_si128(isBlank, bytes), _mm_and_si128(isBlank, blank)));
  if ((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_setzero_si128())) & fresh) *flags |= LINE_SCAN_HAD_NUL;
  if ((uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('&')),
                                               _mm_cmpeq_epi8(bytes, _mm_set1_epi8('<')))) & fresh)
    *flags |= LINE_SCAN_MAY_HAVE_MARKUP;
  if ((uint32_t)_mm_movemask_epi8(_mm_or_si128(bytes, _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\')))) & fresh)
    *flags |= LINE_SCAN_MAY_BE_PASTED;
  if ((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x1B))) & fresh) *flags |= LINE_SCAN_HAD_ESCAPE;

  take_edges(state, tokens, source, total, base, (uint32_t)_mm_movemask_epi8(isBlank), fresh,
             (uint32_t)state->inToken << skip);
}
#endif

line_scan_result line_scan(const uint8_t *source, int64_t total, int64_t from, int64_t last, uint8_t *output,
                           int64_t *tokens, int64_t tokenCount) {
  scan_state state = {last, tokenCount, 0, 0, 0, 0};
  uint32_t flags = 0;
  int64_t index = from;
#if defined(__SSE2__)
  __m128i nul = _mm_setzero_si128();
  __m128i markup = _mm_setzero_si128();
  __m128i pasted = _mm_setzero_si128();
  __m128i escape = _mm_setzero_si128();
  for (; index + 16 <= total; index += 16) {
    scan_block(&state, source + index, index, source, total, output, 16, tokens, &nul, &markup, &pasted, &escape);
  }
  if (index < total && total - 16 >= from) {
    // The rest, as the last sixteen bytes of the line, those scanned already masked off.
    scan_tail(&state, source, index, total, output, tokens, &flags);
    index = total;
  } else if (index < total) {
    // The rest of a short line, from a copy padded with blanks (which end a token and set no flag).
    uint8_t padded[32];
    memset(padded, 0x20, sizeof padded);
    memcpy(padded, source + index, (size_t)(total - index));
    scan_block(&state, padded, index, source, total, output, total - index, tokens, &nul, &markup, &pasted, &escape);
    index = total;
  }
  if (_mm_movemask_epi8(nul)) flags |= LINE_SCAN_HAD_NUL;
  if (_mm_movemask_epi8(markup)) flags |= LINE_SCAN_MAY_HAVE_MARKUP;
  if (_mm_movemask_epi8(pasted)) flags |= LINE_SCAN_MAY_BE_PASTED;
  if (_mm_movemask_epi8(escape)) flags |= LINE_SCAN_HAD_ESCAPE;
#endif
  for (; index < total; index++) {
    uint8_t byte = source[index];
    if (is_blank(byte)) {
      if (byte == 0) flags |= LINE_SCAN_HAD_NUL;
      if (byte == 0x1B) flags |= LINE_SCAN_HAD_ESCAPE;
      output[index] = 0x20;
      if (state.inToken) {
        close_token(&state, tokens, index);
        state.inToken = 0;
      }
      continue;
    }
    if (byte == '&' || byte == '<') flags |= LINE_SCAN_MAY_HAVE_MARKUP;
    if (byte >= 0x80 || byte == '\\') flags |= LINE_SCAN_MAY_BE_PASTED;
    output[index] = byte;
    if (!state.inToken) {
      state.inToken = 1;
      open_token(&state, index, byte, index + 1 < total ? source[index + 1] : 0x20,
                 index + 2 < total ? source[index + 2] : 0x20);
    }
    state.last = index;
  }
  if (state.inToken) close_token(&state, tokens, state.last + 1);
  line_scan_result result = {state.last + 1, state.found, state.leads, state.wordLeads, flags};
  return result;
}
