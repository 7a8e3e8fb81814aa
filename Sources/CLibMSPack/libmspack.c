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

#include "CSharedLibrary.h"

#include <pthread.h>
#include <string.h>

static struct {
  __typeof__(mspack_create_cab_decompressor) *create;
  __typeof__(mspack_destroy_cab_decompressor) *destroy;
} real;

static const char *const names[] = {"mspack_create_cab_decompressor", "mspack_destroy_cab_decompressor"};
static void *slots[sizeof names / sizeof names[0]];
_Static_assert(sizeof real == sizeof slots, "one pointer per function");

static struct csharedlibrary library = {
  "libmspack.so.0", "libmspack0", NULL, names, slots, sizeof names / sizeof names[0], "libmspack was never opened", {0}};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_library(void) {
  csharedlibrary_open(&library);
  if (library.failure == NULL) memcpy(&real, slots, sizeof real);
}

const char *clibmspack_load(void) {
  pthread_once(&once, open_library);
  return library.failure;
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
