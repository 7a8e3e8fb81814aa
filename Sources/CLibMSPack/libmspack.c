//===--- libmspack.c - libmspack, opened on first use -----------------------===//
//
// The two libmspack functions the header's clibmspack_extract_first calls,
// defined with mspack.h's prototypes and forwarded to the library's own, found
// with dlsym once clibmspack_load() has opened libmspack.so.0 (Debian's
// libmspack0 soname). Everything else libmspack does goes through the
// decompressor's function pointers.
//
//===----------------------------------------------------------------------===//

#include "CLibMSPack.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
  __typeof__(mspack_create_cab_decompressor) *create;
  __typeof__(mspack_destroy_cab_decompressor) *destroy;
} real;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *failure = "libmspack was never opened";
static char message[512];

static void open_library(void) {
  void *handle = dlopen("libmspack.so.0", RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    const char *reason = dlerror();
    snprintf(message, sizeof message, "cannot load libmspack.so.0 (Debian: apt-get install libmspack0): %s",
             reason ? reason : "unknown error");
    failure = message;
    return;
  }
  real.create = (__typeof__(mspack_create_cab_decompressor) *)dlsym(handle, "mspack_create_cab_decompressor");
  real.destroy = (__typeof__(mspack_destroy_cab_decompressor) *)dlsym(handle, "mspack_destroy_cab_decompressor");
  if (real.create == NULL || real.destroy == NULL) {
    snprintf(message, sizeof message, "libmspack.so.0 lacks the CAB decompressor");
    failure = message;
    return;
  }
  failure = NULL;
}

const char *clibmspack_load(void) {
  pthread_once(&once, open_library);
  return failure;
}

// Called only after clibmspack_load() returned NULL (CabinetFile); otherwise no decompressor,
// which clibmspack_extract_first reports as MSPACK_ERR_NOMEMORY rather than calling through null.
struct mscab_decompressor *mspack_create_cab_decompressor(struct mspack_system *sys) {
  if (clibmspack_load() != NULL) return NULL;
  return real.create(sys);
}

void mspack_destroy_cab_decompressor(struct mscab_decompressor *self) {
  if (real.destroy != NULL) real.destroy(self);
}
