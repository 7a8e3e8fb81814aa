/* The Swift runtime's demangler as its backtracer uses it, called behind a fault guard.
   Nothing but Demangling imports this. */
#ifndef CSWIFTDEMANGLE_H
#define CSWIFTDEMANGLE_H

#include <stddef.h>

/* How a guarded demangling ended. */
enum cswiftdemangle_outcome {
  /* The runtime answered (its answer may still be NULL or the name unchanged). */
  CSWIFTDEMANGLE_ANSWERED = 0,
  /* The runtime aborted or faulted on the name; the guard took control back. */
  CSWIFTDEMANGLE_FAULTED = 1,
  /* Too many names have faulted in this process; the runtime is no longer called. */
  CSWIFTDEMANGLE_RETIRED = 2,
};

/* Demangles a Swift name (`$s…`, `$S…`, `_T0…`) in the simplified form Swift's backtracer
   prints (`Journal.close()`, `closure #1 in main()`) through `_swift_backtrace_demangle`
   (libswiftCore, Swift 5.9 and later). The runtime's node printer calls abort() on some
   malformed names (a generic requirement outside a signature: `$s$_RVs`), so the call runs
   with SIGABRT, SIGSEGV, SIGBUS, SIGILL and SIGFPE caught for this thread only; a fault
   returns NULL with `*outcome` FAULTED. The result, when not NULL, is malloc'd. */
char *cswiftdemangle_demangle(const char *name, size_t length, enum cswiftdemangle_outcome *outcome);

/* How many names have faulted in the runtime's demangler in this process. */
unsigned cswiftdemangle_fault_count(void);

#endif
