//===--- zstd.c - zstd frames through libzstd, opened on first use ----------===//
//
// Frames as `zstd` and systemd-coredump write them (RFC 8878), one after
// another. The decoder refuses a frame whose window is larger than the memory
// limit (ZSTD_d_windowLogMax), so a hostile header cannot make it allocate
// more. libzstd.so.1 is Debian's libzstd1 soname.
//
//===----------------------------------------------------------------------===//

#include "formats.h"

#include "CSharedLibrary.h"

#include <zstd.h>

static struct {
  __typeof__(ZSTD_createDCtx) *create;
  __typeof__(ZSTD_freeDCtx) *destroy;
  __typeof__(ZSTD_DCtx_setParameter) *set_parameter;
  __typeof__(ZSTD_DCtx_reset) *reset;
  __typeof__(ZSTD_decompressStream) *decompress;
  __typeof__(ZSTD_isError) *is_error;
  __typeof__(ZSTD_getErrorName) *error_name;
} real;

static const char *const names[] = {"ZSTD_createDCtx", "ZSTD_freeDCtx",          "ZSTD_DCtx_setParameter",
                                    "ZSTD_DCtx_reset", "ZSTD_decompressStream", "ZSTD_isError",
                                    "ZSTD_getErrorName"};
static void *slots[sizeof names / sizeof names[0]];
_Static_assert(sizeof real == sizeof slots, "one pointer per function");

static struct csharedlibrary library = {"libzstd.so.1", "libzstd1", "libzstd 1.4 or later is needed",
                                        names, slots, sizeof names / sizeof names[0], "libzstd was never opened", {0}};
static const char *load(void) { return csharedlibrary_load(&library, &real, sizeof real); }

static void *create(size_t memory_limit, const char **failure) {
  ZSTD_DCtx *context = real.create();
  if (context == NULL) {
    *failure = "out of memory";
    return NULL;
  }
  int window_log = 10;
  while (window_log < 31 && ((size_t)1 << (window_log + 1)) <= memory_limit) window_log++;
  size_t result = real.set_parameter(context, ZSTD_d_windowLogMax, window_log);
  if (real.is_error(result)) {
    *failure = real.error_name(result);
    real.destroy(context);
    return NULL;
  }
  return context;
}

static enum ccompression_status step(void *state, const unsigned char *input, size_t input_size, int last,
                                     size_t *consumed, unsigned char *output, size_t output_size, size_t *produced,
                                     const char **problem) {
  ZSTD_inBuffer in = {input, input_size, 0};
  ZSTD_outBuffer out = {output, output_size, 0};
  size_t result = real.decompress(state, &out, &in);
  *consumed = in.pos;
  *produced = out.pos;
  if (real.is_error(result)) {
    *problem = real.error_name(result);
    return CCOMPRESSION_ERROR;
  }
  if (result == 0) return CCOMPRESSION_FRAME_END;
  if (last && in.pos == in.size && out.pos < out.size) {
    *problem = "the input ends inside a frame";
    return CCOMPRESSION_ERROR;
  }
  return CCOMPRESSION_MORE;
}

static void reset(void *state) { real.reset(state, ZSTD_reset_session_only); }

static void destroy(void *state) { real.destroy(state); }

const struct ccompression_codec ccompression_zstd = {load, create, step, reset, destroy};
