//===--- elfutils.c - libdw and libelf, opened on first use ------------------===//
//
// Each function ELFSymbols calls, defined with the headers' prototype and
// forwarded to the library's own, found with dlsym once clibdw_load() has opened
// libdw.so.1 (include/CLibDW.h says why). The sonames are the ones Debian's
// libdw1 and libelf1 ship; libelf's functions are found through libdw's handle,
// which loads it as a dependency.
//
//===----------------------------------------------------------------------===//

#include "CLibDW.h"

#include "CSharedLibrary.h"

#include <pthread.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#define CLIBDW_FUNCTIONS(X) \
  X(dwarf_attr) \
  X(dwarf_attr_integrate) \
  X(dwarf_begin_elf) \
  X(dwarf_cfi_addrframe) \
  X(dwarf_cfi_end) \
  X(dwarf_child) \
  X(dwarf_dieoffset) \
  X(dwarf_end) \
  X(dwarf_entrypc) \
  X(dwarf_filesrc) \
  X(dwarf_formaddr) \
  X(dwarf_formflag) \
  X(dwarf_formref_die) \
  X(dwarf_formstring) \
  X(dwarf_formudata) \
  X(dwarf_frame_cfa) \
  X(dwarf_frame_info) \
  X(dwarf_frame_register) \
  X(dwarf_get_units) \
  X(dwarf_getcfi) \
  X(dwarf_getcfi_elf) \
  X(dwarf_getelf) \
  X(dwarf_getsrcfiles) \
  X(dwarf_getsrclines) \
  X(dwarf_lineaddr) \
  X(dwarf_linecol) \
  X(dwarf_lineendsequence) \
  X(dwarf_lineno) \
  X(dwarf_linesrc) \
  X(dwarf_lowpc) \
  X(dwarf_next_cfi) \
  X(dwarf_onesrcline) \
  X(dwarf_ranges) \
  X(dwarf_siblingof) \
  X(dwarf_tag) \
  X(elf_begin) \
  X(elf_end) \
  X(elf_errmsg) \
  X(elf_getdata) \
  X(elf_getphdrnum) \
  X(elf_getident) \
  X(elf_getshdrstrndx) \
  X(elf_kind) \
  X(elf_nextscn) \
  X(elf_strptr) \
  X(elf_version) \
  X(gelf_getehdr) \
  X(gelf_getphdr) \
  X(gelf_getshdr) \
  X(gelf_getsym) \
  X(dwelf_elf_gnu_build_id) \
  X(dwelf_elf_gnu_debuglink)

static struct {
#define X(name) __typeof__(name) *name;
  CLIBDW_FUNCTIONS(X)
#undef X
} real;

static const char *const names[] = {
#define X(name) #name,
  CLIBDW_FUNCTIONS(X)
#undef X
};
static void *slots[sizeof names / sizeof names[0]];
_Static_assert(sizeof real == sizeof slots, "one pointer per function");

static struct csharedlibrary library = {
  "libdw.so.1", "libdw1", "elfutils older than 0.177?", names, slots, sizeof names / sizeof names[0], "libdw was never opened", {0}};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_library(void) {
  csharedlibrary_open(&library);
  if (library.failure == NULL) memcpy(&real, slots, sizeof real);
}

const char *clibdw_load(void) {
  pthread_once(&once, open_library);
  return library.failure;
}

// The forwarders. Callers have had NULL from clibdw_load(); a call before that (its pointer still
// null) is a bug in this package, stopped here rather than made through a null pointer.
static void require_loaded(void) {
  if (clibdw_load() != NULL) {
    fprintf(stderr, "CLibDW: elfutils called before clibdw_load() succeeded: %s\n", library.failure);
    abort();
  }
}

Dwarf_Attribute *dwarf_attr(Dwarf_Die *die, unsigned int search_name, Dwarf_Attribute *result) {
  if (real.dwarf_attr == NULL) require_loaded();
  return real.dwarf_attr(die, search_name, result);
}

