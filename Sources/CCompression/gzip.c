//===--- gzip.c - gzip members through zlib, opened on first use ------------===//
//
// RFC 1952 members as `gzip` and logrotate write them, one after another
// (inflate with a gzip wrapper, 15 + 16 window bits; a member's end resets the
// stream for the next). zlib's window is 32 KiB whatever the header says, so
// there is no memory limit to set. libz.so.1 is Debian's zlib1g soname.
//
//===----------------------------------------------------------------------===//

#include "formats.h"

#include "CSharedLibrary.h"

#include <stdlib.h>
#include <zlib.h>

static struct {
  __typeof__(inflateInit2_) *init;
  __typeof__(inflate) *inflate;
  __typeof__(inflateReset) *reset;
  __typeof__(inflateEnd) *end;
} real;

static const char *const names[] = {"inflateInit2_", "inflate", "inflateReset", "inflateEnd"};
static void *slots[sizeof names / sizeof names[0]];
_Static_assert(sizeof real == sizeof slots, "one pointer per function");

static struct csharedlibrary library = {
  "libz.so.1", "zlib1g", NULL, names, slots, sizeof names / sizeof names[0], "zlib was never opened", {0}};
static const char *load(void) { return csharedlibrary_load(&library, &real, sizeof real); }

static void *create(size_t memory_limit, const char **failure) {
  (void)memory_limit;
  z_stream *stream = calloc(1, sizeof *stream);
  if (stream == NULL) {
    *failure = "out of memory";
    return NULL;
  }
  if (real.init(stream, 15 + 16, ZLIB_VERSION, (int)sizeof *stream) != Z_OK) {
    *failure = stream->msg != NULL ? stream->msg : "zlib could not start";
    free(stream);
    return NULL;
  }
  return stream;
}

static enum ccompression_status step(void *state, const unsigned char *input, size_t input_size, int last,
                                     size_t *consumed, unsigned char *output, size_t output_size, size_t *produced,
                                     const char **problem) {
  z_stream *stream = state;
  // zlib counts in `unsigned int`: hand it at most 1 GiB at a time.
  unsigned int input_count = input_size > (1u << 30) ? 1u << 30 : (unsigned int)input_size;
  unsigned int output_count = output_size > (1u << 30) ? 1u << 30 : (unsigned int)output_size;
  stream->next_in = (unsigned char *)input;
  stream->avail_in = input_count;
  stream->next_out = output;
  stream->avail_out = output_count;
  int result = real.inflate(stream, Z_NO_FLUSH);
  *consumed = input_count - stream->avail_in;
  *produced = output_count - stream->avail_out;
  switch (result) {
  case Z_STREAM_END: return CCOMPRESSION_FRAME_END;
  case Z_OK:
  case Z_BUF_ERROR:
    if (last && *consumed == input_size && *produced < output_size) {
      *problem = "the input ends inside a member";
      return CCOMPRESSION_ERROR;
    }
    return CCOMPRESSION_MORE;
  case Z_MEM_ERROR: *problem = "out of memory"; return CCOMPRESSION_ERROR;
  default: *problem = stream->msg != NULL ? stream->msg : "damaged data"; return CCOMPRESSION_ERROR;
  }
}

static void reset(void *state) { real.reset(state); }

static void destroy(void *state) {
  real.end(state);
  free(state);
}

const struct ccompression_codec ccompression_gzip = {load, create, step, reset, destroy};
