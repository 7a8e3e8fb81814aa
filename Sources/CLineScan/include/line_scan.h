//===--- line_scan.h - One pass over a text line: copy, blanks, tokens -----===//
//
// The first stage of text decoding, sixteen bytes at a time where the CPU has
// the instructions for it (SSE2 on x86-64), one at a time elsewhere: copies a
// line with every control byte (below 0x20, and 0x7F) turned into a blank,
// finds its blank-separated tokens and the lead bytes the recognisers test
// first, and notes the bytes later stages ask about (NUL, `&`, `<`, `\`, ESC,
// and 0x80 and up). StackText's LineStorage calls it; its rules are written out
// in Swift as the reference in LineStorageTests.
//
//===----------------------------------------------------------------------===//

#ifndef CRASH_ANALYSIS_LINE_SCAN_H
#define CRASH_ANALYSIS_LINE_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// The line held a NUL byte.
#define LINE_SCAN_HAD_NUL 1u
/// The line held `&` or `<` (an HTML entity or tag may be in it).
#define LINE_SCAN_MAY_HAVE_MARKUP 2u
/// The line held `\` or a byte of 0x80 or more (a markdown escape or typography may be in it).
#define LINE_SCAN_MAY_BE_PASTED 4u

/// The line held an ESC byte (a terminal's escape sequence may be in it).
#define LINE_SCAN_HAD_ESCAPE 8u

/// What a scan found.
typedef struct {
  /// Bytes up to and including the last one that is not a blank.
  int64_t count;
  /// Tokens written in all (those before `from` included).
  int64_t tokenCount;
  /// Bit per token lead (`a`–`z` in either case: bits 0–25; `*`: 26; anything else: 27).
  uint32_t leads;
  /// The same bits, for leads of tokens that start a word (see `line_scan`).
  uint32_t wordLeads;
  /// `LINE_SCAN_*` flags.
  uint32_t flags;
} line_scan_result;

/// Scans `source[from..<total]` into `output` (same offsets) and appends the tokens found
/// to `tokens` (pairs of start and end offsets, from pair `tokenCount` on; room for
/// `(total - from) / 2 + 1` more pairs is needed). `last` is the offset of the last non-blank
/// byte before `from` (-1 for none); a token does not continue across `from`.
///
/// A token starts a word when its second byte (the one after it, if the token has one byte)
/// is a blank, a control byte, or not a hex digit, or when its third byte is inside the
/// token and is not a hex digit (`fatal`, but not `fe` or `fe13f25a`).
line_scan_result line_scan(const uint8_t *source, int64_t total, int64_t from, int64_t last, uint8_t *output,
                           int64_t *tokens, int64_t tokenCount);

#endif