Dwarf_Attribute *dwarf_attr_integrate(Dwarf_Die *die, unsigned int search_name, Dwarf_Attribute *result) {
  if (real.dwarf_attr_integrate == NULL) require_loaded();
  return real.dwarf_attr_integrate(die, search_name, result);
}

Dwarf *dwarf_begin_elf(Elf *elf, Dwarf_Cmd cmd, Elf_Scn *scngrp) {
  if (real.dwarf_begin_elf == NULL) require_loaded();
  return real.dwarf_begin_elf(elf, cmd, scngrp);
}

int dwarf_cfi_addrframe(Dwarf_CFI *cache, Dwarf_Addr address, Dwarf_Frame **frame) {
  if (real.dwarf_cfi_addrframe == NULL) require_loaded();
  return real.dwarf_cfi_addrframe(cache, address, frame);
}

int dwarf_cfi_end(Dwarf_CFI *cache) {
  if (real.dwarf_cfi_end == NULL) require_loaded();
  return real.dwarf_cfi_end(cache);
}

int dwarf_child(Dwarf_Die *die, Dwarf_Die *result) {
  if (real.dwarf_child == NULL) require_loaded();
  return real.dwarf_child(die, result);
}

Dwarf_Off dwarf_dieoffset(Dwarf_Die *die) {
  if (real.dwarf_dieoffset == NULL) require_loaded();
  return real.dwarf_dieoffset(die);
}

int dwarf_end(Dwarf *dwarf) {
  if (real.dwarf_end == NULL) require_loaded();
  return real.dwarf_end(dwarf);
}

const char *dwarf_filesrc(Dwarf_Files *file, size_t idx, Dwarf_Word *mtime, Dwarf_Word *length) {
  if (real.dwarf_filesrc == NULL) require_loaded();
  return real.dwarf_filesrc(file, idx, mtime, length);
}

Dwarf_Die *dwarf_formref_die(Dwarf_Attribute *attr, Dwarf_Die *die_mem) {
  if (real.dwarf_formref_die == NULL) require_loaded();
  return real.dwarf_formref_die(attr, die_mem);
}

const char *dwarf_formstring(Dwarf_Attribute *attrp) {
  if (real.dwarf_formstring == NULL) require_loaded();
  return real.dwarf_formstring(attrp);
}

int dwarf_formudata(Dwarf_Attribute *attr, Dwarf_Word *return_uval) {
  if (real.dwarf_formudata == NULL) require_loaded();
  return real.dwarf_formudata(attr, return_uval);
}

int dwarf_frame_cfa(Dwarf_Frame *frame, Dwarf_Op **ops, size_t *nops) {
  if (real.dwarf_frame_cfa == NULL) require_loaded();
  return real.dwarf_frame_cfa(frame, ops, nops);
}

int dwarf_frame_info(Dwarf_Frame *frame, Dwarf_Addr *start, Dwarf_Addr *end, bool *signalp) {
  if (real.dwarf_frame_info == NULL) require_loaded();
  return real.dwarf_frame_info(frame, start, end, signalp);
}

int dwarf_frame_register(Dwarf_Frame *frame, int regno, Dwarf_Op ops_mem[3], Dwarf_Op **ops, size_t *nops) {
  if (real.dwarf_frame_register == NULL) require_loaded();
  return real.dwarf_frame_register(frame, regno, ops_mem, ops, nops);
}

int dwarf_get_units(Dwarf *dwarf, Dwarf_CU *cu, Dwarf_CU **next_cu, Dwarf_Half *version, uint8_t *unit_type, Dwarf_Die *cudie, Dwarf_Die *subdie) {
  if (real.dwarf_get_units == NULL) require_loaded();
  return real.dwarf_get_units(dwarf, cu, next_cu, version, unit_type, cudie, subdie);
}

