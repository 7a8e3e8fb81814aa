//===--- stream.c - One step function over three libraries ------------------===//
//
// ccompression_create picks the format's functions (zstd.c, xz.c, gzip.c, lz4.c); the
// rest dispatches through them. Each format keeps its state behind `state`.
//
//===----------------------------------------------------------------------===//

#include "CCompression.h"
#include "formats.h"

#include <stdlib.h>

struct ccompression_stream {
  const struct ccompression_codec *codec;
  void *state;
};

struct ccompression_stream *ccompression_create(enum ccompression_format format, size_t memory_limit,
                                                const char **failure) {
  const struct ccompression_codec *codec;
  switch (format) {
  case CCOMPRESSION_ZSTD: codec = &ccompression_zstd; break;
  case CCOMPRESSION_XZ: codec = &ccompression_xz; break;
  case CCOMPRESSION_GZIP: codec = &ccompression_gzip; break;
  case CCOMPRESSION_LZ4: codec = &ccompression_lz4; break;
  default: *failure = "unknown compression format"; return NULL;
  }
  if ((*failure = codec->load()) != NULL) return NULL;
  struct ccompression_stream *stream = malloc(sizeof *stream);
  if (stream == NULL) {
    *failure = "out of memory";
    return NULL;
  }
  stream->codec = codec;
  stream->state = codec->create(memory_limit, failure);
  if (stream->state == NULL) {
    free(stream);
    return NULL;
  }
  return stream;
}

enum ccompression_status ccompression_step(struct ccompression_stream *stream, const unsigned char *input,
                                           size_t input_size, int last, size_t *consumed, unsigned char *output,
                                           size_t output_size, size_t *produced, const char **problem) {
  *consumed = 0;
  *produced = 0;
  *problem = NULL;
  return stream->codec->step(stream->state, input, input_size, last, consumed, output, output_size, produced, problem);
}

void ccompression_reset(struct ccompression_stream *stream) { stream->codec->reset(stream->state); }

void ccompression_free(struct ccompression_stream *stream) {
  if (stream == NULL) return;
  stream->codec->destroy(stream->state);
  free(stream);
}
