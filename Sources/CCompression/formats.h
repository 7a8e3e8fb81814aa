/* What each format's file (zstd.c, xz.c, gzip.c) gives stream.c. Private to the target. */
#ifndef CCOMPRESSION_FORMATS_H
#define CCOMPRESSION_FORMATS_H

#include "CCompression.h"

struct ccompression_codec {
  /* Opens the library once per process: NULL when ready, else why not. */
  const char *(*load)(void);
  /* A decoder's state, or NULL with `failure` set. */
  void *(*create)(size_t memory_limit, const char **failure);
  enum ccompression_status (*step)(void *state, const unsigned char *input, size_t input_size, int last,
                                   size_t *consumed, unsigned char *output, size_t output_size, size_t *produced,
                                   const char **problem);
  void (*reset)(void *state);
  void (*destroy)(void *state);
};

extern const struct ccompression_codec ccompression_zstd;
extern const struct ccompression_codec ccompression_xz;
extern const struct ccompression_codec ccompression_gzip;
extern const struct ccompression_codec ccompression_lz4;

#endif
