//===--- sharedlibrary.c - A library opened on first use ---------------------===//
//
// dlopen with RTLD_LOCAL (the library's symbols stay out of the global scope),
// then dlsym for each function; a missing library or function is a message
// naming it and the package that provides it, never a process that fails to
// start.
//
//===----------------------------------------------------------------------===//

#include "CSharedLibrary.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

void csharedlibrary_open(struct csharedlibrary *library) {
  void *handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    const char *reason = dlerror();
    snprintf(library->message, sizeof library->message, "cannot load %s (Debian: apt-get install %s): %s",
             library->soname, library->package, reason ? reason : "unknown error");
    library->failure = library->message;
    return;
  }
  for (size_t index = 0; index < library->count; index++) {
    library->slots[index] = dlsym(handle, library->names[index]);
    if (library->slots[index] == NULL) {
      snprintf(library->message, sizeof library->message, "%s has no %s%s%s", library->soname,
               library->names[index], library->hint ? ": " : "", library->hint ? library->hint : "");
      library->failure = library->message;
      return;
    }
  }
  library->handle = handle;
  library->failure = NULL;
}

const char *csharedlibrary_load(struct csharedlibrary *library, void *real, size_t real_size) {
  pthread_mutex_lock(&load_lock);
  if (!library->attempted) {
    library->attempted = 1;
    csharedlibrary_open(library);
    if (library->failure == NULL && real_size == library->count * sizeof(void *)) memcpy(real, library->slots, real_size);
  }
  pthread_mutex_unlock(&load_lock);
  return library->failure;
}

void *csharedlibrary_function(struct csharedlibrary *library, const char *name) {
  return library->handle != NULL ? dlsym(library->handle, name) : NULL;
}
