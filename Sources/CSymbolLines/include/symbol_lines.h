//===--- symbol_lines.h - Records of a Breakpad .sym file, in blocks --------===//
//
// Most lines of a Breakpad symbol file are line records inside a FUNC:
// `address size line file` (hex, hex, decimal, decimal, blank-separated). This
// checks one with SSE2 compares over the 32 bytes where it starts, on x86-64;
// it only ever accepts: a line it cannot decide quickly (longer than the block,
// too near the end of the file, a 16-digit address or size, anything unusual)
// is left to BreakpadSymbols' byte-by-byte reader (LineRecordScanner), whose
// rules it follows and which decides. Elsewhere it always leaves the line.
//
//===----------------------------------------------------------------------===//

#ifndef CRASH_ANALYSIS_SYMBOL_LINES_H
#define CRASH_ANALYSIS_SYMBOL_LINES_H

#include <stdint.h>

/// The offset just past the line break of the well-formed line record at `start` in
/// `base[0..<count]`, or -1 when this check leaves the line to the byte-by-byte reader.
int64_t symbol_line_record_end(const uint8_t *base, int64_t start, int64_t count);

/// The numbered fields of a well-formed STACK WIN record, checked the same way: `start` is the
/// offset just after `STACK WIN`, `end` that of the line's end (no line break, no trailing CR),
/// `count` the file's size. Returns 1 and the record's type, address and size when the ten
/// numbers are hexadecimal fields of 1 to 16 digits, each after a single space, the type at
/// most 4, address + size within 64 bits, and a program string (or, after a zero flag, the
/// allocates-base-pointer field) follows; 0 leaves the record to BreakpadSymbols'
/// StackWinFields, which decides, and whose rules this follows.
int symbol_stack_win_fields(const uint8_t *base, int64_t start, int64_t end, int64_t count, uint64_t *type,
                            uint64_t *address, uint64_t *size);

#endif