Dwarf_CFI *dwarf_getcfi(Dwarf *dwarf) {
  if (real.dwarf_getcfi == NULL) require_loaded();
  return real.dwarf_getcfi(dwarf);
}

Dwarf_CFI *dwarf_getcfi_elf(Elf *elf) {
  if (real.dwarf_getcfi_elf == NULL) require_loaded();
  return real.dwarf_getcfi_elf(elf);
}

Elf *dwarf_getelf(Dwarf *dwarf) {
  if (real.dwarf_getelf == NULL) require_loaded();
  return real.dwarf_getelf(dwarf);
}

int dwarf_getsrcfiles(Dwarf_Die *cudie, Dwarf_Files **files, size_t *nfiles) {
  if (real.dwarf_getsrcfiles == NULL) require_loaded();
  return real.dwarf_getsrcfiles(cudie, files, nfiles);
}

int dwarf_getsrclines(Dwarf_Die *cudie, Dwarf_Lines **lines, size_t *nlines) {
  if (real.dwarf_getsrclines == NULL) require_loaded();
  return real.dwarf_getsrclines(cudie, lines, nlines);
}

int dwarf_lineaddr(Dwarf_Line *line, Dwarf_Addr *addrp) {
  if (real.dwarf_lineaddr == NULL) require_loaded();
  return real.dwarf_lineaddr(line, addrp);
}

int dwarf_linecol(Dwarf_Line *line, int *colp) {
  if (real.dwarf_linecol == NULL) require_loaded();
  return real.dwarf_linecol(line, colp);
}

int dwarf_lineendsequence(Dwarf_Line *line, bool *flagp) {
  if (real.dwarf_lineendsequence == NULL) require_loaded();
  return real.dwarf_lineendsequence(line, flagp);
}

int dwarf_lineno(Dwarf_Line *line, int *linep) {
  if (real.dwarf_lineno == NULL) require_loaded();
  return real.dwarf_lineno(line, linep);
}

const char *dwarf_linesrc(Dwarf_Line *line, Dwarf_Word *mtime, Dwarf_Word *length) {
  if (real.dwarf_linesrc == NULL) require_loaded();
  return real.dwarf_linesrc(line, mtime, length);
}

int dwarf_entrypc(Dwarf_Die *die, Dwarf_Addr *return_addr) {
  if (real.dwarf_entrypc == NULL) require_loaded();
  return real.dwarf_entrypc(die, return_addr);
}

int dwarf_formaddr(Dwarf_Attribute *attr, Dwarf_Addr *return_addr) {
  if (real.dwarf_formaddr == NULL) require_loaded();
  return real.dwarf_formaddr(attr, return_addr);
}

int dwarf_formflag(Dwarf_Attribute *attr, bool *return_bool) {
  if (real.dwarf_formflag == NULL) require_loaded();
  return real.dwarf_formflag(attr, return_bool);
}

int dwarf_lowpc(Dwarf_Die *die, Dwarf_Addr *return_addr) {
  if (real.dwarf_lowpc == NULL) require_loaded();
  return real.dwarf_lowpc(die, return_addr);
}

int dwarf_next_cfi(const unsigned char e_ident[], Elf_Data *data, bool eh_frame_p, Dwarf_Off offset, Dwarf_Off *next_offset, Dwarf_CFI_Entry *entry) {
  if (real.dwarf_next_cfi == NULL) require_loaded();
  return real.dwarf_next_cfi(e_ident, data, eh_frame_p, offset, next_offset, entry);
}

Dwarf_Line *dwarf_onesrcline(Dwarf_Lines *lines, size_t idx) {
  if (real.dwarf_onesrcline == NULL) require_loaded();
  return real.dwarf_onesrcline(lines, idx);
}

ptrdiff_t dwarf_ranges(Dwarf_Die *die, ptrdiff_t offset, Dwarf_Addr *basep, Dwarf_Addr *startp, Dwarf_Addr *endp) {
  if (real.dwarf_ranges == NULL) require_loaded();
  return real.dwarf_ranges(die, offset, basep, startp, endp);
}

