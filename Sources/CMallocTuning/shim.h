/* glibc's allocator tuning (<malloc.h>: mallopt, M_MMAP_THRESHOLD), which Swift's Glibc
   module does not include. Only the analyse command imports this. */
#ifndef CMALLOCTUNING_SHIM_H
#define CMALLOCTUNING_SHIM_H

#include <malloc.h>

#endif
