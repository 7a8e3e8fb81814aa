/* libmspack's CAB decompressor, reading a cabinet from memory and writing the
   extracted file to memory with a size limit. Debian: apt-get install libmspack-dev.
   Only WindowsImages' CabinetFile imports this.

   libmspack does its I/O through a struct mspack_system of callbacks and hands
   the "file name" it is given straight to open(); the name here is a pointer to a
   clibmspack_name saying which buffer it means, the way libmspack's own in-memory
   examples do it.

   libmspack is opened with dlopen the first time clibmspack_load() is called (libmspack.c):
   most runs decompress nothing, and a library linked the ordinary way is mapped and relocated
   at every start. CabinetFile calls clibmspack_load() before clibmspack_extract_first. */
#ifndef CLIBMSPACK_SHIM_H
#define CLIBMSPACK_SHIM_H

#include <mspack.h>
#include <stdlib.h>
#include <string.h>

struct clibmspack_job {
  const unsigned char *input;
  size_t input_size;
  unsigned char *output;
  size_t output_size;
  size_t output_capacity;
  size_t output_limit;
  int over_limit;
};

struct clibmspack_name {
  struct clibmspack_job *job;
  int is_output;
};

struct clibmspack_file {
  struct clibmspack_job *job;
  int is_output;
  size_t position;
};

struct clibmspack_system {
  struct mspack_system base;
};

static inline struct mspack_file *clibmspack_open(struct mspack_system *self, const char *filename, int mode) {
  (void)self;
  const struct clibmspack_name *name = (const struct clibmspack_name *)(const void *)filename;
  if (name == NULL || name->job == NULL) return NULL;
  if (name->is_output != (mode == MSPACK_SYS_OPEN_WRITE)) return NULL;
  struct clibmspack_file *file = (struct clibmspack_file *)calloc(1, sizeof(struct clibmspack_file));
  if (file == NULL) return NULL;
  file->job = name->job;
  file->is_output = name->is_output;
  return (struct mspack_file *)file;
}

static inline void clibmspack_close(struct mspack_file *file) { free(file); }

static inline int clibmspack_read(struct mspack_file *handle, void *buffer, int bytes) {
  struct clibmspack_file *file = (struct clibmspack_file *)handle;
  if (file == NULL || file->is_output || bytes < 0) return -1;
  size_t available = file->job->input_size - file->position;
  size_t count = (size_t)bytes < available ? (size_t)bytes : available;
  memcpy(buffer, file->job->input + file->position, count);
  file->position += count;
  return (int)count;
}

static inline int clibmspack_write(struct mspack_file *handle, void *buffer, int bytes) {
  struct clibmspack_file *file = (struct clibmspack_file *)handle;
  if (file == NULL || !file->is_output || bytes < 0) return -1;
  struct clibmspack_job *job = file->job;
  if ((size_t)bytes > job->output_limit - job->output_size) {
    job->over_limit = 1;
    return -1;
  }
  if (job->output_size + (size_t)bytes > job->output_capacity) {
    size_t capacity = job->output_capacity ? job->output_capacity : 65536;
    while (capacity < job->output_size + (size_t)bytes) capacity *= 2;
    if (capacity > job->output_limit) capacity = job->output_limit;
    unsigned char *grown = (unsigned char *)realloc(job->output, capacity);
    if (grown == NULL) return -1;
    job->output = grown;
    job->output_capacity = capacity;
  }
  memcpy(job->output + job->output_size, buffer, (size_t)bytes);
  job->output_size += (size_t)bytes;
  return bytes;
}

static inline int clibmspack_seek(struct mspack_file *handle, off_t offset, int mode) {
  struct clibmspack_file *file = (struct clibmspack_file *)handle;
  if (file == NULL || file->is_output) return -1;
  off_t base = mode == MSPACK_SYS_SEEK_START ? 0
             : mode == MSPACK_SYS_SEEK_CUR ? (off_t)file->position
             : (off_t)file->job->input_size;
  off_t target = base + offset;
  if (target < 0 || (size_t)target > file->job->input_size) return -1;
  file->position = (size_t)target;
  return 0;
}

static inline off_t clibmspack_tell(struct mspack_file *handle) {
  struct clibmspack_file *file = (struct clibmspack_file *)handle;
  return file == NULL ? -1 : (off_t)file->position;
}

static inline void clibmspack_message(struct mspack_file *file, const char *format, ...) {
  (void)file;
  (void)format;
}

static inline void *clibmspack_alloc(struct mspack_system *self, size_t bytes) {
  (void)self;
  return malloc(bytes);
}

static inline void clibmspack_free(void *pointer) { free(pointer); }

static inline void clibmspack_copy(void *source, void *destination, size_t bytes) { memmove(destination, source, bytes); }

/* Extracts the first file of the cabinet in `job->input` into `job->output`.
   Returns an MSPACK_ERR_* code (0 on success); `name` receives the stored file name
   (up to 255 bytes, NUL-terminated). */
static inline int clibmspack_extract_first(struct clibmspack_job *job, char name[256]) {
  struct mspack_system system = {
    clibmspack_open, clibmspack_close, clibmspack_read, clibmspack_write, clibmspack_seek,
    clibmspack_tell, clibmspack_message, clibmspack_alloc, clibmspack_free, clibmspack_copy, NULL,
  };
  struct clibmspack_name input = {job, 0};
  struct clibmspack_name output = {job, 1};
  name[0] = 0;
  struct mscab_decompressor *cab = mspack_create_cab_decompressor(&system);
  if (cab == NULL) return MSPACK_ERR_NOMEMORY;
  struct mscabd_cabinet *cabinet = cab->open(cab, (const char *)(const void *)&input);
  if (cabinet == NULL) {
    int error = cab->last_error(cab);
    mspack_destroy_cab_decompressor(cab);
    return error ? error : MSPACK_ERR_DATAFORMAT;
  }
  int error = MSPACK_ERR_DATAFORMAT;
  if (cabinet->files != NULL) {
    if (cabinet->files->filename != NULL) {
      strncpy(name, cabinet->files->filename, 255);
      name[255] = 0;
    }
    if ((size_t)cabinet->files->length > job->output_limit) {
      job->over_limit = 1;
      error = MSPACK_ERR_WRITE;
    } else {
      error = cab->extract(cab, cabinet->files, (const char *)(const void *)&output);
    }
  }
  cab->close(cab, cabinet);
  mspack_destroy_cab_decompressor(cab);
  return error;
}

/* Opens libmspack.so.0 once per process. Returns NULL when it is ready, else why not (valid
   for the life of the process). Safe to call from any thread, any number of times. */
const char *clibmspack_load(void);

#endif
