//===--- xz.c - xz streams through liblzma, opened on first use -------------===//
//
// The .xz container (`xz`, systemd-coredump before zstd), streams one after
// another as `xz` itself reads them (LZMA_CONCATENATED). The decoder's memory
// limit refuses a dictionary larger than allowed (LZMA_MEMLIMIT_ERROR).
// liblzma.so.5 is Debian's liblzma5 soname.
//
//===----------------------------------------------------------------------===//

#include "formats.h"

#include "CSharedLibrary.h"

#include <lzma.h>
#include <stdlib.h>

static struct {
  __typeof__(lzma_stream_decoder) *stream_decoder;
  __typeof__(lzma_code) *code;
  __typeof__(lzma_end) *end;
} real;

static const char *const names[] = {"lzma_stream_decoder", "lzma_code", "lzma_end"};
static void *slots[sizeof names / sizeof names[0]];
_Static_assert(sizeof real == sizeof slots, "one pointer per function");

static struct csharedlibrary library = {
  "liblzma.so.5", "liblzma5", NULL, names, slots, sizeof names / sizeof names[0], "liblzma was never opened", {0}};
static const char *load(void) { return csharedlibrary_load(&library, &real, sizeof real); }

struct xz_state {
  lzma_stream stream;
  uint64_t memory_limit;
};

static const char *message(lzma_ret result) {
  switch (result) {
  case LZMA_MEM_ERROR: return "out of memory";
  case LZMA_MEMLIMIT_ERROR: return "the stream needs more memory than the limit allows";
  case LZMA_FORMAT_ERROR: return "not an xz stream";
  case LZMA_OPTIONS_ERROR: return "unsupported options (a filter or check this liblzma does not know)";
  case LZMA_DATA_ERROR: return "damaged data";
  case LZMA_BUF_ERROR: return "the input ends inside a stream";
  default: return "liblzma failed";
  }
}

static int start(struct xz_state *state, const char **failure) {
  lzma_stream fresh = LZMA_STREAM_INIT;
  state->stream = fresh;
  lzma_ret result = real.stream_decoder(&state->stream, state->memory_limit, LZMA_CONCATENATED);
  if (result != LZMA_OK) {
    *failure = message(result);
    return 0;
  }
  return 1;
}

static void *create(size_t memory_limit, const char **failure) {
  struct xz_state *state = malloc(sizeof *state);
  if (state == NULL) {
    *failure = "out of memory";
    return NULL;
  }
  state->memory_limit = memory_limit;
  if (!start(state, failure)) {
    free(state);
    return NULL;
  }
  return state;
}

static enum ccompression_status step(void *opaque, const unsigned char *input, size_t input_size, int last,
                                     size_t *consumed, unsigned char *output, size_t output_size, size_t *produced,
                                     const char **problem) {
  struct xz_state *state = opaque;
  state->stream.next_in = input;
  state->stream.avail_in = input_size;
  state->stream.next_out = output;
  state->stream.avail_out = output_size;
  lzma_ret result = real.code(&state->stream, last ? LZMA_FINISH : LZMA_RUN);
  *consumed = input_size - state->stream.avail_in;
  *produced = output_size - state->stream.avail_out;
  switch (result) {
  case LZMA_OK: return CCOMPRESSION_MORE;
  case LZMA_STREAM_END: return CCOMPRESSION_FRAME_END;
  case LZMA_BUF_ERROR:
    // No progress possible: with all input given, the stream was cut short.
    if (*produced == 0 && *consumed == 0 && !last) return CCOMPRESSION_MORE;
    *problem = message(result);
    return CCOMPRESSION_ERROR;
  default: *problem = message(result); return CCOMPRESSION_ERROR;
  }
}

static void reset(void *opaque) {
  // LZMA_CONCATENATED reads every stream itself; a reset starts afresh after the end.
  struct xz_state *state = opaque;
  const char *ignored;
  real.end(&state->stream);
  start(state, &ignored);
}

static void destroy(void *opaque) {
  struct xz_state *state = opaque;
  real.end(&state->stream);
  free(state);
}

const struct ccompression_codec ccompression_xz = {load, create, step, reset, destroy};
