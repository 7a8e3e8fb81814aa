/* The parts of elfutils (libelf, libdw, libdwelf) that ELFSymbols uses, loaded on first use.
   Debian: apt-get install libdw-dev libelf-dev (headers; libdw1 and libelf1 at run time).
   Nothing but ELFSymbols imports this.

   Most runs read no ELF file: a Windows dump with Breakpad symbols, a pasted listing. Linked
   the ordinary way, libdw, libelf and what they need (zlib, liblzma, libbz2) were mapped and
   relocated at every start: 0.3 ms and 0.7 MiB of a 6 ms run. So this target defines each
   function ELFSymbols calls, under its own name and with the prototype the headers declare
   (the compiler checks the two agree), and forwards it to libdw.so.1, opened with dlopen the
   first time clibdw_load() is called. ELFSymbols calls clibdw_load() before it opens a file
   and reports its message when the library is missing; nothing here is called before. */
#ifndef CLIBDW_SHIM_H
#define CLIBDW_SHIM_H

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <gelf.h>
#include <libelf.h>

/* Function-like macros are not imported into Swift. */
static inline unsigned char clibdw_symbol_type(unsigned char info) { return GELF_ST_TYPE(info); }
static inline unsigned char clibdw_symbol_binding(unsigned char info) { return GELF_ST_BIND(info); }

/* Opens libdw.so.1 (and with it libelf.so.1) once per process and finds every function this
   target forwards. Returns NULL when they are ready, else why not (dlopen's or dlsym's
   message, valid for the life of the process). Safe to call from any thread, any number of
   times. */
const char *clibdw_load(void);

#endif
