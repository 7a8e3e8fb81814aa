/* The compressed formats a crash input arrives in: zstd (systemd-coredump's cores since
   systemd 246, `zstd`), xz (systemd-coredump's before, `xz`), LZ4 frames (systemd-coredump's
   where systemd was built with lz4, as RHEL 8's is; `lz4`) and gzip (logrotate's logs, `gzip`). Each library is opened with dlopen the first time a stream of its format is created
   (CSharedLibrary), as CLibDW opens libdw: a run that reads no compressed input never maps
   them. Debian: libzstd-dev, liblzma-dev, liblz4-dev and zlib1g-dev for the headers (libzstd1,
   liblzma5, liblz4-1 and zlib1g at run time). Nothing but Decompression imports this.

   All four are driven through one step function, so the Swift side has one loop. */
#ifndef CCOMPRESSION_H
#define CCOMPRESSION_H

#include <stddef.h>

/* The formats, by the library that reads them. */
enum ccompression_format { CCOMPRESSION_ZSTD = 1, CCOMPRESSION_XZ = 2, CCOMPRESSION_GZIP = 3, CCOMPRESSION_LZ4 = 4 };

/* What a step did. */
enum ccompression_status {
  /* More input (or more output room) is needed. */
  CCOMPRESSION_MORE = 0,
  /* A frame, stream or member ended; further input, if any, starts the next one. */
  CCOMPRESSION_FRAME_END = 1,
  /* The input is damaged or asks for more memory than allowed; `problem` says which. */
  CCOMPRESSION_ERROR = -1,
};

/* A decompressing stream of one format. */
struct ccompression_stream;

/* A stream of `format` whose decoder may use at most `memory_limit` bytes (a zstd window, an xz
   dictionary). NULL when the library cannot be opened or memory ran out: `failure` then says
   why (valid for the life of the process). */
struct ccompression_stream *ccompression_create(enum ccompression_format format, size_t memory_limit,
                                                const char **failure);

/* Decompresses from `input` (`input_size` bytes; `last` when no input follows them) into
   `output` (`output_size` bytes of room). Sets how many bytes were consumed and produced.
   On CCOMPRESSION_ERROR, `problem` is the library's message (static text). */
enum ccompression_status ccompression_step(struct ccompression_stream *stream, const unsigned char *input,
                                           size_t input_size, int last, size_t *consumed, unsigned char *output,
                                           size_t output_size, size_t *produced, const char **problem);

/* Starts the next frame, stream or member (after CCOMPRESSION_FRAME_END, when input remains). */
void ccompression_reset(struct ccompression_stream *stream);

/* Frees the stream. */
void ccompression_free(struct ccompression_stream *stream);

#endif
