//===--- lz4.c - LZ4 frames through liblz4, opened on first use -------------===//
//
// The LZ4 frame format (`lz4`; systemd-coredump's cores where systemd was
// built with lz4, as RHEL 8's 239 is), frames one after another. A frame's
// blocks are at most 4 MiB, so there is no memory limit to set. liblz4.so.1
// is Debian's liblz4-1 soname.
//
//===----------------------------------------------------------------------===//

#include "formats.h"

#include "CSharedLibrary.h"

#include <lz4frame.h>

static struct {
  __typeof__(LZ4F_createDecompressionContext) *create;
  __typeof__(LZ4F_freeDecompressionContext) *destroy;
  __typeof__(LZ4F_resetDecompressionContext) *reset;
  __typeof__(LZ4F_decompress) *decompress;
  __typeof__(LZ4F_isError) *is_error;
  __typeof__(LZ4F_getErrorName) *error_name;
} real;

static const char *const names[] = {"LZ4F_createDecompressionContext", "LZ4F_freeDecompressionContext",
                                    "LZ4F_resetDecompressionContext",  "LZ4F_decompress",
                                    "LZ4F_isError",                    "LZ4F_getErrorName"};
static void *slots[sizeof names / sizeof names[0]];
_Static_assert(sizeof real == sizeof slots, "one pointer per function");

static struct csharedlibrary library = {"liblz4.so.1", "liblz4-1", "liblz4 1.8.0 or later is needed",
                                        names, slots, sizeof names / sizeof names[0], "liblz4 was never opened", {0}};
static const char *load(void) { return csharedlibrary_load(&library, &real, sizeof real); }

static void *create(size_t memory_limit, const char **failure) {
  (void)memory_limit;
  LZ4F_dctx *context = NULL;
  LZ4F_errorCode_t result = real.create(&context, LZ4F_VERSION);
  if (real.is_error(result)) {
    *failure = real.error_name(result);
    return NULL;
  }
  return context;
}

static enum ccompression_status step(void *state, const unsigned char *input, size_t input_size, int last,
                                     size_t *consumed, unsigned char *output, size_t output_size, size_t *produced,
                                     const char **problem) {
  size_t input_count = input_size;
  size_t output_count = output_size;
  size_t result = real.decompress(state, output, &output_count, input, &input_count, NULL);
  *consumed = input_count;
  *produced = output_count;
  if (real.is_error(result)) {
    *problem = real.error_name(result);
    return CCOMPRESSION_ERROR;
  }
  if (result == 0) return CCOMPRESSION_FRAME_END;
  if (last && input_count == input_size && output_count < output_size) {
    *problem = "the input ends inside a frame";
    return CCOMPRESSION_ERROR;
  }
  return CCOMPRESSION_MORE;
}

static void reset(void *state) { real.reset(state); }

static void destroy(void *state) { real.destroy(state); }

const struct ccompression_codec ccompression_lz4 = {load, create, step, reset, destroy};
