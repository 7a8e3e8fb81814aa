/* The Itanium C++ ABI's demangler, as the C++ runtime (libstdc++) exports it
   (<cxxabi.h> declares it in C++ only). Nothing but ELFSymbols imports this. */
#ifndef CCXXABI_SHIM_H
#define CCXXABI_SHIM_H

#include <stddef.h>

/* Returns a malloc'd demangled name, or NULL with *status set (-1 memory, -2 not a
   valid name, -3 bad argument). */
char *__cxa_demangle(const char *mangled_name, char *output_buffer, size_t *length, int *status);

#endif
