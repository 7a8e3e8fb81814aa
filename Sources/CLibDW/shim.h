/* The parts of elfutils (libelf, libdw, libdwelf) that ELFSymbols uses.
   Debian: apt-get install libdw-dev libelf-dev. Nothing but ELFSymbols imports this. */
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

#endif