int dwarf_siblingof(Dwarf_Die *die, Dwarf_Die *result) {
  if (real.dwarf_siblingof == NULL) require_loaded();
  return real.dwarf_siblingof(die, result);
}

int dwarf_tag(Dwarf_Die *die) {
  if (real.dwarf_tag == NULL) require_loaded();
  return real.dwarf_tag(die);
}

Elf *elf_begin(int fildes, Elf_Cmd cmd, Elf *ref) {
  if (real.elf_begin == NULL) require_loaded();
  return real.elf_begin(fildes, cmd, ref);
}

int elf_end(Elf *elf) {
  if (real.elf_end == NULL) require_loaded();
  return real.elf_end(elf);
}

const char *elf_errmsg(int error) {
  if (real.elf_errmsg == NULL) require_loaded();
  return real.elf_errmsg(error);
}

Elf_Data *elf_getdata(Elf_Scn *scn, Elf_Data *data) {
  if (real.elf_getdata == NULL) require_loaded();
  return real.elf_getdata(scn, data);
}

char *elf_getident(Elf *elf, size_t *nbytes) {
  if (real.elf_getident == NULL) require_loaded();
  return real.elf_getident(elf, nbytes);
}

int elf_getshdrstrndx(Elf *elf, size_t *dst) {
  if (real.elf_getshdrstrndx == NULL) require_loaded();
  return real.elf_getshdrstrndx(elf, dst);
}

Elf_Kind elf_kind(Elf *elf) {
  if (real.elf_kind == NULL) require_loaded();
  return real.elf_kind(elf);
}

Elf_Scn *elf_nextscn(Elf *elf, Elf_Scn *scn) {
  if (real.elf_nextscn == NULL) require_loaded();
  return real.elf_nextscn(elf, scn);
}

char *elf_strptr(Elf *elf, size_t index, size_t offset) {
  if (real.elf_strptr == NULL) require_loaded();
  return real.elf_strptr(elf, index, offset);
}

unsigned int elf_version(unsigned int version) {
  if (real.elf_version == NULL) require_loaded();
  return real.elf_version(version);
}

GElf_Ehdr *gelf_getehdr(Elf *elf, GElf_Ehdr *dest) {
  if (real.gelf_getehdr == NULL) require_loaded();
  return real.gelf_getehdr(elf, dest);
}

int elf_getphdrnum(Elf *elf, size_t *dst) {
  if (real.elf_getphdrnum == NULL) require_loaded();
  return real.elf_getphdrnum(elf, dst);
}

GElf_Phdr *gelf_getphdr(Elf *elf, int ndx, GElf_Phdr *dst) {
  if (real.gelf_getphdr == NULL) require_loaded();
  return real.gelf_getphdr(elf, ndx, dst);
}

GElf_Shdr *gelf_getshdr(Elf_Scn *scn, GElf_Shdr *dst) {
  if (real.gelf_getshdr == NULL) require_loaded();
  return real.gelf_getshdr(scn, dst);
}

GElf_Sym *gelf_getsym(Elf_Data *data, int ndx, GElf_Sym *dst) {
  if (real.gelf_getsym == NULL) require_loaded();
  return real.gelf_getsym(data, ndx, dst);
}

ssize_t dwelf_elf_gnu_build_id(Elf *elf, const void **build_idp) {
  if (real.dwelf_elf_gnu_build_id == NULL) require_loaded();
  return real.dwelf_elf_gnu_build_id(elf, build_idp);
}

const char *dwelf_elf_gnu_debuglink(Elf *elf, GElf_Word *crc) {
  if (real.dwelf_elf_gnu_debuglink == NULL) require_loaded();
  return real.dwelf_elf_gnu_debuglink(elf, crc);
}
