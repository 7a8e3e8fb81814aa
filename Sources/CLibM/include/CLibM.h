/* The C math library, opened on first use. The Swift standard library's one object file refers
   to about a hundred libm functions (most of them behind Float80 and the Glibc overlay), so an
   executable linked with it names libm.so.6 and the loader maps it at every start and resolves
   its 21 CPU-dependent functions (about 0.4 MiB resident) although a run calls none of them but
   `ceil` (the standard library sizes hash tables with it). The analyse executables link this
   module instead of libm (scripts/install): the rounding functions are computed here, exactly,
   and every other function is looked up in libm.so.6 the first time it is called. */
#ifndef CLIBM_H
#define CLIBM_H

/* This module's rounding functions (what ceil, floor, trunc and round and their float forms
   are in an executable that links it), by their own names, for tests. */
double clibm_ceil(double x);
double clibm_floor(double x);
double clibm_trunc(double x);
double clibm_round(double x);
float clibm_ceilf(float x);
float clibm_floorf(float x);
float clibm_truncf(float x);
float clibm_roundf(float x);

/* libm.so.6's own function of that name (for tests comparing with it), or NULL. */
void *clibm_libm_function(const char *name);

/* How many of the forwarded functions have been looked up in libm.so.6 so far (0 until one is
   called). */
int clibm_resolved_count(void);

#endif
