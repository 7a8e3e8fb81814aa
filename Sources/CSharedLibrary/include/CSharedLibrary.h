/* A shared library opened with dlopen on first use and the functions looked up in it: what
   CLibDW (elfutils), CLibMSPack (libmspack) and CLibYAML (libyaml) share. Each keeps its
   functions' names and a struct of pointers of their types, and calls csharedlibrary_open
   once (pthread_once) before any of them is used. */
#ifndef CSHAREDLIBRARY_H
#define CSHAREDLIBRARY_H

#include <stddef.h>

struct csharedlibrary {
  /* The soname opened, e.g. "libdw.so.1". */
  const char *soname;
  /* The Debian package that installs it, named in the message when it is missing. */
  const char *package;
  /* Added to the message when a function is missing (a version too old), or NULL. */
  const char *hint;
  /* The functions' names, and where each one's address is stored, in the same order. */
  const char *const *names;
  void **slots;
  size_t count;
  /* NULL once every function is found; else why not (valid for the life of the process). */
  const char *failure;
  char message[512];
  /* dlopen's handle once the library is open, else NULL. */
  void *handle;
  /* Whether csharedlibrary_load has tried to open it (under its lock). */
  int attempted;
};

/* Opens `library->soname` and looks up every name into its slot, setting `failure`. Call it
   once per process (the shims call it through pthread_once). */
void csharedlibrary_open(struct csharedlibrary *library);

/* Opens `library` the first time it is called for it (under a lock: later callers wait for the
   first) and copies its slots into `real` (`real_size` bytes: one pointer per name, in order).
   Returns NULL when the functions are ready, else why not (valid for the life of the process).
   The shims that need nothing else at opening call this instead of pthread_once. */
const char *csharedlibrary_load(struct csharedlibrary *library, void *real, size_t real_size);

/* The address of `name` in the opened library (dlsym), or NULL when the library is not open or
   has no such symbol: for functions looked up one at a time, on first use. */
void *csharedlibrary_function(struct csharedlibrary *library, const char *name);

#endif
