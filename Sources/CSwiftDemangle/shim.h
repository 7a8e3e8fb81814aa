/* The Swift runtime's demangler as its backtracer uses it (Swift 5.9 and later export it from
   libswiftCore, which every Swift program links; no header of the toolchain declares it for C).
   Nothing but Demangling imports this. */
#ifndef CSWIFTDEMANGLE_SHIM_H
#define CSWIFTDEMANGLE_SHIM_H

#include <stddef.h>

/* Demangles a Swift name (`$s…`, `$S…`, `_T0…`) in the simplified form Swift's backtracer
   prints (`Journal.close()`, `closure #1 in main()`), or a C++ name through __cxa_demangle.
   With outputBuffer NULL the result is malloc'd. A Swift name the demangler cannot read comes
   back as it was; anything else it cannot read gives NULL. */
char *_swift_backtrace_demangle(const char *mangledName, size_t mangledNameLength, char *outputBuffer,
                                size_t *outputBufferSize);

#endif
