//===--- symbol_lines.h - Line records of a Breakpad .sym file, in blocks ---===//
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

#endif
